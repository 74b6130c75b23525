"""Where output goes (SPEC §6 `export -o`, `segment export -o`, `segment log --output`):
a folder that does not exist, a path under a plain file, a folder that takes no new files
are refused before anything changes (exit 1, one line); a hard copy that cannot be written
after the log committed fails with its reason and is resent later, never left 'sending'
(issue 11, item 5). Every failure here is real: no function of the product is replaced."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from rapport.cli.main import run
from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.factories import build_log_world, make_segment, make_stored_attachment

# A folder no user may create files in, root included (sysfs).
UNWRITABLE = Path("/sys/kernel")


def docx_template(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def db(sqlite_url, tmp_path, monkeypatch):
    """The log world with SEG1: Dee (P4) by hard copy from a Word template; the current
    directory is an empty folder."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with open_database(sqlite_url).begin() as session:
        contacts = build_log_world(session)
        word = make_stored_attachment(
            session, docx_template("Dear {{ contact.name }}"), extension="docx"
        )
        make_segment(
            session,
            "SEG1",
            interaction_template_code="ABSTRACT",
            interaction_group_code="LETTER",
            salesperson_code="JO",
            lines=[
                {
                    "contact": contacts["P4"],
                    "correspondence_type": "hard_copy",
                    "attachment_no": word.no,
                },
            ],
        )
    return sqlite_url


@pytest.fixture
def rapport(db, capsys):
    def call(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = run(["--db", db, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return call


def counts(url: str) -> tuple[int, ...]:
    with open_database(url).begin() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (t.LoggedSegment, t.InteractionLogEntry, t.SegmentHeader, t.Delivery)
        )


def statuses(url: str) -> list[tuple[str, str]]:
    with open_database(url).begin() as session:
        rows = session.execute(
            select(t.Delivery.status, t.Delivery.reason).order_by(t.Delivery.entry_no)
        )
        return [(status, reason) for status, reason in rows]


def bad_places(folder: Path) -> list[tuple[Path, str]]:
    folder.mkdir()
    (folder / "notes.txt").write_text("notes\n")
    (folder / "out.csv").mkdir()
    return [
        (folder / "missing" / "out.csv", f"folder {folder}/missing does not exist"),
        (folder / "notes.txt" / "out.csv", f"{folder}/notes.txt is a file, not a folder"),
        (UNWRITABLE / "out.csv", "/sys/kernel does not take new files (permission denied)"),
        (folder / "out.csv", f"{folder}/out.csv is a folder, not a file"),
    ]


@pytest.mark.parametrize("command", [["export", "contacts"], ["segment", "export", "SEG1"]])
def test_k4_s13_an_export_to_a_place_that_cannot_take_it_is_refused(rapport, tmp_path, command):
    folder = tmp_path / "exports"
    for path, message in bad_places(folder):
        status, out, err = rapport(*command, "-o", str(path))
        assert (status, out) == (1, ""), err
        assert message in err
        assert len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "out.csv"]
    assert list((folder / "out.csv").iterdir()) == []


@pytest.mark.parametrize("command", [["export", "contacts"], ["segment", "export", "SEG1"]])
def test_k4_s13_an_export_writes_through_a_partial_file_and_leaves_none(rapport, command):
    status, _, err = rapport(*command, "-o", "contacts.csv")
    assert status == 0, err
    assert Path("contacts.csv").read_text().startswith("no,")
    assert sorted(p.name for p in Path().iterdir()) == ["contacts.csv"]


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ("notes.txt/letters", "notes.txt is a file, not a folder"),
        (str(UNWRITABLE / "letters"), "does not take new files (permission denied)"),
    ],
)
def test_l3_a_log_whose_hard_copies_have_nowhere_to_go_is_refused_unlogged(
    rapport, db, place, message
):
    Path("notes.txt").write_text("notes\n")
    before = counts(db)
    status, out, err = rapport("segment", "log", "SEG1", "--deliver", "--output", place)
    assert (status, out) == (1, "")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert counts(db) == before


def test_l3_a_hard_copy_that_cannot_be_written_after_the_log_fails_and_is_resent(rapport, db):
    """A full disk after the log committed: the document's path leads to /dev/full. The
    entry is failed with the reason, never left 'sending'; a resend writes it."""
    letters = Path("letters")
    (letters / "Logged segment 1").mkdir(parents=True)
    (letters / "Logged segment 1" / "1 P4.docx").symlink_to("/dev/full")
    status, _, err = rapport("--json", "segment", "log", "SEG1", "--deliver", "--output", "letters")
    assert status == 0, err
    [(state, reason)] = statuses(db)
    assert state == "failed"
    assert reason.endswith("1 P4.docx: no space left on device")
    (letters / "Logged segment 1" / "1 P4.docx").unlink()
    status, _, err = rapport("logged", "resend", "1", "--correspondence-type", "fax")
    assert (status, err.strip()) == (
        1,
        "error: correspondence_type: 'fax' is not one of '' (blank), 'hard_copy', 'email'",
    )
    status, _, err = rapport(
        "logged", "resend", "1", "--output", "letters", "--correspondence-type", "hard_copy"
    )
    assert status == 0, err
    assert statuses(db) == [("sent", "")]
    assert (letters / "Logged segment 1.zip").is_file()


def test_l3_a_bundle_that_cannot_be_written_keeps_the_log_and_says_so(rapport, db):
    """The zip's name is taken by a folder: the log and its sent hard copy stay, and the
    user reads where the documents are."""
    Path("letters", "Logged segment 1.zip").mkdir(parents=True)
    status, _, err = rapport("segment", "log", "SEG1", "--deliver", "--output", "letters")
    assert status == 1
    assert "Logged Segment 1 has been logged, but its delivery failed" in err
    assert (
        "the hard copies are in letters/Logged segment 1, but letters/Logged segment 1.zip" in err
    )
    assert "rapport logged resend 1" in err
    assert len(err.strip().splitlines()) == 1
    assert counts(db)[:3] == (1, 1, 0)
    assert statuses(db) == [("sent", "")]
    assert Path("letters", "Logged segment 1", "1 P4.docx").is_file()

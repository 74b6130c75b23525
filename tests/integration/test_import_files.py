"""K4: what an import file is made of (SPEC §6.1, §10). A CSV file is read in the encoding
its byte order mark names (UTF-8, UTF-16, UTF-32), else in the one asked for, else as UTF-8;
anything else is refused with the first line that is not, and a file that is not text (a
gzip, a binary, a workbook under a .csv name) is refused by what it is; nothing is imported
(issue 11, item 3)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zipfile

import pytest
from sqlalchemy import select

from rapport.cli.main import run
from rapport.errors import Invalid
from rapport.services.transfer import imports
from rapport.storage import tables as t
from tests.integration.import_world import count, write_file

ROWS = "code,name\nNLB,Nederlands\nFRB,Français\nDEU,Deutsch für Anfänger\n"


def names(sessions) -> list[str]:
    with sessions.begin() as session:
        return list(session.scalars(select(t.Language.name).order_by(t.Language.code)))


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_k4_the_byte_order_mark_names_the_encoding(sqlite_sessions, tmp_path, codec):
    sessions = sqlite_sessions
    path = tmp_path / "languages.csv"
    data = ROWS.encode(codec)
    if codec == "utf-16-be":  # Python writes no mark for an explicit byte order
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    result = imports.import_table(sessions, "languages", path, by="tester")
    assert result.inserted == 3
    assert names(sessions) == ["Deutsch für Anfänger", "Français", "Nederlands"]


def test_k4_latin1_is_refused_at_its_first_bad_line_and_read_when_asked(sqlite_sessions, tmp_path):
    sessions = sqlite_sessions
    path = tmp_path / "languages.csv"
    path.write_bytes(ROWS.encode("latin-1"))
    with pytest.raises(Invalid) as caught:
        imports.import_table(sessions, "languages", path, by="tester")
    assert str(caught.value) == "languages.csv: line 3: not valid UTF-8 (use --encoding)"
    assert count(sessions, "languages") == 0
    assert (
        imports.import_table(sessions, "languages", path, encoding="latin-1", by="tester").inserted
        == 3
    )
    assert "Français" in names(sessions)


def test_k4_a_bad_byte_far_into_the_file_names_its_line_and_imports_nothing(sessions, tmp_path):
    """Past the first chunk (50,000 records) and the first read buffer: the rows already
    staged are rolled back."""
    lines = [f"L{n:05d},Language {n}" for n in range(60_000)]
    lines[55_000] = "LBAD,Caf\xe9"
    path = tmp_path / "languages.csv"
    path.write_bytes(("code,name\n" + "\n".join(lines) + "\n").encode("latin-1"))
    with pytest.raises(Invalid, match=r"line 55002: not valid UTF-8 \(use --encoding\)"):
        imports.import_table(sessions, "languages", path, by="tester")
    assert count(sessions, "languages") == 0


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("languages.csv", ROWS)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("l.csv", gzip.compress(ROWS.encode(), mtime=0), "l.csv: this is a gzip file, not CSV"),
        ("l.csv", bytes(range(256)) * 4, "l.csv: this is a binary file, not CSV"),
        ("l.csv", b"%PDF-1.7\n" + bytes(100), "l.csv: this is a PDF file, not CSV"),
        ("l.csv", _zip(), "l.csv: this is a zip file (an Excel workbook is read from a .xlsx"),
        ("l.xlsx", ROWS.encode(), "l.xlsx: this is a text file, not an Excel workbook"),
        (
            "l.xlsx",
            gzip.compress(b"x", mtime=0),
            "l.xlsx: this is a gzip file, not an Excel workbook",
        ),
        ("l.xlsx", _zip(), "l.xlsx: this is a zip file, not an Excel workbook"),
    ],
    ids=["gzip", "binary", "pdf", "zip", "text-as-xlsx", "gzip-as-xlsx", "zip-as-xlsx"],
)
def test_k4_a_file_that_is_not_what_its_name_says_is_refused_by_name(
    sqlite_sessions, tmp_path, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(Invalid) as caught:
        imports.import_table(sqlite_sessions, "languages", path, by="tester")
    assert str(caught.value).startswith(message)
    assert count(sqlite_sessions, "languages") == 0


def test_k4_an_unknown_encoding_is_named(sqlite_sessions, tmp_path):
    path = write_file(tmp_path / "l.csv", [["code", "name"], ["NLB", "Dutch"]])
    with pytest.raises(Invalid, match="encoding: unknown encoding 'klingon'"):
        imports.import_table(sqlite_sessions, "languages", path, encoding="klingon", by="tester")


def test_k4_the_command_line_takes_encoding_and_says_what_a_file_is(sqlite_url, tmp_path, capsys):
    latin = tmp_path / "l.csv"
    latin.write_bytes(ROWS.encode("cp1252"))
    packed = tmp_path / "g.csv"
    packed.write_bytes(gzip.compress(ROWS.encode(), mtime=0))
    for path, expected in [
        (latin, "error: l.csv: line 3: not valid UTF-8 (use --encoding)"),
        (packed, "error: g.csv: this is a gzip file, not CSV"),
    ]:
        capsys.readouterr()
        assert run(["--db", sqlite_url, "import", "languages", str(path)]) == 1
        assert capsys.readouterr().err.strip() == expected
    args = ["--db", sqlite_url, "import", "languages", str(latin), "--encoding", "cp1252"]
    assert run(args) == 0
    assert "languages: 3 imported" in capsys.readouterr().err


def test_k4_cells_with_backslashes_tabs_and_line_breaks_arrive_as_written(sessions, tmp_path):
    """K4: the staging COPY's text format escapes what it must (PostgreSQL), blanks stay
    blank rather than NULL, and a cell that reads like COPY's NULL marker stays text."""
    address = "Rue 1\tbis\nBoîte \\2\r\nfin"
    rows = [["no", "name", "address", "city", "excluded", "created"]]
    rows += [["C1", "\\N", address, "", "true", "2025-02-03"], ["C2", "Two", "", "x\\y", "", ""]]
    imports.import_table(sessions, "contacts", write_file(tmp_path / "c.csv", rows), by="tester")
    with sessions.begin() as session:
        found = session.execute(
            select(t.Contact.no, t.Contact.name, t.Contact.address, t.Contact.city)
            .add_columns(t.Contact.excluded, t.Contact.created, t.Contact.search_name)
            .order_by(t.Contact.no)
        ).all()
    assert [tuple(row) for row in found] == [
        ("C1", "\\N", address, "", True, dt.date(2025, 2, 3), "\\N"),
        ("C2", "Two", "", "x\\y", False, None, "TWO"),
    ]

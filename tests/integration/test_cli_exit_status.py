"""Exit statuses at the command line (SPEC §6): a bad option or argument value, such as a
malformed date, is a user error (exit 1, one line on stderr, nothing changed) in every
command; exit 2 is only for what the argument parser rejects: an unknown command or option,
a missing argument (issue 11, item 19)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rapport.cli.main import run
from rapport.storage import tables as t
from rapport.storage.db import open_database
from tests.factories import make_company, make_segment
from tests.integration.command_line import command_line


@pytest.fixture
def rapport(sqlite_url, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open_database(sqlite_url).begin() as session:
        make_segment(session, "SEGTEST", lines=[{"contact": make_company(session, "C1", "A")}])
    return command_line(sqlite_url, capsys)


def counts(sqlite_url: str) -> tuple[int, ...]:
    with open_database(sqlite_url).begin() as session:
        return tuple(
            int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in (t.Campaign, t.SegmentHeader, t.Task)
        )


BAD_DATES = [
    ["campaign", "create", "--description", "X", "--starting-date", "June"],
    ["campaign", "create", "--description", "X", "--ending-date", "2026-02-30"],
    ["segment", "create", "--description", "X", "--date", "June"],
    [
        "segment",
        "create-tasks",
        "SEGTEST",
        "--type",
        "meeting",
        "--date",
        "01/06/2026",
        "--description",
        "Visit",
    ],
]


@pytest.mark.parametrize("args", BAD_DATES, ids=lambda args: " ".join(args[:2]))
def test_c1_s1_s14_a_bad_date_is_exit_1_in_every_command(rapport, sqlite_url, args):
    before = counts(sqlite_url)
    status, out, err = rapport(*args)
    assert (status, out) == (1, "")
    assert "is not a date (YYYY-MM-DD)" in err
    assert len(err.strip().splitlines()) == 1
    assert counts(sqlite_url) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["contacts", "list", "--limit", "x"], "'--limit'"),
        (["contacts", "list", "--limit", "-1"], "'--limit'"),
        (["logged", "cancel", "first"], "'entry'"),
        (["import", "planets", "x.csv"], "does not exist"),
        (["import", "contacts", "does-not-exist.csv"], "does-not-exist.csv"),
        (["export", "planets"], "planets"),
        (["export", "contacts", "-o", "contacts.txt"], "expected a .csv or .xlsx file"),
    ],
)
def test_k1_k4_a_bad_value_is_exit_1_with_one_line(rapport, args, message):
    status, out, err = rapport(*args)
    assert (status, out) == (1, "")
    assert message in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["segment", "frobnicate"],
        ["contacts", "list", "--frobnicate"],
        ["contacts", "show"],
        ["segment", "add", "SEGTEST"],
        ["segment", "create-tasks", "SEGTEST", "--type", "meeting", "--description", "x"],
    ],
)
def test_s1_what_the_parser_rejects_is_exit_2(rapport, args):
    status, out, err = rapport(*args)
    assert (status, out) == (2, "")
    assert "Traceback" not in err


def test_help_lists_every_exit_status(rapport):
    status, out, _ = rapport("--help")
    assert status == 0
    text = " ".join(out.split())
    for meaning in ("0 done", "1 a user error", "2 a usage error", "3 an internal error"):
        assert meaning in text


def test_s1_exit_0_when_done(rapport):
    assert rapport("segment", "create", "--description", "Mailing")[0] == 0


def test_s8_exit_1_is_one_line_naming_the_flag(rapport):
    rapport("segment", "create", "--description", "Mailing")
    rapport("segment", "add", "SEG00001", "--where", "no = C1")
    status, out, err = rapport("segment", "undo", "SEG00001", "--to", "5")
    assert (status, out) == (1, "")
    assert err.count("\n") == 1
    assert err.startswith("error: --to: there is no action 5 to go back to")


def test_exit_1_names_the_db_flag_for_a_bad_database_url(capsys):
    status = run(["--db", "oracle://nowhere", "segment", "list"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.startswith("error: --db: unsupported database 'oracle' (use sqlite:///")
    assert err.count("\n") == 1


def test_exit_2_for_a_usage_error_and_1_for_a_bad_option_value(rapport):
    status, _, err = rapport("segment", "undo", "SEG00001", "--too", "1")
    assert status == 2
    assert "Usage: rapport segment undo" in err
    status, _, err = rapport("segment", "undo", "SEG00001", "--to", "many")
    assert status == 1
    assert "--to" in err
    assert err.count("\n") == 1


def test_exit_3_writes_the_traceback_to_a_file_named_in_one_line(
    rapport, sqlite_url, tmp_path, monkeypatch
):
    rapport("segment", "list")
    # A table missing under a current schema revision is a fault, not a user error.
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        db.execute("DROP TABLE segment_headers")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    status, out, err = rapport("segment", "list")
    assert (status, out) == (3, "")
    assert err.count("\n") == 1
    assert "internal error (OperationalError)" in err
    [written] = tmp_path.glob("rapport-error-*.log")
    assert str(written) in err
    details = Path(written).read_text()
    assert details.startswith("Traceback")
    assert "no such table: segment_headers" in details


def test_l6_a_bad_by_is_reported_with_the_commands_own_flag(rapport):
    status, out, err = rapport("interactions", "totals", "--by", "planet")
    assert (status, out) == (1, "")
    assert err.startswith("error: --by: 'planet' is not one of template, group, campaign")


def test_s8_x5_going_back_to_the_last_action_says_there_is_nothing_after_it(rapport):
    rapport("segment", "create", "--description", "Mailing")
    rapport("segment", "add", "SEG00001", "--where", "no = C1")
    status, out, err = rapport("segment", "undo", "SEG00001", "--to", "1")
    assert (status, out) == (1, "")
    assert err.startswith("error: --to: segment SEG00001 is at action 1 already")

"""Exit statuses of `rapport` (documented in `rapport --help`): 0 done, 1 a user error, 2 a
usage error, 3 an internal error whose details go to a file named on stderr."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest

from rapport.cli.main import run


@pytest.fixture
def rapport(sqlite_url, capsys):
    def call(*args: str) -> tuple[int, str, str]:
        status = run(["--db", sqlite_url, *args])
        out, err = capsys.readouterr()
        return status, out, err

    return call


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
    assert err == "error: --db: unsupported database 'oracle'\n"


def test_exit_2_for_a_usage_error(rapport):
    status, _, err = rapport("segment", "undo", "SEG00001", "--to", "many")
    assert status == 2
    assert "Usage: rapport segment undo" in err
    assert "--to" in err


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

"""Text at the command line's edge (SPEC §6, §10): an argument that is not UTF-8 is refused
with one clear line and exit status 1, changing nothing; names, codes and messages that
look like terminal markup print as themselves (issue 11, item 2)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select

from rapport.storage import tables as t
from rapport.storage.db import open_database


def count(sqlite_url: str, table: type[t.Base]) -> int:
    with open_database(sqlite_url).begin() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_s1_latin1_bytes_in_an_argument_are_refused_before_anything_runs(sqlite_url):
    """Real bytes, as a Latin-1 terminal passes them: the process exits 1 with one line."""
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from rapport.cli.main import main; main()",
            "--db",
            sqlite_url,
            "segment",
            "create",
            "--description",
            b"caf\xe9 cr\xe8me",
        ],
        capture_output=True,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    err = completed.stderr.decode()
    assert err.strip() == r"error: argument 6 (caf\xe9 cr\xe8me) is not valid UTF-8 text"
    assert completed.stdout == b""
    assert count(sqlite_url, t.SegmentHeader) == 0


@pytest.mark.parametrize(
    "args",
    [
        ("contacts", "add", "name=Caf\udce9"),
        ("contacts", "list", "--where", "name = 'Caf\udce9'"),
        ("segment", "create", "--description", "Caf\udce9"),
    ],
)
def test_k1_s1_text_that_is_not_utf8_is_one_clear_line(rapport, sqlite_url, args):
    status, out, err = rapport(*args)
    assert (status, out) == (1, "")
    assert r"Caf\xe9" in err
    assert len(err.strip().splitlines()) == 1
    assert "UnicodeEncodeError" not in err
    assert count(sqlite_url, t.Contact) == count(sqlite_url, t.SegmentHeader) == 0


def test_k1_names_that_look_like_markup_print_as_themselves(rapport):
    status, out, err = rapport("contacts", "add", "name=[/b]")
    assert status == 0, err
    no = out.strip()
    status, out, err = rapport("contacts", "list")
    assert (status, "[/b]" in out) == (0, True), err
    status, _, err = rapport("contacts", "show", "[/x]")
    assert status == 1
    assert (
        err.strip()
        == "error: The Contact does not exist. Identification fields and values: No.='[/X]'"
    )
    assert no

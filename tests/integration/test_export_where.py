"""K4: `export --where` writes the contacts the criteria select, or the rows of those contacts;
bad criteria write nothing."""

from __future__ import annotations

import io

import pytest

from rapport.cli.main import run
from rapport.errors import Invalid
from rapport.services.transfer import exports, imports
from tests.integration.import_world import build_world, write_file

CONTACTS = [
    ["no", "type", "name", "company_no", "country"],
    ["C2", "company", "Beta", "", "BE"],
    ["P2", "person", "Bob", "C2", "BE"],
    ["C3", "company", "Gamma", "", ""],
    ["P3", "person", "Cid", "C3", ""],
]
MAILING = [
    ["contact_no", "mailing_group_code"],
    ["C2", "NEWS"],
    ["P2", "NEWS"],
    ["P3", "NEWS"],
]


@pytest.fixture
def world(sessions, tmp_path):
    with sessions.begin() as session:
        build_world(session)
    imports.import_table(
        sessions, "contacts", write_file(tmp_path / "c.csv", CONTACTS), by="tester"
    )
    imports.import_table(
        sessions, "contact_mailing_groups", write_file(tmp_path / "m.csv", MAILING), by="tester"
    )
    return sessions


def exported(sessions, table: str, where: str) -> list[str]:
    stream = io.StringIO()
    exports.export_table(sessions, table, where=where, stream=stream)
    return [line.split(",")[0] for line in stream.getvalue().splitlines()[1:]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("country = BE", ["C2", "P2"]),
        ("country = BE and type = person", ["P2"]),
        ("mailing_group = NEWS", ["C2", "P2", "P3"]),
        ("not mailing_group = NEWS", ["C1", "C3", "P1"]),
        ("", ["C1", "C2", "C3", "P1", "P2", "P3"]),
    ],
)
def test_k4_export_with_criteria_writes_only_the_contacts_they_select(world, where, expected):
    assert exported(world, "contacts", where) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("type = person", ["P2", "P3"]),
        ("country = BE", ["C2", "P2"]),
        # the criteria's own EXISTS over contact_mailing_groups stays its own
        ("mailing_group = NEWS and country = ''", ["P3"]),
    ],
)
def test_k4_export_of_a_contacts_rows_with_criteria_writes_the_rows_of_those_contacts(
    world, where, expected
):
    assert exported(world, "contact_mailing_groups", where) == expected


def test_k4_export_with_criteria_of_a_table_without_contacts_is_refused(world):
    with pytest.raises(Invalid, match="no contact to select"):
        exported(world, "salespeople", "country = BE")


def test_k4_export_with_bad_criteria_exits_1_with_the_position_and_writes_nothing(
    sqlite_url, tmp_path, capsys
):
    out = tmp_path / "out.csv"
    args = ["--db", sqlite_url, "export", "contacts", "--where", "contry = BE"]
    assert run([*args, "-o", str(out)]) == 1
    assert not out.exists()
    assert run(args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "line 1, col 1" in captured.err
    assert "did you mean 'country'" in captured.err


def test_k4_export_with_criteria_on_the_command_line(sqlite_url, tmp_path, capsys):
    path = write_file(tmp_path / "c.csv", [["no", "type", "name"], ["C1", "company", "A"]])
    assert run(["--db", sqlite_url, "import", "contacts", str(path)]) == 0
    capsys.readouterr()
    assert run(["--db", sqlite_url, "export", "contacts", "--where", "name = A"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("C1,company,A")
    assert run(["--db", sqlite_url, "export", "contacts", "--where", "name = B"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1

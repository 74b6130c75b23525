"""K4: every bad row is reported with its line, column and reason, and nothing is imported;
with skip_bad_rows the good rows are imported and the bad ones returned; update."""

from __future__ import annotations

import pytest

from rapport.services.transfer import imports
from tests.integration.import_world import build_world, count, write_file


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    return sessions


CASES = [
    # (id, table, rows, expected (line, column), words in the reason)
    (
        "bad type",
        "profile_questionnaire_lines",
        [["profile_questionnaire_code", "line_no"], ["CUSTOMER", "x30"]],
        (2, "line_no"),
        "whole number",
    ),
    ("bad enum", "contacts", [["no", "type"], ["C5", "persoon"]], (2, "type"), "not one of"),
    (
        "bad boolean",
        "contacts",
        [["no", "excluded"], ["C5", "maybe"]],
        (2, "excluded"),
        "not a boolean",
    ),
    (
        "bad date",
        "contacts",
        [["no", "created"], ["C5", "2026-13-01"]],
        (2, "created"),
        "not a date",
    ),
    (
        "bad date form",
        "contacts",
        [["no", "created"], ["C5", "20260101"]],
        (2, "created"),
        "not a date",
    ),
    (
        "unknown code",
        "contacts",
        [["no", "country"], ["C5", "zz"]],
        (2, "country"),
        "The Country/Region does not exist. Identification fields and values: Code='ZZ'",
    ),
    (
        "unknown contact",
        "contact_mailing_groups",
        [["contact_no", "mailing_group_code"], ["NOPE", "NEWS"]],
        (2, "contact_no"),
        "The Contact does not exist. Identification fields and values: No.='NOPE'",
    ),
    (
        "unknown answer line",
        "contact_profile_answers",
        [["contact_no", "profile_questionnaire_code", "line_no"], ["P1", "CUSTOMER", "99"]],
        (2, "profile_questionnaire_code"),
        "The Profile Questionnaire Line does not exist. Identification fields and values: "
        "Profile Questionnaire Code='CUSTOMER',Line No.='99'",
    ),
    ("duplicate within file", "contacts", [["no"], ["C5"], ["c5 "]], (3, "no"), "as line 2"),
    (
        "duplicate against the database",
        "contacts",
        [["no"], ["C1"]],
        (2, "no"),
        "already in contacts",
    ),
    (
        "person's missing company",
        "contacts",
        [["no", "type", "company_no"], ["P5", "person", "C404"]],
        (2, "company_no"),
        "The Contact does not exist. Identification fields and values: No.='C404'",
    ),
    (
        "a person is no company",
        "contacts",
        [["no", "type", "company_no"], ["P5", "person", "P1"]],
        (2, "company_no"),
        "contact P1 is not a company",
    ),
    (
        "unknown column",
        "contacts",
        [["no", "colour"], ["C5", "red"]],
        (1, "colour"),
        "unknown column",
    ),
    (
        "missing required column",
        "contact_mailing_groups",
        [["mailing_group_code"], ["NEWS"]],
        (1, "contact_no"),
        "required column is missing",
    ),
    (
        "blank required value",
        "contact_mailing_groups",
        [["contact_no", "mailing_group_code"], ["", "NEWS"]],
        (2, "contact_no"),
        "a value is required",
    ),
    ("too-long code", "contacts", [["no"], ["C" * 21]], (2, "no"), "longer than 20"),
    (
        "too-long text",
        "contacts",
        [["no", "city"], ["C5", "x" * 31]],
        (2, "city"),
        "longer than 30",
    ),
    (
        "wrong number of fields",
        "contacts",
        [["no", "name"], ["C5", "Five", "extra"]],
        (2, ""),
        "3 fields where the header has 2",
    ),
]


# A sheet cannot hold a row with more cells than its header: that case is CSV only.
BAD_ROW_CASES = [
    pytest.param(*case[1:], suffix, id=f"{case[0]}-{suffix}")
    for case in CASES
    for suffix in (".csv", ".xlsx")
    if not (suffix == ".xlsx" and case[3][1] == "")
]


@pytest.mark.parametrize(("table", "rows", "where", "reason", "suffix"), BAD_ROW_CASES)
def test_k4_a_bad_row_is_reported_with_its_line_and_nothing_is_imported(
    world, tmp_path, table, rows, where, reason, suffix
):
    before = count(world, table)
    path = write_file(tmp_path / f"bad{suffix}", rows)
    with pytest.raises(imports.BadFile) as caught:
        imports.import_table(world, table, path, by="tester")
    found = [(bad.line, bad.column) for bad in caught.value.bad_rows]
    assert where in found
    message = next(str(b.reason) for b in caught.value.bad_rows if (b.line, b.column) == where)
    assert reason in message
    assert count(world, table) == before
    assert f"line {where[0]}" in caught.value.message


def test_k4_every_bad_row_is_reported_and_nothing_is_imported(world, tmp_path):
    path = write_file(
        tmp_path / "c.csv",
        [
            ["no", "type", "name", "country", "excluded", "company_no"],
            ["C5", "company", "Five", "BE", "false", ""],
            ["C6", "company", "Six", "ZZ", "false", ""],
            ["P5", "person", "Ann", "BE", "perhaps", "C5"],
            ["P6", "person", "Bob", "", "false", "C404"],
            ["C5", "company", "Again", "", "", ""],
            ["P7", "person", "Cas", "BE", "true", "C5"],
        ],
    )
    with pytest.raises(imports.BadFile) as caught:
        imports.import_table(world, "contacts", path, by="tester")
    assert [(b.line, b.column) for b in caught.value.bad_rows] == [
        (3, "country"),
        (4, "excluded"),
        (5, "company_no"),
        (6, "no"),
    ]
    assert count(world, "contacts") == 2


def test_k4_skip_bad_rows_imports_the_good_rows_and_returns_the_bad(world, tmp_path):
    path = write_file(
        tmp_path / "c.csv",
        [
            ["no", "type", "name", "country", "company_no"],
            ["C5", "company", "Five", "BE", ""],
            ["C6", "company", "Six", "ZZ", ""],
            ["P6", "person", "Bob", "", "C6"],
            ["P5", "person", "Ann", "BE", "C5"],
            ["C5", "company", "Again", "", ""],
        ],
    )
    result = imports.import_table(world, "contacts", path, skip_bad_rows=True, by="tester")
    assert result.inserted == 2
    assert [(b.line, b.column) for b in result.bad_rows] == [
        (3, "country"),
        (4, "company_no"),
        (6, "no"),
    ]
    assert count(world, "contacts") == 4


def test_k4_a_header_error_stops_the_import_even_when_skipping_bad_rows(world, tmp_path):
    path = write_file(tmp_path / "c.csv", [["no", "colour"], ["C5", "red"]])
    with pytest.raises(imports.BadFile):
        imports.import_table(world, "contacts", path, skip_bad_rows=True, by="tester")


def test_k4_update_changes_existing_rows_and_inserts_new_ones(world, tmp_path):
    path = write_file(
        tmp_path / "c.csv",
        [
            ["no", "type", "name", "country"],
            ["C1", "company", "Acme Renamed", "BE"],
            ["C8", "company", "Eight", ""],
        ],
    )
    result = imports.import_table(world, "contacts", path, update=True, by="tester")
    assert (result.inserted, result.updated) == (1, 1)
    from sqlalchemy import select

    from rapport.storage.tables import Contact

    with world.begin() as session:
        names = dict(session.execute(select(Contact.no, Contact.company_name)).all())
        search = session.execute(select(Contact.search_name).where(Contact.no == "C1")).scalar()
    assert names == {"C1": "Acme Renamed", "P1": "Acme Renamed", "C8": "Eight"}
    assert search == "ACME RENAMED"


def test_k4_update_of_a_link_table_keeps_rows_whose_key_exists(world, tmp_path):
    rows = [["contact_no", "business_relation_code", "link_no"], ["C1", "CUST", "10000"]]
    imports.import_table(
        world, "contact_business_relations", write_file(tmp_path / "a.csv", rows), by="tester"
    )
    rows[1][2] = "20000"
    again = write_file(tmp_path / "b.csv", rows)
    with pytest.raises(imports.BadFile):
        imports.import_table(world, "contact_business_relations", again, by="tester")
    result = imports.import_table(
        world, "contact_business_relations", again, update=True, by="tester"
    )
    assert (result.inserted, result.updated) == (0, 1)
    from sqlalchemy import select

    from rapport.storage.tables import ContactBusinessRelation

    with world.begin() as session:
        assert session.execute(select(ContactBusinessRelation.link_no)).scalar() == "20000"


def test_k4_update_moves_a_person_to_a_company_in_the_same_file(world, tmp_path):
    path = write_file(
        tmp_path / "c.csv",
        [
            ["no", "type", "name", "company_no"],
            ["P1", "person", "Ann", "C8"],
            ["C8", "company", "Eight", ""],
        ],
    )
    imports.import_table(world, "contacts", path, update=True, by="tester")
    from sqlalchemy import select

    from rapport.storage.tables import Contact

    with world.begin() as session:
        rows = {c.no: c for c in session.scalars(select(Contact))}
    assert rows["P1"].company_id == rows["C8"].id
    assert rows["P1"].company_name == "Eight"


@pytest.mark.parametrize("first_load", [True, False], ids=["first load", "staged"])
def test_k4_a_nul_character_in_a_cell_is_a_bad_row(sessions, tmp_path, first_load):
    """SPEC §10: a NUL past the file's first bytes (which would call it binary) is a bad
    cell on both engines, whether the contacts are loaded first (on PostgreSQL by Arrow)
    or staged; PostgreSQL cannot store it, SQLite stored it."""
    if not first_load:
        with sessions.begin() as session:
            build_world(session)
    before = count(sessions, "contacts")
    rows = [["no", "name"], *([f"D{i:05}", f"Name {i}"] for i in range(1000))]
    rows.append(["E00001", "Fi\x00ve"])
    path = write_file(tmp_path / "nul.csv", rows)
    with pytest.raises(imports.BadFile) as caught:
        imports.import_table(sessions, "contacts", path, by="tester")
    [bad] = caught.value.bad_rows
    assert (bad.line, bad.column) == (1002, "name")
    assert "NUL character" in str(bad.reason)
    assert count(sessions, "contacts") == before

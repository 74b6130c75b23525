"""K4: every table of SPEC §6.1 imports from CSV and from XLSX, and re-exports what it read."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from rapport.services.transfer import exports, imports
from rapport.services.transfer.tables import TABLES
from tests.integration.import_world import SAMPLES, build_world, count, from_dicts, write_file
from tests.integration.test_storage import partial_conditions


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    return sessions


def exported(sessions, table: str) -> list[dict[str, str]]:
    stream = io.StringIO()
    exports.export_table(sessions, table, stream=stream)
    return list(csv.DictReader(io.StringIO(stream.getvalue())))


def test_k4_every_table_has_a_sample():
    assert set(SAMPLES) == set(TABLES)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("table", sorted(TABLES))
def test_k4_each_table_imports_its_sample_and_exports_it_normalised(world, tmp_path, table, suffix):
    before = count(world, table)
    path = from_dicts(tmp_path / f"{table}{suffix}", SAMPLES[table])
    result = imports.import_table(world, table, path, by="tester")
    assert (result.inserted, result.updated, result.bad_rows) == (len(SAMPLES[table]), 0, ())
    assert count(world, table) == before + len(SAMPLES[table])
    rows = exported(world, table)
    spec = TABLES[table]
    for sample in SAMPLES[table]:
        key = tuple(spec.column(k).cell(spec.column(k).converter()(sample[k])) for k in spec.key)
        row = next(r for r in rows if tuple(r[k] for k in spec.key) == key)
        for name, value in sample.items():
            column = spec.column(name)
            convert = column.converter()
            assert convert(row[name]) == convert(value), name


def test_k4_contacts_derive_company_fields_and_search_name(world, tmp_path):
    path = from_dicts(tmp_path / "c.csv", SAMPLES["contacts"])
    imports.import_table(world, "contacts", path, by="tester")
    rows = {r["no"]: r for r in exported(world, "contacts")}
    assert (rows["C9"]["company_no"], rows["C9"]["company_name"]) == ("C9", "Nine")
    assert (rows["P9"]["company_no"], rows["P9"]["company_name"]) == ("C9", "Nine")
    assert rows["P9"]["search_name"] == "ANN NINE"
    assert (rows["C9"]["excluded"], rows["C9"]["country"]) == ("true", "BE")


def test_k4_a_person_may_come_before_its_company_in_the_file(world, tmp_path):
    path = write_file(
        tmp_path / "c.csv",
        [
            ["no", "type", "name", "company_no"],
            ["P7", "person", "Piet", "C7"],
            ["C7", "company", "Seven", ""],
            ["P8", "person", "Mia", "C1"],
        ],
    )
    imports.import_table(world, "contacts", path, by="tester")
    rows = {r["no"]: r for r in exported(world, "contacts")}
    assert rows["P7"]["company_name"] == "Seven"
    assert rows["P8"]["company_name"] == "Acme"
    from sqlalchemy import select

    from rapport.storage.tables import Contact

    with world.begin() as session:
        ids = dict(session.execute(select(Contact.no, Contact.company_id)).all())
        own = dict(session.execute(select(Contact.no, Contact.id)).all())
    assert ids["P7"] == ids["C7"] == own["C7"]
    assert ids["P8"] == own["C1"]


def test_k4_new_contacts_after_an_import_get_fresh_ids(world, tmp_path):
    path = from_dicts(tmp_path / "c.csv", SAMPLES["contacts"])
    imports.import_table(world, "contacts", path, by="tester")
    from tests.factories import make_company

    with world.begin() as session:
        later = make_company(session, "C99", "Later")
        assert later.id is not None


def test_k4_a_semicolon_csv_with_a_byte_order_mark_and_a_quoted_line_break(world, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        '\ufeffno;name;address\nC5;Five;"Main street 1\nGhent"\n\nC6;Six;x\nC6;Dup;y\n',
        encoding="utf-8",
    )
    with pytest.raises(imports.BadFile) as caught:
        imports.import_table(world, "contacts", path, by="tester")
    assert [(b.line, b.column) for b in caught.value.bad_rows] == [(6, "no")]


def test_k4_excel_cells_typed_as_dates_numbers_and_booleans(world, tmp_path):
    import datetime as dt

    path = write_file(
        tmp_path / "l.xlsx",
        [
            ["entry_no", "contact_no", "date", "canceled", "cost"],
            [7, "P1", dt.datetime(2026, 3, 4), True, 2.5],
        ],
    )
    imports.import_table(world, "interaction_log_entries", path, by="tester")
    (row,) = exported(world, "interaction_log_entries")
    assert (row["entry_no"], row["date"], row["canceled"], row["cost"]) == (
        "7",
        "2026-03-04",
        "true",
        "2.50",
    )


def test_k4_into_an_empty_contacts_table_the_indexes_are_built_again_after_the_insert(
    sessions, tmp_path
):
    rows = [["no", "type", "name", "company_no"]]
    rows += [[f"P{i}", "person", f"Person {i}", f"C{i % 3}"] for i in range(10)]
    rows += [[f"C{i}", "company", f"Company {i}", ""] for i in range(3)]
    result = imports.import_table(
        sessions, "contacts", write_file(tmp_path / "c.csv", rows), by="tester"
    )
    assert result.inserted == 13
    with sessions.begin() as session:
        built = {ix["name"] for ix in inspect(session.connection()).get_indexes("contacts")}
    assert {str(ix.name) for ix in TABLES["contacts"].table.indexes} <= built
    with sessions.begin() as session:
        declared, kept = partial_conditions(session.connection())
    assert declared == kept  # the partial indexes are built again partial
    people = {r["no"]: r for r in exported(sessions, "contacts") if r["type"] == "person"}
    assert (people["P4"]["company_no"], people["P4"]["company_name"]) == ("C1", "Company 1")


def test_k4_after_a_first_load_the_company_foreign_key_is_there_and_holds(sessions, tmp_path):
    """K4: the bulk-load path drops the company foreign key on PostgreSQL for the insert;
    it is back afterwards, and a company id that names no contact is refused."""
    rows = [["no", "type", "name", "company_no"], ["P1", "person", "Eve", "C1"]]
    rows.append(["C1", "company", "Acme", ""])
    imports.import_table(sessions, "contacts", write_file(tmp_path / "c.csv", rows), by="tester")
    with sessions.begin() as session:
        keys = inspect(session.connection()).get_foreign_keys("contacts")
        links = session.execute(text("SELECT no, company_id, id FROM contacts")).all()
    assert [(k["constrained_columns"], k["referred_table"]) for k in keys] == [
        (["company_id"], "contacts")
    ]
    ids = {no: (company, own) for no, company, own in links}
    assert ids["P1"][0] == ids["C1"][0] == ids["C1"][1]
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(text("UPDATE contacts SET company_id = 999999 WHERE no = 'P1'"))


def test_k4_an_import_leaves_the_connection_settings_as_they_were(sqlite_sessions, tmp_path):
    def temp_store() -> int:
        with sqlite_sessions.begin() as session:
            return session.execute(text("PRAGMA temp_store")).scalar_one()

    before = temp_store()
    path = write_file(tmp_path / "c.csv", [["no", "name"], ["C1", "Acme"]])
    imports.import_table(sqlite_sessions, "contacts", path, by="tester")
    assert temp_store() == before


def test_k4_a_person_finds_its_company_among_the_contacts_already_there(world, tmp_path):
    path = write_file(
        tmp_path / "c.csv", [["no", "type", "name", "company_no"], ["P5", "person", "Eve", "c1"]]
    )
    imports.import_table(world, "contacts", path, by="tester")
    rows = {r["no"]: r for r in exported(world, "contacts")}
    assert (rows["P5"]["company_no"], rows["P5"]["company_name"]) == ("C1", "Acme")

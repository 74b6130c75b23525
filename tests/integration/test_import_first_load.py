"""K4: a first load of contacts (an empty table, no update, no skipping) is written straight
into `contacts`, without a staging table, and leaves the same rows as the staged import: a
person's company found in its chunk, in an earlier chunk or after it in the file, a
company's company no. its own, the search name and the casefolded copies. A file the
checks refuse imports nothing and leaves the table's indexes as they were; a key repeated
in the file makes the import start again through the staging table, which names the lines.
On both engines."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, insert, inspect, select

from rapport.services.transfer import imports
from rapport.services.transfer.files import CHUNK
from rapport.services.transfer.imports import BadFile
from rapport.storage import schema
from tests.integration.import_world import write_file

contacts = schema.contacts
HEADER = ["no", "type", "name", "company_no", "search_name", "city", "country"]


def codes(sessions: Any) -> None:
    with sessions.begin() as session:
        session.execute(insert(schema.countries).values(code="BE", name="Belgium"))


def snapshot(sessions: Any) -> list[tuple[Any, ...]]:
    """Every contact's columns but its ids, with its company's no. through `company_id`."""
    company = contacts.alias("company")
    kept = [c for c in contacts.c if c.name not in ("id", "company_id")]
    query = (
        select(*kept, company.c.no)
        .outerjoin(company, company.c.id == contacts.c.company_id)
        .order_by(contacts.c.no)
    )
    with sessions() as session:
        return [tuple(row) for row in session.execute(query)]


def index_names(sessions: Any) -> set[str]:
    engine = sessions.kw["bind"]
    return {str(index["name"]) for index in inspect(engine).get_indexes("contacts")}


def count(sessions: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(contacts)) or 0)


@contextmanager
def statements(sessions: Any) -> Iterator[list[str]]:
    """The SQL the engine runs inside the block."""
    seen: list[str] = []
    engine = sessions.kw["bind"]

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def staged(seen: list[str]) -> bool:
    return any("CREATE TEMPORARY TABLE import_staging" in statement for statement in seen)


def rows_over_two_chunks() -> list[list[str]]:
    """Companies and persons past the reader's first chunk: persons in the second chunk
    of companies in the first, a person before its company in the same chunk, and one
    whose company comes in the next chunk."""
    rows = [["P-EARLY", "person", "Early Bird", "C00002", "", "Gent", "BE"]]
    rows += [["P-NEXT", "person", "Next Chunk", "C-LATE", "", "", ""]]
    for n in range(CHUNK // 2):
        rows.append([f"C{n:05}", "company", f"Straße {n}", "", "", "Köln", "BE"])
    while len(rows) < CHUNK + 10:
        n = len(rows)
        rows.append([f"P{n:06}", "person", f"Person {n}", f"C{n % 997:05}", "", "", ""])
    rows.append(["C-LATE", "company", "Late Company", "C-LATE", "LATE", "", ""])
    rows.append(["P-SEARCH", "person", "Named", "C00001", "OWN SEARCH", "", ""])
    return rows


def test_k4_a_first_load_writes_what_the_staged_import_writes(sessions, tmp_path):
    codes(sessions)
    path = write_file(tmp_path / "contacts.csv", [HEADER, *rows_over_two_chunks()])
    indexes = index_names(sessions)

    with statements(sessions) as seen:
        first = imports.import_table(sessions, "contacts", path)
    assert not staged(seen)
    assert first.inserted == CHUNK + 12
    direct = snapshot(sessions)
    assert index_names(sessions) == indexes

    with sessions.begin() as session:
        session.execute(contacts.delete())
    with statements(sessions) as seen:
        again = imports.import_table(sessions, "contacts", path, skip_bad_rows=True)
    assert staged(seen)
    assert (again.inserted, again.bad_rows) == (first.inserted, ())
    assert snapshot(sessions) == direct

    by_no = {row[0]: row for row in direct}
    names = [c.name for c in contacts.c if c.name not in ("id", "company_id")] + ["link"]
    early, late, named = (
        dict(zip(names, by_no[no], strict=True)) for no in ("P-EARLY", "P-NEXT", "P-SEARCH")
    )
    assert (early["link"], early["company_name"], early["company_name_folded"]) == (
        "C00002",
        "Straße 2",
        "strasse 2",
    )
    assert (late["link"], late["company_name"], late["search_name"]) == (
        "C-LATE",
        "Late Company",
        "NEXT CHUNK",
    )
    assert named["search_name"] == "OWN SEARCH"
    company = dict(zip(names, by_no["C00003"], strict=True))
    assert (company["company_no"], company["link"], company["city_folded"]) == (
        "C00003",
        "C00003",
        "köln",
    )


def test_k4_a_first_load_takes_ids_after_it_for_new_contacts(sessions, tmp_path):
    path = write_file(
        tmp_path / "contacts.csv",
        [["no", "type", "name"], ["A1", "company", "Alpha"], ["B1", "company", "Beta"]],
    )
    imports.import_table(sessions, "contacts", path)
    with sessions.begin() as session:
        highest = session.scalar(select(func.max(contacts.c.id)))
        added = session.execute(
            insert(contacts).values(no="NEW", name="New").returning(contacts.c.id)
        ).scalar_one()
    assert added > highest


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["X1", "company", "Bad code", "", "", "", "XX"], "country", "XX"),
        (["X1", "company", "Other's", "C00001", "", "", ""], "company_no", "own"),
        (["X1", "person", "Orphan", "NOWHERE", "", "", ""], "company_no", "NOWHERE"),
        (["X1", "person", "Of a person", "P1", "", "", ""], "company_no", "P1"),
        (["X1", "persoon", "Bad type", "", "", "", ""], "type", "persoon"),
    ],
)
def test_k4_a_first_load_the_checks_refuse_imports_nothing(sessions, tmp_path, row, column, reason):
    codes(sessions)
    good = [
        ["C00001", "company", "Acme", "", "", "", "BE"],
        ["P1", "person", "Ann", "C00001", "", "", ""],
    ]
    path = write_file(tmp_path / "contacts.csv", [HEADER, *good, row])
    indexes = index_names(sessions)
    with pytest.raises(BadFile) as refused:
        imports.import_table(sessions, "contacts", path)
    [bad] = refused.value.bad_rows
    assert (bad.line, bad.column) == (4, column)
    assert reason.lower() in bad.reason.lower()
    assert count(sessions) == 0
    assert index_names(sessions) == indexes
    imports.import_table(sessions, "contacts", write_file(tmp_path / "good.csv", [HEADER, *good]))
    assert count(sessions) == 2


def test_k4_a_first_load_with_a_key_twice_names_both_lines(sessions, tmp_path):
    rows = [["no", "type", "name"], ["A1", "company", "Alpha"], ["B1", "company", "Beta"]]
    path = write_file(tmp_path / "contacts.csv", [*rows, ["A1", "company", "Again"]])
    indexes = index_names(sessions)
    with statements(sessions) as seen, pytest.raises(BadFile) as refused:
        imports.import_table(sessions, "contacts", path)
    # written directly first (its indexes dropped), then checked through the staging table
    assert sum("DROP INDEX ix_contacts_country" in statement for statement in seen) == 1
    assert staged(seen)
    assert [(bad.line, bad.column) for bad in refused.value.bad_rows] == [(4, "no")]
    assert "line 2" in refused.value.bad_rows[0].reason
    assert count(sessions) == 0
    assert index_names(sessions) == indexes
    imports.import_table(sessions, "contacts", write_file(tmp_path / "good.csv", rows))
    assert count(sessions) == 2

"""K4: a first load of contacts (an empty table, no update, no skipping) is written straight
into `contacts`, without a staging table, and leaves the same rows as the staged import: a
person's company found in its chunk, in an earlier chunk or after it in the file, a
company's company no. its own, the search name and the casefolded copies. A file the
checks refuse imports nothing and leaves the table's indexes as they were; a key repeated
in the file makes the import start again through the staging table, which names the lines.
On both engines."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, insert, inspect, select

from rapport.services.transfer import imports
from rapport.services.transfer._direct import in_order
from rapport.services.transfer._phases import Phase
from rapport.services.transfer.files import CHUNK
from rapport.services.transfer.imports import BadFile
from rapport.storage import schema
from tests.factories import statements
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


def staged(seen: list[tuple[str, list[object]]]) -> bool:
    return any("CREATE TEMPORARY TABLE import_staging" in statement for statement, _ in seen)


def rows_over_two_chunks() -> list[list[str]]:
    """A file in key order, as an export gives it, past the reader's first chunk: persons
    in the second chunk of companies in the first, a person before its company in the same
    chunk, and one whose company comes in the next chunk (few enough for a direct write,
    `_direct.in_order`)."""
    late = f"N{CHUNK + 5:06}"
    rows = [
        ["N000000", "company", "Straße 0", "", "", "Köln", "BE"],
        ["N000001", "person", "Early Bird", "N000003", "", "Gent", "BE"],
        ["N000002", "person", "Next Chunk", late, "", "", ""],
    ]
    while len(rows) < CHUNK // 2:
        n = len(rows)
        rows.append([f"N{n:06}", "company", f"Straße {n}", "", "", "Köln", "BE"])
    while len(rows) < CHUNK + 10:
        n = len(rows)
        company = f"N{3 + n % 997:06}"
        rows.append([f"N{n:06}", "person", f"Person {n}", company, "", "", ""])
        if n == CHUNK + 5:
            rows[-1] = [late, "company", "Late Company", late, "LATE", "", ""]
        if n == CHUNK + 7:
            rows[-1][4] = "OWN SEARCH"
    return rows


def test_k4_a_first_load_writes_what_the_staged_import_writes(sessions, tmp_path):
    codes(sessions)
    path = write_file(tmp_path / "contacts.csv", [HEADER, *rows_over_two_chunks()])
    indexes = index_names(sessions)

    with statements(sessions) as seen:
        first = imports.import_table(sessions, "contacts", path, by="tester")
    assert not staged(seen)
    assert first.inserted == CHUNK + 10
    direct = snapshot(sessions)
    assert index_names(sessions) == indexes

    with sessions.begin() as session:
        session.execute(contacts.delete())
    with statements(sessions) as seen:
        again = imports.import_table(sessions, "contacts", path, skip_bad_rows=True, by="tester")
    assert staged(seen)
    assert (again.inserted, again.bad_rows) == (first.inserted, ())
    assert snapshot(sessions) == direct

    by_no = {row[0]: row for row in direct}
    names = [c.name for c in contacts.c if c.name not in ("id", "company_id")] + ["link"]
    early, later, named = (
        dict(zip(names, by_no[no], strict=True))
        for no in ("N000001", "N000002", f"N{CHUNK + 7:06}")
    )
    assert (early["link"], early["company_name"], early["company_name_folded"]) == (
        "N000003",
        "Straße 3",
        "strasse 3",
    )
    assert (later["link"], later["company_name"], later["search_name"]) == (
        f"N{CHUNK + 5:06}",
        "Late Company",
        "NEXT CHUNK",
    )
    assert named["search_name"] == "OWN SEARCH"
    assert named["link"] == f"N{3 + (CHUNK + 7) % 997:06}"
    company = dict(zip(names, by_no["N000004"], strict=True))
    assert (company["company_no"], company["link"], company["city_folded"]) == (
        "N000004",
        "N000004",
        "köln",
    )


def test_k4_a_file_out_of_key_order_goes_through_the_staging_table(sessions, tmp_path):
    """Written directly, a shuffled file would write the unique index on `no` at random
    places and link many persons twice: it is staged, with the same result."""
    rows = [["A2", "company", "Acme", ""], ["A1", "person", "Ann", "A2"]]
    path = write_file(tmp_path / "contacts.csv", [["no", "type", "name", "company_no"], *rows])
    with statements(sessions) as seen:
        assert imports.import_table(sessions, "contacts", path, by="tester").inserted == 2
    assert staged(seen)
    [(link,)] = [row[-1:] for row in snapshot(sessions) if row[0] == "A1"]
    assert link == "A2"


@pytest.mark.parametrize(
    ("nos", "kinds", "companies", "expected"),
    [
        (["A1", "A2", "A3"], ["company", "person", "person"], ["", "A1", "A1"], True),
        (["A1", "A3", "A2"], ["company", "person", "person"], ["", "A1", "A1"], False),
        (["a1", " A2 "], ["Company", "PERSON"], ["", "a1"], True),
        (["A1", "A2"], ["person", "company"], ["A2", ""], False),
        (["A1", "A2"], None, None, True),
        (["A1", "A1"], None, None, False),
    ],
)
def test_k4_a_file_in_key_order_is_written_directly(nos, kinds, companies, expected):
    assert in_order(nos, kinds, companies) is expected


def test_k4_a_first_load_takes_ids_after_it_for_new_contacts(sessions, tmp_path):
    path = write_file(
        tmp_path / "contacts.csv",
        [["no", "type", "name"], ["A1", "company", "Alpha"], ["B1", "company", "Beta"]],
    )
    imports.import_table(sessions, "contacts", path, by="tester")
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
        (["X1", "person", "Of a person", "P001", "", "", ""], "company_no", "P001"),
        (["X1", "persoon", "Bad type", "", "", "", ""], "type", "persoon"),
    ],
)
def test_k4_a_first_load_the_checks_refuse_imports_nothing(sessions, tmp_path, row, column, reason):
    """On rows written directly (enough persons of a company before them that one naming
    a missing company keeps the file in key order, `_direct.in_order`)."""
    codes(sessions)
    good = [["C00001", "company", "Acme", "", "", "", "BE"]]
    good += [[f"P{n:03}", "person", f"Person {n}", "C00001", "", "", ""] for n in range(1, 201)]
    path = write_file(tmp_path / "contacts.csv", [HEADER, *good, row])
    indexes = index_names(sessions)
    with statements(sessions) as seen, pytest.raises(BadFile) as refused:
        imports.import_table(sessions, "contacts", path, by="tester")
    assert not staged(seen)
    [bad] = refused.value.bad_rows
    assert (bad.line, bad.column) == (len(good) + 2, column)
    assert reason.lower() in str(bad.reason).lower()
    assert count(sessions) == 0
    assert index_names(sessions) == indexes
    imports.import_table(
        sessions, "contacts", write_file(tmp_path / "good.csv", [HEADER, *good]), by="tester"
    )
    assert count(sessions) == len(good)


def test_k4_a_first_load_with_a_key_twice_names_both_lines(sessions, tmp_path):
    """A key repeated past the first chunk (one repeated within it is out of key order and
    staged from the start): the table refuses it, nothing stays, and the staging table's
    checks name the line."""
    rows = [["no", "type", "name"]]
    rows += [[f"N{n:06}", "company", f"Company {n}"] for n in range(CHUNK + 1)]
    path = write_file(tmp_path / "contacts.csv", [*rows, ["N000010", "company", "Again"]])
    indexes = index_names(sessions)
    progress: list[tuple[int, int | None, Phase]] = []
    with statements(sessions) as seen, pytest.raises(BadFile) as refused:
        imports.import_table(
            sessions, "contacts", path, on_progress=lambda *p: progress.append(p), by="tester"
        )
    # written directly first (its indexes dropped), then checked through the staging table
    assert sum("DROP INDEX ix_contacts_country" in statement for statement, _ in seen) == 1
    assert staged(seen)
    # the second reading, counted from 0 again, says why
    phases = [phase for _done, _total, phase in progress]
    assert phases.index(Phase.READING_AGAIN) > max(
        at for at, phase in enumerate(phases) if phase is Phase.READING
    )
    again = [done for done, _total, phase in progress if phase is Phase.READING_AGAIN]
    assert again == sorted(again)
    assert again[-1] == CHUNK + 2
    assert [(bad.line, bad.column) for bad in refused.value.bad_rows] == [(CHUNK + 3, "no")]
    assert "line 12" in str(refused.value.bad_rows[0].reason)
    assert count(sessions) == 0
    assert index_names(sessions) == indexes
    imports.import_table(
        sessions, "contacts", write_file(tmp_path / "good.csv", rows[:3]), by="tester"
    )
    assert count(sessions) == 2

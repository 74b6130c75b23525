"""K4: an import counts its bad rows, not its errors. A row may be bad for several reasons
(an unknown country, language and salesperson): each error is kept with its line and
column, and the row is counted once, in the refusal's message, in a skipping import's result
and in the rows its progress says were handled. A refusal's message lists the first errors
only; `bad_rows` keeps every one."""

from __future__ import annotations

import pytest

from rapport.errors import Invalid
from rapport.services.transfer import imports
from rapport.services.transfer._phases import Phase
from rapport.storage import tables as t
from tests.factories import make_code, make_salesperson
from tests.integration.import_world import build_world, count, write_file

HEADER = ["no", "type", "name", "country", "language", "salesperson"]
THREE_ERRORS = ["C5", "person", "Eve", "ZZ", "XXX", "NOPE"]
GOOD = ["C6", "company", "Good", "BE", "NLB", "JO"]


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    return sessions


def test_k4_a_row_with_three_bad_cells_is_refused_as_one_bad_row_with_three_errors(world, tmp_path):
    path = write_file(tmp_path / "c.csv", [HEADER, THREE_ERRORS, GOOD])
    with pytest.raises(imports.BadFile) as refused:
        imports.import_table(world, "contacts", path, by="tester")
    lines = refused.value.message.splitlines()
    assert lines[0] == "1 bad row (3 errors); nothing imported"
    assert [(bad.line, bad.column) for bad in refused.value.bad_rows] == [
        (2, "country"),
        (2, "language"),
        (2, "salesperson"),
    ]
    assert lines[1:] == [str(bad) for bad in refused.value.bad_rows]
    assert count(world, "contacts") == 2


def test_k4_a_first_load_counts_a_row_with_three_bad_cells_once(sessions, tmp_path):
    """Into an empty table the rows are written straight in and checked there (`_direct`)."""
    with sessions.begin() as session:
        make_code(session, t.Country, "BE")
        make_code(session, t.Language, "NLB")
        make_salesperson(session, "JO", "John")
    path = write_file(tmp_path / "c.csv", [HEADER, GOOD, THREE_ERRORS])
    with pytest.raises(imports.BadFile) as refused:
        imports.import_table(sessions, "contacts", path, by="tester")
    assert refused.value.message.splitlines()[0] == "1 bad row (3 errors); nothing imported"
    assert len(refused.value.bad_rows) == 3


def test_k4_two_bad_rows_with_four_errors_say_both_numbers(world, tmp_path):
    other = ["C7", "person", "Fay", "YY", "NLB", "NOPE"]
    path = write_file(tmp_path / "c.csv", [HEADER, THREE_ERRORS, other])
    with pytest.raises(imports.BadFile) as refused:
        imports.import_table(world, "contacts", path, by="tester")
    assert refused.value.message.splitlines()[0] == "2 bad rows (5 errors); nothing imported"


def test_k4_skipping_a_row_with_three_errors_counts_one_bad_row_and_keeps_every_error(
    world, tmp_path
):
    path = write_file(tmp_path / "c.csv", [HEADER, THREE_ERRORS, GOOD])
    reported: list[tuple[int, int | None, Phase]] = []
    result = imports.import_table(
        world,
        "contacts",
        path,
        skip_bad_rows=True,
        on_progress=lambda done, total, phase: reported.append((done, total, phase)),
        by="tester",
    )
    assert (result.inserted, result.no_of_bad_rows, len(result.bad_rows)) == (1, 1, 3)
    data = result.data()
    assert data["no_of_bad_rows"] == 1
    assert [(bad["line"], bad["column"]) for bad in data["bad_rows"]] == [
        (2, "country"),
        (2, "language"),
        (2, "salesperson"),
    ]
    assert reported[-1] == (2, 2, Phase.DONE)  # the file's two rows, not four


def test_k4_a_refusal_lists_the_first_20_errors_and_how_many_more_but_keeps_them_all(
    world, tmp_path
):
    rows = [["no", "country"], *([f"N{n}", "ZZ"] for n in range(25))]
    with pytest.raises(imports.BadFile) as refused:
        imports.import_table(world, "contacts", write_file(tmp_path / "c.csv", rows), by="tester")
    lines = refused.value.message.splitlines()
    assert lines[0] == "25 bad rows; nothing imported"
    assert lines[1:21] == [str(bad) for bad in refused.value.bad_rows[:20]]
    assert lines[21:] == ["… and 5 more"]
    assert len(refused.value.bad_rows) == 25


def test_k4_a_header_cell_past_the_csv_readers_limit_is_said_at_line_1(world, tmp_path):
    """A header of one 200,000-character cell: refused at its line with the reader's
    reason (it was an internal error; a cell that long on line 2 was already said), and
    nothing imported, on both engines."""
    path = tmp_path / "long.csv"
    path.write_text("n" * 200_000 + "\nC1\n", encoding="utf-8")
    before = count(world, "contacts")
    with pytest.raises(Invalid) as refused:
        imports.import_table(world, "contacts", path, by="tester")
    assert refused.value.message.startswith("line 1: field larger than field limit")
    assert refused.value.field == "long.csv"
    assert count(world, "contacts") == before

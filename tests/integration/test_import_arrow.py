"""K4, SPEC §9: a first load of contacts into PostgreSQL is read and converted by Apache
Arrow (`services/transfer/_arrow.py`) and leaves exactly what the Python path leaves.

- The reader gives the records Python's csv reader gives (lines and cells), Arrow's blocks
  while they are plain, Python's chunks from the first block that is not (a quote, a lone
  carriage return, a blank line, another width, a U+FEFF first, a line past the field
  limit), and the whole file to Python when its header ends at a lone carriage return.
- A block converts by Arrow only when every cell stands as it is or converts by its
  distinct value; any other cell sends the block to the Python path.
- On random files (clean and dirty cells, non-ASCII text, quotes; `,` or `;`, CR LF or
  LF, with or without a byte order mark; some across Arrow's first block), the first load
  by Arrow leaves the same contacts, or refuses the same rows, as the staged import
  (`update`), which reads and converts in Python.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from rapport.errors import Invalid
from rapport.services.transfer import _arrow, imports
from rapport.services.transfer import tables as import_tables
from rapport.services.transfer._reading import layout_of
from rapport.services.transfer.files import CHUNK, records
from rapport.services.transfer.imports import BadFile
from rapport.storage import schema
from rapport.storage.db import open_database
from tests.conftest import _pg_url

contacts = schema.contacts
HEADER = ["no", "type", "name", "company_no", "city", "country", "email", "excluded", "created"]


def write_text(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def python_records(path: Path) -> list[tuple[int, list[str]]]:
    with records(path) as (_header, chunks):
        return [pair for lines, rows in chunks for pair in zip(lines, rows, strict=True)]


def arrow_records(
    path: Path, width: int, codec: str = "utf-8"
) -> tuple[list[tuple[int, list[str]]], list[str]]:
    """The records `_arrow.records` gives, and what gave each chunk (block or python)."""
    found: list[tuple[int, list[str]]] = []
    kinds = []
    for chunk in _arrow.records(path, codec, width):
        kinds.append("block" if isinstance(chunk, _arrow.Block) else "python")
        lines, rows = chunk.chunk() if isinstance(chunk, _arrow.Block) else chunk
        found += zip(lines, rows, strict=True)
    return found, kinds


def test_k4_a_plain_file_is_read_by_arrow_as_python_reads_it(tmp_path):
    path = write_text(tmp_path / "a.csv", "no,name\r\nA1,Ann\r\nA2,Straße 5\r\nA3,\r\n")
    found, kinds = arrow_records(path, 2)
    assert kinds == ["block"]
    assert (
        found
        == python_records(path)
        == [(2, ["A1", "Ann"]), (3, ["A2", "Straße 5"]), (4, ["A3", ""])]
    )


@pytest.mark.parametrize(
    "body",
    [
        'A1,"Smith, Ann"\nA2,Bob\n',  # a quote
        "A1,Ann\n\nA2,Bob\n",  # a blank line
        "A1,Ann\rA2,Bob\n",  # a lone carriage return
        "A1,Ann,extra\nA2,Bob\n",  # a record of another width
        'A1,"two\nlines"\nA2,Bob',  # a quoted line break, no last line end
    ],
)
def test_k4_a_file_arrow_might_read_otherwise_is_read_by_python(tmp_path, body):
    path = write_text(tmp_path / "b.csv", "no,name\n" + body)
    found, kinds = arrow_records(path, 2)
    assert kinds == ["python"]
    assert found == python_records(path)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeffno;name\nA1;Ann\n\ufeffA2;Bob\n",  # a byte order mark, and U+FEFF in a cell
        "no,name\n\ufeffA1,Ann\n",  # U+FEFF first in a block (Arrow would drop it)
        "no,name\nA1," + "x" * 131_073 + "\n",  # a cell past the csv reader's field limit
    ],
)
def test_k4_what_arrow_would_read_otherwise_python_reads(tmp_path, text):
    path = write_text(tmp_path / "e.csv", text)
    codec = "utf-8-sig" if text.startswith("\ufeff") else "utf-8"
    try:
        expected: Any = python_records(path)
    except Invalid as exc:
        expected = exc.message
    try:
        found: Any = arrow_records(path, 2, codec)[0]
    except Invalid as exc:
        found = exc.message
    assert found == expected


def test_k4_records_ended_by_lone_carriage_returns_are_not_read_as_one_line(tmp_path):
    """Past a header ended by CR LF, records ended by CR alone make no line end for a
    reader of lines: Arrow reads at most `LINE_LIMIT` bytes as one (not the whole file)
    and leaves the file to Python's reader."""
    records = "\r".join(f"A{i:06},Name {i}" for i in range(150_000))
    path = write_text(tmp_path / "h.csv", "no,name\r\n" + records + "\r")
    assert path.stat().st_size > _arrow.LINE_LIMIT
    found, kinds = arrow_records(path, 2)
    assert set(kinds) == {"python"}
    assert found == python_records(path)
    assert found[-1] == (150_001, ["A149999", "Name 149999"])


def test_k4_a_header_ended_by_a_lone_carriage_return_is_read_by_python(tmp_path):
    """Python's reader ends the header at the carriage return; Arrow would read on to the
    line feed and lose the first record."""
    path = write_text(tmp_path / "f.csv", "no,name\rA1,Ann\nA2,Bob\n")
    assert not _arrow.readable(path, "utf-8")
    assert _arrow.readable(write_text(tmp_path / "g.csv", "no,name\r\nA1,Ann\n"), "utf-8")


def test_k4_arrow_reads_blocks_until_one_is_not_plain_then_python_the_rest(tmp_path):
    """The second block holds a quoted line break that runs into the third block's
    lines: from the second block on, Python's reader reads, in its chunks, with the lines
    counted on."""
    rows = [f"A{i:06},Name {i}" for i in range(_arrow.BLOCK)]
    rows += ['B000000,"first', 'second"', *(f"B{i:06},Name {i}" for i in range(1, CHUNK + 5))]
    path = write_text(tmp_path / "c.csv", "no,name\n" + "\n".join(rows) + "\n")
    found, kinds = arrow_records(path, 2)
    assert kinds == ["block", "python", "python"]
    assert found == python_records(path)
    assert found[_arrow.BLOCK] == (_arrow.BLOCK + 2, ["B000000", "first\nsecond"])
    assert found[-1][0] == len(rows) + 1


def block_of(tmp_path: Path, rows: list[list[str]]) -> tuple[Any, _arrow.Block]:
    path = tmp_path / "d.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([HEADER, *rows])
    layout = layout_of(import_tables.get("contacts"), HEADER, path.name)
    [block] = list(_arrow.records(path, "utf-8", len(HEADER)))
    assert isinstance(block, _arrow.Block)
    return layout, block


CLEAN = ["K1", "company", "Straße", "", "Köln", "BE", "a@b.example", "true", "2025-02-03"]


def test_k4_a_clean_block_converts_by_arrow(tmp_path):
    """The folded copy and search name of a text beyond ASCII are Python's (ß → ss, SS)."""
    layout, block = block_of(tmp_path, [CLEAN, ["K2", "", "Bob", "", "", "", "", "", ""]])
    values = _arrow.convert(layout, block)
    assert values is not None
    got = dict(zip(layout.staged, (v.to_pylist() for v in values), strict=True))
    assert got["type"] == ["company", "company"]  # the blank type's default
    assert got["excluded"] == [True, False]
    assert got["created"] == ["2025-02-03", None]
    assert got["name_folded"] == ["strasse", "bob"]
    assert got["city_folded"] == ["köln", ""]
    assert got["name_upper"] == ["STRASSE", "BOB"]


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("no", "k1"),  # a code in lower case (Python upper-cases it)
        ("no", " K1"),  # a code with a space
        ("no", ""),  # a required code
        ("country", "BÉ"),  # a code beyond ASCII
        ("city", "x" * 31),  # longer than the column
        ("city", "Ge\x00nt"),  # a NUL
        ("email", "not an address"),
        ("email", "ü@b.example x"),  # beyond ASCII and not plain
        ("excluded", "maybe"),
        ("created", "2025-02-30"),
        ("created", "20250203"),
        ("type", "persoon"),
    ],
)
def test_k4_a_block_with_a_cell_to_change_or_refuse_goes_the_python_way(tmp_path, column, cell):
    row = list(CLEAN)
    row[HEADER.index(column)] = cell
    layout, block = block_of(tmp_path, [row])
    assert _arrow.convert(layout, block) is None


# --- the differential: Arrow's first load against the staged import, on random files ----


@pytest.fixture(scope="module")
def pg_sessions(pg_server: str) -> Iterator[Any]:
    """One database for every example (a new one each would take most of the test's time);
    `outcome` empties the contacts after each import."""
    sessions = open_database(_pg_url(pg_server))
    with sessions.begin() as session:
        session.execute(insert(schema.countries).values(code="BE", name="Belgium"))
    yield sessions
    sessions.kw["bind"].dispose()


CELLS = {  # the first three of each Arrow converts
    "name": ["Acme", "Straße", "Ωmega", "", "O'Brien", "Smith, Ann", "x" * 101, 'say "hi"'],
    "city": ["Gent", "Köln", "", " Gent ", "tab\there", "İstanbul"],
    "country": ["BE", "", "XX", "be"],
    "email": ["", "a@b.example", "a@b.example;c@d.example", "bad", "x @y.z", "ü@b.example"],
    "excluded": ["", "false", "yes", "TRUE", "maybe"],
    "created": ["", "2025-01-02", "2024-02-29", "2025-02-30", " 2025-01-02", "20250102"],
}
CLEAN_CELLS = {name: values[:3] for name, values in CELLS.items()}
PADDING = _arrow.BLOCK - 6  # rows before the random ones in a padded file
KINDS = ["company", "person", "person", "Person", "", "persoon"]


@dataclass(frozen=True)
class Shape:
    """How a file is written: its delimiter, its line ends, a byte order mark."""

    delimiter: str
    end: str
    bom: bool

    def write(self, path: Path, rows: list[list[str]]) -> Path:
        with path.open("w", newline="", encoding="utf-8-sig" if self.bom else "utf-8") as out:
            csv.writer(out, delimiter=self.delimiter, lineterminator=self.end).writerows(rows)
        return path


shapes = st.builds(
    Shape, st.sampled_from([",", ";"]), st.sampled_from(["\r\n", "\n"]), st.booleans()
)


@st.composite
def contact_files(draw: Any) -> list[list[str]]:
    """Contacts in key order, companies and persons, each person naming no company or one
    before it in the file (mostly a company); the cells mostly ones Arrow converts."""
    count = draw(st.integers(1, 12))
    cells = CELLS if draw(st.integers(0, 2)) == 0 else CLEAN_CELLS
    nos = [f"K{i:03}" for i in range(count)]
    if draw(st.integers(0, 5)) == 0:
        nos[draw(st.integers(0, count - 1))] = draw(st.sampled_from(["k1x", " K5 ", ""]))
    rows: list[list[str]] = []
    companies: list[str] = []
    for no in nos:
        kind = draw(st.sampled_from(KINDS if cells is CELLS else KINDS[:-1]))
        earlier = [row[0] for row in rows]
        named = ""
        if kind.lower() == "person" and companies:
            named = draw(st.sampled_from(["", *companies]))
        if kind.lower() == "person" and draw(st.integers(0, 7)) == 0:  # none there, or later
            named = draw(st.sampled_from(["NOWHERE", *earlier[-1:]]))
        if kind.lower() == "company":
            companies.append(no)
        row = {name: draw(st.sampled_from(values)) for name, values in cells.items()}
        rows.append([no, kind, row["name"], named, *(row[n] for n in HEADER[4:])])
    return rows


def outcome(sessions: Any, path: Path, **options: Any) -> Any:
    """The contacts an import leaves (every column but the ids, with the company's no.), or
    the rows it refused; the table emptied after."""
    try:
        imports.import_table(sessions, "contacts", path, by="tester", **options)
    except BadFile as exc:
        return list(exc.bad_rows)
    company = contacts.alias("company")
    kept = [c for c in contacts.c if c.name not in ("id", "company_id")]
    query = select(*kept, company.c.no).outerjoin(company, company.c.id == contacts.c.company_id)
    with sessions.begin() as session:
        left = sorted(map(tuple, session.execute(query)))
        session.execute(contacts.update().values(company_id=None))
        session.execute(contacts.delete())
    return left


@pytest.mark.slow
@pytest.mark.postgres
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=contact_files(), shape=shapes, padded=st.integers(0, 4).map(lambda n: n == 0))
def test_k4_arrows_first_load_leaves_what_the_python_path_leaves(
    pg_sessions, tmp_path, rows, shape, padded
):
    """The staged import (`update`, into the empty table) reads and converts in Python.
    A padded file puts its random rows across the end of Arrow's first block: a person's
    company in the first block is found among those written."""
    padding = [[f"A{i:05}", "company", f"Padding {i}", *[""] * 6] for i in range(PADDING)]
    path = shape.write(tmp_path / "random.csv", [HEADER, *(padding if padded else []), *rows])
    by_arrow = outcome(pg_sessions, path)
    by_python = outcome(pg_sessions, path, update=True)
    assert by_arrow == by_python

"""K4: a chunk's columns in PostgreSQL's COPY text format, as the import stages them and as
a first load writes contacts: text as it is unless a cell holds a backslash, tab or line
break (escaped), blanks as NULL, flags as t/f, numbers and dates as their text, enum
members as their value; one line a row."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.enums import ContactType
from rapport.services.transfer._stage import copy_text

UNESCAPE = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def parse(text: str) -> list[list[str | None]]:
    """COPY's text format read back: NULL for \\N, escapes undone."""
    rows = []
    for line in text.removesuffix("\n").split("\n"):
        cells: list[str | None] = []
        for cell in line.split("\t"):
            if cell == "\\N":
                cells.append(None)
                continue
            out, i = [], 0
            while i < len(cell):
                pair = cell[i : i + 2]
                if pair in UNESCAPE:
                    out.append(UNESCAPE[pair])
                    i += 2
                else:
                    out.append(cell[i])
                    i += 1
            cells.append("".join(out))
        rows.append(cells)
    return rows


def test_k4_copy_text_writes_each_kind_of_column():
    columns = [
        [1, 2, 3],
        ["plain", "tab\there", "back\\slash"],
        ["a", "b", "c"],
        [True, False, None],
        [dt.date(2026, 1, 2), None, dt.date(2026, 12, 31)],
        [ContactType.COMPANY, ContactType.PERSON, ContactType.PERSON],
        ["line\nbreak", None, "x"],
    ]
    text = copy_text(columns)
    assert text.split("\n")[0] == "1\tplain\ta\tt\t2026-01-02\tcompany\tline\\nbreak"
    assert parse(text) == [
        ["1", "plain", "a", "t", "2026-01-02", "company", "line\nbreak"],
        ["2", "tab\there", "b", "f", None, "person", None],
        ["3", "back\\slash", "c", None, "2026-12-31", "person", "x"],
    ]


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), min_size=1, max_size=3))
def test_k4_copy_text_reads_back_any_text(columns):
    rows = [list(row) for row in zip(*columns, strict=True)]
    assert parse(copy_text(columns)) == rows

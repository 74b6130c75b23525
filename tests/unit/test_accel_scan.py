"""The preview accelerator's text columns (X2, SPEC §9): a Business Central wildcard tested
on UTF-8 byte strings by substring searches selects what a regular expression of the same
pattern selects (`*` any run, `?` one character, non-ASCII text included), and a column
kept in step value by value (past the point where its additions are merged in and its
unused values dropped) selects what its values say."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyroaring import BitMap

from rapport.criteria import bcfilter
from rapport.services.segments import _accel_scan as scan

ALPHABET = "abß é*?"
texts = st.text(alphabet="abß é", max_size=6)
patterns = st.text(alphabet=ALPHABET, min_size=1, max_size=6)


def _regex(pattern: str) -> re.Pattern[str]:
    pieces = {"*": ".*", "?": "."}
    return re.compile("".join(pieces.get(c, re.escape(c)) for c in pattern), re.DOTALL)


@given(values=st.lists(texts, min_size=1, max_size=30, unique=True), pattern=patterns)
def test_x2_wildcards_on_bytes_select_what_the_pattern_says(values, pattern):
    encoded = np.array([v.encode() for v in values], dtype=np.bytes_)
    found = scan._like(encoded, pattern)
    expected = [_regex(pattern).fullmatch(v) is not None for v in values]
    assert found.tolist() == expected


def _column(values: list[str]) -> scan.TextColumn:
    distinct = sorted(set(values))
    raw = np.array([v.encode() for v in distinct], dtype=np.bytes_)
    folded = np.array([v.casefold().encode() for v in distinct], dtype=np.bytes_)
    codes = scan._narrow(np.array([distinct.index(v) for v in values], np.int32), len(distinct))
    return scan.TextColumn("name_folded", raw, folded, codes)


def _selected(column: scan.TextColumn, text: str, within: BitMap | None = None) -> list[int]:
    test = scan.filter_test(bcfilter.parse_filter(text))
    return sorted(int(i) for i in column.select(test, within))


def _expected(values: dict[int, str], text: str) -> list[int]:
    node = bcfilter.parse_filter(text)
    return [i for i, v in sorted(values.items()) if _holds(node, v)]


def _holds(node: bcfilter.Filter, value: str) -> bool:
    if isinstance(node, bcfilter.AnyOf):
        return any(_holds(part, value) for part in node.parts)
    if isinstance(node, bcfilter.AllOf):
        return all(_holds(part, value) for part in node.parts)
    low, high = node.value, node.upper
    if node.ignore_case:
        value, low, high = value.casefold(), low.casefold(), high.casefold()
    if node.op in ("like", "not like"):
        return (_regex(low).fullmatch(value) is not None) == (node.op == "like")
    if node.op == "..":
        return low.encode() <= value.encode() <= high.encode()
    ops = {"=": "__eq__", "<>": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__"}
    return bool(getattr(value.encode(), ops.get(node.op, "__ge__"))(low.encode()))


FILTERS = ("@*SON*", "*son*|Gent", "A..M", "<>Gent&>B", "@straße", "?ent", "''")


@pytest.mark.parametrize(
    "start",
    [
        ["Gent", "Jansson", "Straße", "JÖNSSON", "", "Brugge"] * 100,  # most copies differ
        [*(f"jansson{i}@b.example" for i in range(90)), "Straße", "", "JÖNSSON"] * 7,  # few
    ],
)
def test_x2_a_text_column_kept_in_step_past_its_merges_selects_what_its_values_say(start):
    column = _column(start)
    assert column.codes.dtype == (np.int8 if len(set(start)) < 128 else np.int16)
    now = dict(enumerate(start))
    names = ["Gent", "Jönsson", "STRASSE", "Anna", "Bent", "Évry"]
    for step in range(scan.MERGE * 2 + 10):  # two merges, the second compacting
        contact = (step * 7) % 700  # 100 contacts past the first ones: the codes grow
        value = names[step % len(names)] + ("" if step % 3 else str(step))
        assert column.set(contact, value, value.casefold())
        now[contact] = value
        if step in (5, scan.MERGE + 1, scan.MERGE * 2 + 9):
            # few (only their values are tested), among them values whose copy differs
            small = BitMap([i for i, v in now.items() if v != v.casefold()][:20])
            small |= BitMap(range(step % 3, 700, 97))
            for text in FILTERS:
                assert _selected(column, text) == _expected(now, text), text
                expected = [i for i in _expected(now, text) if i in small]
                assert _selected(column, text, small) == expected, text
    assert len(column.values) < len(now) * 2
    assert not column.set(1, "a\x00b", "a\x00b")  # a NUL: the field goes back to SQL


def test_x2_a_column_read_in_parts_of_different_widths_is_joined_whole():
    """A text column read chunk by chunk joins its parts (each as wide as its longest value)
    into one array as wide as the longest of all, in order, letting each part go."""
    parts = [
        np.array([b"a", b""], dtype=np.bytes_),
        np.array([b"abc\xc3\xa9"], dtype=np.bytes_),
        np.array([b"zz"], dtype=np.bytes_),
    ]
    joined = scan._joined(parts)
    assert joined.tolist() == [b"a", b"", b"abc\xc3\xa9", b"zz"]
    assert joined.dtype == np.dtype("S5")
    assert parts == []


def test_x2_a_value_set_again_keeps_its_number_and_the_column_its_width():
    """Contacts re-read with a value already set aside share its number: a few values
    re-read many times (a county) keep a byte per contact; past a type's range the
    numbers widen one size at a time (at 10M contacts a byte to four was +30 MB)."""
    raw = np.array([b"Gent", b"Leeds"], dtype="S8")
    column = scan.TextColumn("city_folded", raw, raw, np.zeros(1000, np.int8))
    for contact in range(600):
        assert column.set(
            contact, ("Evry", "Hamburg")[contact % 2], ("evry", "hamburg")[contact % 2]
        )
    assert column.codes.dtype == np.int8
    assert len(column.added) == 2
    for contact in range(200):
        column.set(contact, f"City {contact}", f"city {contact}")
    assert column.codes.dtype == np.int16
    assert column.select(lambda values, _copies: values == b"Hamburg", None).tolist() == list(
        range(201, 600, 2)
    )

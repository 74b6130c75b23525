"""X1: a relative date that lands before year 1 or after year 9999 (`today - 99999y`) is bad
input said at its place in the criteria, in the text and in the JSON form, as any other bad
value is; never a failure when the criteria run."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.criteria import from_json, parse
from rapport.criteria.tree import Compare, RelativeDate
from rapport.errors import Invalid

OUT_OF_RANGE = [
    ("created = today - 99999y", (1, 11), "'today - 99999y' is out of range"),
    ("created >= today + 20000y", (1, 12), "'today + 20000y' is out of range"),
    ("created < today - 999999m", (1, 11), "'today - 999999m' is out of range"),
    ("type = person and\n  created = today - 999999d", (2, 13), "'today - 999999d' is out"),
    ("created in (today, today + 9999y)", (1, 20), "'today + 9999y' is out of range"),
    ("interaction(date > today - 5000y)", (1, 20), "'today - 5000y' is out of range"),
]


@pytest.mark.parametrize(("text", "position", "message"), OUT_OF_RANGE)
def test_x1_a_relative_date_out_of_range_is_an_error_at_its_place(text, position, message):
    with pytest.raises(Invalid) as caught:
        parse(text)
    assert caught.value.position == position
    assert message in caught.value.message
    assert "(dates run from year 1 to 9999)" in caught.value.message
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        {"field": "created", "op": "=", "value": "today - 99999y"},
        {"field": "created", "op": ">=", "value": "today + 20000y"},
        {"field": "created", "op": "in", "values": ["today", "today - 999999d"]},
    ],
)
def test_x1_the_json_form_says_where_the_date_out_of_range_is(data):
    with pytest.raises(Invalid) as caught:
        from_json(data)
    assert caught.value.field in ("$.value", "$.values")
    assert "is out of range (dates run from year 1 to 9999)" in caught.value.message


def test_x1_the_range_ends_at_year_1_and_year_9999():
    years = dt.date.today().year
    assert parse(f"created > today - {years - 1}y") == Compare(
        "created", ">", RelativeDate(-(years - 1), "y")
    )
    assert parse(f"created < today + {9999 - years}y") == Compare(
        "created", "<", RelativeDate(9999 - years, "y")
    )
    for beyond in (f"today - {years}y", f"today + {10000 - years}y"):
        with pytest.raises(Invalid, match="out of range"):
            parse(f"created > {beyond}")


@pytest.mark.parametrize(
    ("date", "today"),
    [
        (RelativeDate(-99999, "y"), dt.date(2026, 5, 1)),
        (RelativeDate(1, "m"), dt.date(9999, 12, 31)),
        (RelativeDate(1, "d"), dt.date(9999, 12, 31)),
        (RelativeDate(-1, "w"), dt.date(1, 1, 1)),
    ],
)
def test_x1_resolving_past_the_range_says_which_date(date, today):
    with pytest.raises(ValueError, match=r"out of range \(dates run from year 1 to 9999\)"):
        date.resolve(today)

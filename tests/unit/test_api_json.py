"""SPEC §6/§7: a service's result as the API's JSON (`shapes.jsonable`, which `answers.plain`
uses): the conversion is chosen once per type, and every type still converts as the CLI's
`--json` writes it."""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath

from rapport.api.answers import plain
from rapport.api.shapes import jsonable


class Kind(enum.StrEnum):
    PERSON = "person"


@dataclass(frozen=True)
class Inner:
    code: str
    amount: Decimal


@dataclass(frozen=True)
class Outer:
    no: str
    kind: Kind
    flag: bool
    count: int
    share: float
    nothing: None
    day: dt.date
    at: dt.datetime
    clock: dt.time
    file: PurePosixPath
    inner: Inner
    items: tuple[Inner, ...]
    by_code: dict[int, list[Decimal]]


VALUE = Outer(
    no="CT000001",
    kind=Kind.PERSON,
    flag=True,
    count=3,
    share=0.5,
    nothing=None,
    day=dt.date(2026, 12, 3),
    at=dt.datetime(2026, 12, 3, 13, 5, 9),
    clock=dt.time(8, 30),
    file=PurePosixPath("exports/a.csv"),
    inner=Inner("NEWS", Decimal("12.00")),
    items=(Inner("A", Decimal("1.25")), Inner("B", Decimal(0))),
    by_code={7: [Decimal("2.50"), Decimal(4)]},
)

EXPECTED = {
    "no": "CT000001",
    "kind": "person",
    "flag": True,
    "count": 3,
    "share": 0.5,
    "nothing": None,
    "day": "2026-12-03",
    "at": "2026-12-03T13:05:09+00:00",
    "clock": "08:30:00",
    "file": "exports/a.csv",
    "inner": {"code": "NEWS", "amount": 12},
    "items": [{"code": "A", "amount": 1.25}, {"code": "B", "amount": 0}],
    "by_code": {"7": [2.5, 4]},
}


def test_a_result_converts_to_the_json_of_the_cli_s_json_output():
    converted = jsonable(VALUE)
    assert json.loads(json.dumps(converted)) == EXPECTED
    assert converted["flag"] is True
    assert isinstance(converted["inner"]["amount"], int)
    assert isinstance(converted["items"][0]["amount"], float)


def test_the_same_types_convert_alike_on_every_later_call_and_through_plain():
    jsonable(VALUE)
    assert plain(VALUE) == jsonable(VALUE) == json.loads(json.dumps(EXPECTED))
    assert plain([VALUE, VALUE]) == [jsonable(VALUE)] * 2


def test_a_timestamp_with_an_offset_keeps_it_and_a_class_is_not_taken_for_a_value():
    offset = dt.timezone(dt.timedelta(hours=1))
    at = dt.datetime(2026, 12, 3, 14, 0, tzinfo=offset)
    assert jsonable(at) == "2026-12-03T14:00:00+01:00"
    assert jsonable(Inner) is Inner

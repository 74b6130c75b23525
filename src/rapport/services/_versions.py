"""Record versions for concurrent editing (SPEC §7, issue 12 item 6), for every record a
user edits by its fields (a segment header or line, a template, a campaign, a code, the
marketing setup): a version is a digest of the record's stored values, so any change by
anyone gives a new one.

A caller that read version V and changes the record names V; the change runs with the
record locked and is refused with `Stale` when the record is no longer at V, as Business
Central refuses a write over a record another user has modified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import inspect

from rapport.errors import N_, Stale, Text

T = TypeVar("T")


@dataclass(frozen=True)
class Versioned(Generic[T]):
    """A record as read, with the version a change of it names."""

    value: T
    version: str


def digest(values: Iterable[Any]) -> str:
    """The version of a record whose stored values, in column order, are `values`."""
    text = "\x1f".join(_text(value) for value in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def version_of(row: Any) -> str:
    """The version of an ORM row (every stored column, in column order) or of a Core row
    read as a mapping of its columns."""
    if isinstance(row, Mapping):
        return digest(row.values())
    mapper = inspect(type(row))
    return digest(getattr(row, column.key) for column in mapper.column_attrs)


def _text(value: Any) -> str:
    """A value as text, a decimal by its value (5, 5.0 and 5.00 are one version)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return repr(value)


def check_version(row: Any, expected: Collection[str] | None, *, what: Text) -> None:
    """Stale unless `row` is at one of the `expected` versions (None: no check)."""
    if expected is None or version_of(row) in expected:
        return
    raise Stale(
        N_(
            "Another user has modified the record for this {what} after you retrieved it from the "
            "database. Read it again and enter your changes on the current version.",
            what=what,
        )
    )

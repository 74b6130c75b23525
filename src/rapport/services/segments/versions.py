"""Record versions for concurrent editing (SPEC §7, issue 12 item 6): a segment header's or
line's version is a digest of its stored values, so any change by anyone gives a new one.

A caller that read version V and changes the record names V; the change runs under the
segment's lock and is refused with `Stale` when the record is no longer at V, as Business
Central refuses a write over a record another user has modified.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from rapport.errors import Stale


def version_of(row: Any) -> str:
    """The digest of every stored column of an ORM row, in column order."""
    mapper = inspect(type(row))
    values = "\x1f".join(_text(getattr(row, column.key)) for column in mapper.column_attrs)
    return hashlib.sha256(values.encode("utf-8")).hexdigest()[:20]


def _text(value: Any) -> str:
    """A value as text, a decimal by its value (5, 5.0 and 5.00 are one version)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return repr(value)


def check_version(row: Any, expected: Collection[str] | None, *, what: str) -> None:
    """Stale unless `row` is at one of the `expected` versions (None: no check)."""
    if expected is None or version_of(row) in expected:
        return
    raise Stale(
        f"Another user has modified the record for this {what} after you retrieved it "
        "from the database. Read it again and enter your changes on the current version."
    )

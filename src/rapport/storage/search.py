"""A plain search (the API's `?q=`): the rows where any of some text columns contains the
words typed, case-insensitively, with the text bound as a LIKE pattern whose own `%`, `_`
and `\\` match literally."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, true


def contains(text: str | None, *columns: Any) -> ColumnElement[bool]:
    """Rows where one of `columns` contains `text` (no condition for a blank text)."""
    if text is None or not text.strip():
        return true()
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))

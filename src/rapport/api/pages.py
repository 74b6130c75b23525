"""What every answer shares: the shape of a list (SPEC §7: `{"items": [...], "next": URL |
null}`), paged by keyset, and timestamps, which the database keeps in UTC without an
offset and the API sends with one (RFC 3339).

`?limit=` (default 100, at most 1000) and `?after=` (the opaque cursor a page's `next`
carries) are declared once here. A cursor is the key of the last item of a page, encoded;
the next page is the items whose key follows it. Large lists (contacts, interaction log
entries) take the key down to the service, which reads only that page; the small ones
(campaigns, templates …) come whole from their service and are cut here.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

from rapport.api.shapes import documented, jsonable
from rapport.domain.dates import in_utc
from rapport.errors import Invalid

Timestamp = Annotated[dt.datetime, AfterValidator(in_utc)]

T = TypeVar("T")
Key = str | int

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (at most 1000).")]
After = Annotated[
    str | None,
    Query(max_length=400, description="The cursor of the page to continue after (its `next`)."),
]


# A row id in a path: a positive 63-bit integer, what the database can compare.
RowId = Annotated[int, Path(ge=1, le=2**62, description="The row's id.")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = None


class RequestBody(BaseModel):
    """A JSON body with no unknown fields, so what the OpenAPI document says is what is
    accepted; its booleans are declared `StrictBool` and its integers with `JSON_INTEGER`
    (no `0` for `false`, no `"1"` for 1)."""

    model_config = ConfigDict(extra="forbid")


def _integral(value: Any) -> Any:
    """JSON's integer 3.0 is the integer 3 (as JSON Schema counts it); text stays refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# An integer in a request body is what JSON Schema calls one (3 or 3.0), never "3" or true:
# `Annotated[int, Field(strict=True, …its bounds), JSON_INTEGER]`. Its bounds go in that
# same `Field`: put around the validator they would reach the OpenAPI document as `ge`
# and `le`, words JSON Schema does not know, instead of `minimum` and `maximum`.
JSON_INTEGER = BeforeValidator(_integral)


def _text_only(value: Any) -> Any:
    """A date comes as ISO text (2026-03-02), never as a number of seconds."""
    if value is not None and not isinstance(value, str | dt.date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


# A date in a request body: its text, as the OpenAPI document says (pydantic alone would
# also take a number as seconds since 1970).
IsoDate = Annotated[dt.date, BeforeValidator(_text_only)]


def page_of(kind: type) -> Any:
    """The documented `{"items": [...], "next": …}` of a list of `kind`."""
    item = documented(kind) if dataclasses.is_dataclass(kind) else kind
    return Page[item]  # type: ignore[valid-type]


def encode_cursor(key: Key) -> str:
    raw = json.dumps([key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: type[Key]) -> Any:
    """The key a cursor carries, or None without one; a cursor this API did not give
    (or one of another list) is Invalid, never passed on."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        (key,) = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeError):
        raise Invalid("not a cursor this list gave", field="after") from None
    if not isinstance(key, kind) or isinstance(key, bool) or not _fits(key):
        raise Invalid("not a cursor this list gave", field="after")
    return key


def _fits(key: Key) -> bool:
    """A key the database can compare: a 63-bit integer, or a short text."""
    return abs(key) < 2**62 if isinstance(key, int) else len(key) <= 100


def next_url(request: Request, key: Key | None) -> str | None:
    """The URL of the page after the row with `key` (None: this was the last page)."""
    if key is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "after"]
    params.append(("after", encode_cursor(key)))
    return f"{request.url.path}?{urlencode(params)}"


def page(
    request: Request, rows: Iterable[Any], *, limit: int, key: Callable[[Any], Key]
) -> JSONResponse:
    """A page of `rows`, which a service read with `limit + 1` after the cursor: the extra
    row only tells that there is a next page."""
    items = list(rows)
    following = next_url(request, key(items[limit - 1])) if len(items) > limit else None
    return JSONResponse({"items": jsonable(items[:limit]), "next": following})


def cut(
    request: Request,
    rows: Sequence[Any],
    *,
    limit: int,
    after: str | None,
    key: Callable[[Any], Key],
    kind: type[Key] = str,
) -> JSONResponse:
    """A page of a whole, ordered list: the rows following the cursor's row (by position,
    so the database's collation decides the order, not Python's)."""
    start = 0
    last = decode_cursor(after, kind)
    if last is not None:
        keys = [key(row) for row in rows]
        if last in keys:
            start = keys.index(last) + 1
        else:
            start = next((i for i, k in enumerate(keys) if _follows(k, last)), len(keys))
    return page(request, rows[start : start + limit + 1], limit=limit, key=key)


def _follows(candidate: Key, last: Key) -> bool:
    if isinstance(candidate, str) and isinstance(last, str):
        return candidate > last
    if isinstance(candidate, int) and isinstance(last, int):
        return candidate > last
    return False


def whole(rows: Iterable[Any]) -> JSONResponse:
    """A list that is never long enough to page (totals by a code): one page, no next."""
    return JSONResponse({"items": jsonable(list(rows)), "next": None})

"""What every answer shares: the shape of a list (SPEC §7: `{"items": [...], "next": URL |
null}`) with keyset pages: `?limit=` (default 100, at most 1000) and `?after=`, an opaque
cursor naming the last row of the page before; and timestamps, which the database keeps in
UTC without an offset and the API sends with one (RFC 3339)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Annotated, Generic, TypeVar
from urllib.parse import urlencode

from fastapi import Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict

from rapport.errors import Invalid


def _in_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


Timestamp = Annotated[dt.datetime, AfterValidator(_in_utc)]

T = TypeVar("T")
K = TypeVar("K", str, int)

Limit = Annotated[int, Query(ge=1, le=1000, description="Rows per page (at most 1000).")]
After = Annotated[
    str | None, Query(max_length=400, description="The cursor of the page before (its `next`).")
]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = None


def cursor(key: str | int) -> str:
    """The opaque `?after=` cursor of a page's last row."""
    return base64.urlsafe_b64encode(json.dumps([key]).encode()).decode().rstrip("=")


def read_cursor(text: str | None, kind: type[K]) -> K | None:
    """The key in an `?after=` cursor, or Invalid (422) naming `after`."""
    if text is None:
        return None
    try:
        padded = text + "=" * (-len(text) % 4)
        (key,) = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, UnicodeError):
        key = None
    if not isinstance(key, kind) or isinstance(key, bool) or not fits(key):
        raise Invalid("not a cursor this list gave; start again without it", field="after")
    return key


def fits(key: str | int) -> bool:
    """A key the database can compare: a 63-bit integer, or a short text."""
    return abs(key) < 2**62 if isinstance(key, int) else len(key) <= 100


def next_url(request: Request, key: str | int | None) -> str | None:
    """The URL of the page after the row with `key` (None: this was the last page)."""
    if key is None:
        return None
    params = [
        (name, value) for name, value in request.query_params.multi_items() if name != "after"
    ]
    params.append(("after", cursor(key)))
    return f"{request.url.path}?{urlencode(params)}"


class RequestBody(BaseModel):
    """A JSON body with no unknown fields, so what the OpenAPI document says is what is
    accepted; its booleans and integers are declared `StrictBool` / `StrictInt` (no `0` for
    `false`, no `"1"` for 1)."""

    model_config = ConfigDict(extra="forbid")

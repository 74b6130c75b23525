"""What every answer shares: the shape of a list (SPEC §7: `{"items": [...], "next": URL |
null}`) and timestamps, which the database keeps in UTC without an offset and the API
sends with one (RFC 3339)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict


def _in_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


Timestamp = Annotated[dt.datetime, AfterValidator(_in_utc)]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = None


class RequestBody(BaseModel):
    """A JSON body with no unknown fields, so what the OpenAPI document says is what is
    accepted; its booleans and integers are declared `StrictBool` / `StrictInt` (no `0` for
    `false`, no `"1"` for 1)."""

    model_config = ConfigDict(extra="forbid")

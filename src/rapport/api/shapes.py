"""The one way a service's result becomes JSON: the shapes of SPEC §6, as the CLI's
`--json` writes them (dataclasses as objects, dates as ISO text, a whole Decimal as an
integer and any other as a number), timestamps in UTC with their offset (RFC 3339). Routes
answer with `answer(result)`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import create_model


def jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, PurePath):
        return str(value)
    return value


def answer(value: Any, *, status: int = 200) -> JSONResponse:
    return JSONResponse(jsonable(value), status_code=status)


@functools.cache
def documented(kind: type) -> Any:
    """The model that documents a service's result dataclass in the OpenAPI document: its
    fields as `jsonable` writes them (a Decimal as a number, tuples as arrays)."""
    hints = typing.get_type_hints(kind)
    fields: dict[str, Any] = {
        field.name: (_as_written(hints[field.name]), ...) for field in dataclasses.fields(kind)
    }
    return create_model(kind.__name__, **fields)


def _as_written(hint: Any) -> Any:
    if hint is Decimal:
        return float
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return documented(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return list[_as_written(args[0])]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        return functools.reduce(operator.or_, (_as_written(arg) for arg in args))
    return hint

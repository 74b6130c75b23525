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
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import create_model

from rapport.domain.dates import in_utc

_AS_IS = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """`value` as JSON values. The conversion is chosen once per type (a page of lines is
    thousands of values, most of them text and numbers, which are returned at once)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    convert = _CONVERSIONS.get(kind)
    if convert is None:
        convert = _CONVERSIONS[kind] = _conversion(kind)
    return convert(value)


_CONVERSIONS: dict[type, Callable[[Any], Any]] = {}


def _conversion(kind: type) -> Callable[[Any], Any]:
    if issubclass(kind, Mapping):
        return lambda value: {str(k): jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(kind):
        names = tuple(field.name for field in dataclasses.fields(kind))
        return lambda value: {name: jsonable(getattr(value, name)) for name in names}
    if issubclass(kind, list | tuple):
        return lambda value: [jsonable(item) for item in value]
    if issubclass(kind, dt.datetime):
        return lambda value: in_utc(value).isoformat()
    if issubclass(kind, dt.date | dt.time):
        return lambda value: value.isoformat()
    if issubclass(kind, Decimal):
        return lambda value: int(value) if value == value.to_integral_value() else float(value)
    if issubclass(kind, PurePath):
        return str
    return lambda value: value


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


def file_content(*media: str) -> dict[str, Any]:
    """The documented content of an answer that is a file (a download), in each of `media`."""
    return {kind: {"schema": {"type": "string", "format": "binary"}} for kind in media}

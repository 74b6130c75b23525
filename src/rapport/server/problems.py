"""Errors as RFC 9457 problem documents (`application/problem+json`).

One mapping from the error tree of `rapport.errors` to HTTP statuses (a NotFound is a 404
only for the address's own resource: one that a body field or a parameter named is a 422
naming it); the `detail` is the message the CLI prints, and `errors` lists what was wrong
and where: `[{"field": …, "message": …, "position": …}]`. Nothing else reaches a client:
an unexpected exception is logged with its traceback and answered with a 500 that says no
more than that.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from starlette.responses import JSONResponse

from rapport.errors import Conflict, Forbidden, Invalid, NotFound, RapportError, Stale

log = logging.getLogger("rapport.server")

MEDIA_TYPE = "application/problem+json"
STATUS: dict[type[RapportError], int] = {
    NotFound: 404,
    Invalid: 422,
    Conflict: 409,
    Stale: 412,
    Forbidden: 403,
}


def status_of(exc: RapportError) -> int:
    """The HTTP status of a service error. A record that is not there is a 404 when it is
    the one the address names, and a 422 when the input (a body field, a parameter) named
    it: then its `field` says which, and the address's own resource is there."""
    if isinstance(exc, NotFound) and exc.field is not None:
        return 422
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def problem(
    status: int,
    detail: str,
    *,
    errors: Sequence[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = list(errors)
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def error_entries(exc: RapportError) -> list[dict[str, Any]]:
    """What `errors` lists for a service error: the field or parameter it names, and the
    position in the criteria text where there is one; for a file with bad rows, every bad
    row with its line, column and reason."""
    bad_rows = getattr(exc, "bad_rows", None)
    if bad_rows:
        return [_bad_row(bad) for bad in bad_rows]
    field = getattr(exc, "field", None) or getattr(exc, "where", None)
    position = getattr(exc, "position", None)
    if field is None and position is None:
        return []
    entry: dict[str, Any] = {"field": field, "message": exc.message}
    if position is not None:
        entry["position"] = {"line": position[0], "column": position[1]}
    return [entry]


@contextmanager
def fields_named(**names: str) -> Iterator[None]:
    """A route's own names for the service parameters its request calls otherwise (the
    merge body's `other` is the service's `other_no`): an error of the service naming one
    of them names it as the client sent it, in `errors[].field`."""
    try:
        yield
    except (Invalid, NotFound) as exc:
        if exc.field in names:
            exc.field = names[exc.field]
        raise


def _bad_row(bad: Any) -> dict[str, Any]:
    line, column, reason = bad.line, bad.column, str(bad.reason)
    return {
        "field": column or None,
        "message": str(bad),
        "position": {"line": line, "column": None},
        "line": line,
        "column": column,
        "reason": reason,
    }


def from_error(exc: RapportError) -> JSONResponse:
    return problem(status_of(exc), exc.message, errors=error_entries(exc))


# The names pydantic gives the members of a union in an error's location (`city.str`,
# `city.bool` for a value that is neither): its core schemas' types, which no field is named.
_CORE_TYPES = frozenset(
    {"str", "bool", "int", "float", "none", "bytes", "decimal", "date", "datetime", "time"}
)
_SCHEMA_TYPE = re.compile(r"[a-z]+(-[a-z]+)+(\[.*\])?|[a-z-]+\[.*\]")


# Where a request's parameters are: the part after one of these is a parameter's name.
_PARAMETERS = frozenset({"query", "header", "path", "cookie"})


def _union_member(where: Sequence[Any]) -> bool:
    """Whether an error's location ends in the name pydantic gives a union's member: a type
    name after a field (`city.str`), never a field or a parameter itself."""
    part, owner = where[-1] if where else None, len(where) - 1
    if owner < 1 or (where[0] in _PARAMETERS and owner < 2):
        return False
    return isinstance(part, str) and (part in _CORE_TYPES or bool(_SCHEMA_TYPE.fullmatch(part)))


def _dotted(location: Sequence[Any]) -> str | None:
    return ".".join(str(part) for part in location) or None


def _validation_errors(items: Sequence[Any]) -> list[dict[str, Any]]:
    """Each error's field (its location without `body`) and message; the errors of one value
    that matched no member of a union (pydantic lists one per member, its location ending in
    the member's type, each with the same input) are said once, for the field: "Input should
    be a valid string or a valid boolean"."""
    located = [
        (
            [part for part in item.get("loc", ()) if part != "body"],
            str(item.get("msg", "")),
            repr(item.get("input")),
        )
        for item in items
    ]
    members = Counter(
        (tuple(where[:-1]), given) for where, _, given in located if _union_member(where)
    )
    errors: list[dict[str, Any]] = []
    said: dict[tuple[Any, ...], dict[str, Any]] = {}
    for where, message, given in located:
        value = (tuple(where[:-1]), given)
        if members[value] < 2 or not _union_member(where):
            errors.append({"field": _dotted(where), "message": message})
        elif value in said:
            said[value]["message"] += " or " + message.removeprefix("Input should be ")
        else:
            said[value] = {"field": _dotted(value[0]), "message": message}
            errors.append(said[value])
    return errors


def from_validation(exc: RequestValidationError) -> JSONResponse:
    """FastAPI's request validation, worded for people: which field, and what is wrong."""
    errors = _validation_errors(exc.errors())
    first = errors[0] if errors else {"field": None, "message": "the request is not valid"}
    where = f"{first['field']}: " if first["field"] else ""
    return problem(422, f"{where}{first['message']}", errors=errors)

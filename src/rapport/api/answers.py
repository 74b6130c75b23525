"""How the API writes a service's result: the JSON of the CLI's `--json` (SPEC §6), made by
one function, and the record versions of concurrent editing as `ETag` / `If-Match`.

`plain` turns a result (a dataclass, a list of them, a dict of rows) into JSON values the
way the CLI writes them (`shapes.jsonable`): dates as ISO text, a whole decimal as an
integer, another as a number; a timestamp, kept in UTC without an offset, is sent with its
offset (RFC 3339, as `pages.Timestamp`). Every route that answers a service result answers
`plain(result)`.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from rapport.api.shapes import jsonable


def plain(value: Any) -> Any:
    """`value` as JSON values, in the shape and the types of the CLI's `--json`."""
    return jsonable(value)


def answer(
    value: Any,
    *,
    status: int = 200,
    version: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON answer of `plain(value)`, with the record's version as its ETag."""
    extra = dict(headers or {})
    if version is not None:
        extra["etag"] = etag(version)
    return JSONResponse(plain(value), status_code=status, headers=extra)


def etag(version: str) -> str:
    return f'"{version}"'


def expected_versions(if_match: str | None) -> frozenset[str] | None:
    """The versions an `If-Match` header accepts; None when it is absent or `*` (any)."""
    if if_match is None or if_match.strip() == "*":
        return None
    tags = (part.strip().removeprefix("W/").strip('"') for part in if_match.split(","))
    return frozenset(tag for tag in tags if tag)

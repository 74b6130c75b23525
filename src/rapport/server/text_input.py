"""Text with a NUL character (U+0000) is bad input on every route (SPEC §10).

PostgreSQL cannot store it in a text column and SQLite would keep a string that most tools
cut short, so it is refused at the edge, before any service runs, with the parameter or the
body field it was found in: the path, the query, a JSON body and a URL-encoded form. Uploaded
files are not text and are checked by the import itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from rapport.domain.rules import NUL
from rapport.domain.rules import NUL_MESSAGE as MESSAGE
from rapport.errors import Invalid


def _nul_paths(value: Any, path: str) -> Iterator[str]:
    """The dotted paths of `value`'s strings (and object keys) that hold a NUL."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                yield where
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{where}.{key}" if where else str(key)
                if NUL in str(key):
                    yield name
                stack.append((inner, name))
        elif isinstance(item, list):
            stack.extend((inner, f"{where}[{i}]") for i, inner in enumerate(item))


def _first(pairs: Iterator[tuple[str, Any]]) -> str | None:
    """The first name whose name or value holds a NUL (path values may be numbers)."""
    return next((name for name, value in pairs if NUL in f"{name}{value}"), None)


async def refuse_nul(request: Request) -> None:
    """A route dependency: 422 naming the first field that holds a NUL character."""
    found = _first(iter(request.path_params.items())) or _first(
        iter(request.query_params.multi_items())
    )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if found is None and kind == "application/json":
        try:
            body = json.loads(await request.body())
        except ValueError:
            return  # not JSON: the route's own validation says so
        found = next(_nul_paths(body, ""), None)
    elif found is None and kind == "application/x-www-form-urlencoded":
        form = await request.form()
        found = _first((name, v) for name, v in form.multi_items() if isinstance(v, str))
    if found is not None:
        raise Invalid(MESSAGE, field=found or "body")

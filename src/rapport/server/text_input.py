"""Text with a NUL character (U+0000), or with a lone surrogate (a JSON `\\ud800` escape
without its pair, which is no character), is bad input on every route (SPEC §10).

PostgreSQL cannot store a NUL in a text column and SQLite would keep a string that most
tools cut short; a lone surrogate cannot be written as UTF-8 at all. Both are refused at the
edge, before any service runs, with the parameter or the body field they were found in: the
path, the query, a JSON body and a URL-encoded form. Uploaded files are not text and are
checked by the import itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from rapport.domain.rules import NUL, SURROGATE_MESSAGE
from rapport.domain.rules import NUL_MESSAGE as MESSAGE
from rapport.errors import Invalid, Text

Found = tuple[str, Text]  # the field and why its text is refused


def _why(text: str) -> Text | None:
    """Why `text` is refused: a NUL, or a lone surrogate; None when it is good text."""
    if NUL in text:
        return MESSAGE
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_MESSAGE
    return None


def _bad_paths(value: Any, path: str) -> Iterator[Found]:
    """The dotted paths of `value`'s strings (and object keys) that are bad text, and why."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if why := _why(item):
                yield where, why
        elif isinstance(item, dict):
            for key, inner in item.items():
                name = f"{where}.{key}" if where else str(key)
                if why := _why(str(key)):
                    yield name, why
                stack.append((inner, name))
        elif isinstance(item, list):
            stack.extend((inner, f"{where}[{i}]") for i, inner in enumerate(item))


def _first(pairs: Iterator[tuple[str, Any]]) -> Found | None:
    """The first name whose name or value is bad text (path values may be numbers)."""
    found = ((name, _why(f"{name}{value}")) for name, value in pairs)
    return next(((name, why) for name, why in found if why is not None), None)


async def refuse_nul(request: Request) -> None:
    """A route dependency: 422 naming the first field that holds a NUL character or a lone
    surrogate."""
    found = _first(iter(request.path_params.items())) or _first(
        iter(request.query_params.multi_items())
    )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if found is None and kind == "application/json":
        try:
            body = json.loads(await request.body())
        except ValueError:
            return  # not JSON: the route's own validation says so
        found = next(_bad_paths(body, ""), None)
    elif found is None and kind == "application/x-www-form-urlencoded":
        form = await request.form()
        found = _first((name, v) for name, v in form.multi_items() if isinstance(v, str))
    if found is not None:
        field, why = found
        raise Invalid(why, field=field or "body")

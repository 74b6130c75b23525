"""A query parameter an API operation does not declare is refused (SPEC §10): a 422 naming
it and the parameters the operation takes, where FastAPI would silently ignore it and a
typo (`?sales_person=KIM` for `?salesperson=`) would answer every record.

The parameters an operation takes are the ones FastAPI reads for its route, sub-dependencies
included, by the names (aliases) a request uses: what the OpenAPI document lists. They are
worked out once per route, on its first request. (No route takes a pydantic model as its
query parameters; `tests/api/test_unknown_query_params.py` would say if one did.)

The check is a router dependency of the API (`server.routers.api_router`) without parameters
of its own, so it runs after routing (the route is known) and adds nothing to the OpenAPI
document. The pages of the web UI keep their own handling: they ignore what they do not
read. The message is English, like the framework's validation messages the API answers with.
"""

from __future__ import annotations

import difflib

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_validation_alias
from fastapi.routing import APIRoute
from pydantic import AliasChoices
from pydantic.fields import FieldInfo

from rapport.errors import Invalid

# route id → (the route, kept so its id stays its own; its parameters' names)
_DECLARED: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def declared(route: APIRoute) -> frozenset[str]:
    """The names of the query parameters `route` reads, its dependencies' included; worked
    out on the route's first request (an APIRoute is not hashable: kept by its id)."""
    known = _DECLARED.get(id(route))
    if known is None:
        known = _DECLARED[id(route)] = (route, _names(route))
    return known[1]


def _names(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    stack: list[Dependant] = [route.dependant]
    while stack:
        dependant = stack.pop()
        for field in dependant.query_params:
            names.add(get_validation_alias(field))
            names.update(_aliases(field.field_info))
        stack.extend(dependant.dependencies)
    return frozenset(names)


def _aliases(info: FieldInfo) -> set[str]:
    """The other names a parameter's `validation_alias` accepts."""
    alias = info.validation_alias
    if isinstance(alias, str):
        return {alias}
    if isinstance(alias, AliasChoices):
        return {choice for choice in alias.choices if isinstance(choice, str)}
    return set()


def unknown_message(unknown: list[str], taken: frozenset[str]) -> str:
    """What the 422 says: the unknown parameters, the closest known name of a typo, and
    every parameter the operation takes."""
    names = ", ".join(repr(name) for name in unknown)
    said = f"unknown query parameter{'s' if len(unknown) > 1 else ''} {names}"
    close = difflib.get_close_matches(unknown[0], sorted(taken), n=1)
    if close:
        said += f" (did you mean {close[0]!r}?)"
    if not taken:
        return f"{said}; this operation takes no query parameters"
    return f"{said}; this operation takes {', '.join(sorted(taken))}"


async def refuse_unknown(request: Request) -> None:
    """A route dependency of the API: 422 naming the first query parameter the route does
    not declare (the message names every one)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return  # not an operation of this API: nothing declares its parameters
    taken = declared(route)
    unknown = list(dict.fromkeys(name for name in request.query_params if name not in taken))
    if unknown:
        raise Invalid(unknown_message(unknown, taken), field=unknown[0])

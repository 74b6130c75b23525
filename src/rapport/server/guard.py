"""The dependency every route runs first: it looks the route up in the role table, finds
who is asking, checks their role and, for cookie-authenticated writes, the CSRF token.

Routes take `Who` (the signed-in identity) or `Context` (the process's settings and
database) as typed, annotated parameters, as FastAPI's dependency aliases go.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from rapport.errors import Forbidden
from rapport.server.auth import CSRF_FIELD, CSRF_HEADER, Identity, csrf_ok, identify
from rapport.server.context import ServerContext, context_of
from rapport.server.roles import least_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """Nobody is signed in: 401 for the API, a redirect to the sign-in page for a page."""


class TooManyAttempts(Exception):
    """Too many failed sign-ins for this user or address: 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} seconds")
        self.retry_after = retry_after


def route_template(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


async def authorize(request: Request) -> Identity | None:
    """Allow the request or raise: unknown route → 403, nobody signed in → SignInRequired,
    a role too low → 403, a cookie write without its CSRF token → 403."""
    known, least = least_role(request.method, route_template(request))
    if not known:
        raise Forbidden("this address is not open to any role")
    identity = identify(request)
    if least is None:
        return identity
    if identity is None:
        raise SignInRequired
    role = identity.account.role
    if not role.allows(least):
        raise Forbidden(f"this needs the {least.value} role; {identity.account.name} is a {role}")
    if request.method not in SAFE_METHODS:
        supplied = request.headers.get(CSRF_HEADER)
        content_type = request.headers.get("content-type", "")
        if supplied is None and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
        if not csrf_ok(identity, supplied):
            raise Forbidden(
                "the request did not carry this session's CSRF token; reload the page and try again"
            )
    return identity


async def signed_in(identity: Annotated[Identity | None, Depends(authorize)]) -> Identity:
    if identity is None:
        raise SignInRequired
    return identity


def server_context(request: Request) -> ServerContext:
    return context_of(request)


Who = Annotated[Identity, Depends(signed_in)]
MaybeWho = Annotated[Identity | None, Depends(authorize)]
Context = Annotated[ServerContext, Depends(server_context)]

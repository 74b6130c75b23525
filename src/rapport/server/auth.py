"""Who is asking: a signed session cookie (the web UI) or a bearer API token (scripts).

The session cookie holds the user name, when the session began, when it was last seen and
its CSRF token, signed with the server's secret key (itsdangerous). It expires after
`session_idle_seconds` without a request and `session_absolute_seconds` after sign-in, and
is HttpOnly, SameSite=Lax and Secure when the request came over HTTPS (behind a proxy, with
`--proxy-headers`). The user is read from the database on every request, so a disabled
user or a revoked token is refused at once.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import HTTPConnection
from starlette.responses import Response

from rapport.errors import NotFound
from rapport.server.context import ServerContext, context_of
from rapport.services.users import accounts, tokens
from rapport.services.users.accounts import Account

COOKIE = "rapport_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
REFRESH_AFTER = 300


@dataclass(frozen=True)
class Identity:
    account: Account
    via: str  # "session" or "token"
    csrf: str = ""


def _serializer(ctx: ServerContext) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.secret_key, salt="rapport.session")


def session_payload(ctx: ServerContext, value: str | None) -> dict[str, Any] | None:
    """The live session in a cookie's value, or None (bad signature, expired)."""
    if not value:
        return None
    try:
        payload = _serializer(ctx).loads(value)
    except BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    now = time.time()
    began, seen = float(payload.get("b", 0)), float(payload.get("s", 0))
    if now - began > ctx.session_absolute_seconds or now - seen > ctx.session_idle_seconds:
        return None
    return payload


def new_session(user_name: str) -> dict[str, Any]:
    now = time.time()
    return {"u": user_name, "b": now, "s": now, "x": secrets.token_urlsafe(24)}


def set_session_cookie(
    connection: HTTPConnection, response: Response, payload: dict[str, Any]
) -> None:
    ctx = context_of(connection)
    response.set_cookie(
        COOKIE,
        _serializer(ctx).dumps(payload),
        max_age=ctx.session_idle_seconds,
        httponly=True,
        samesite="lax",
        secure=connection.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")


def identify(connection: HTTPConnection) -> Identity | None:
    """The signed-in user of this request, by bearer token or session cookie; cached on
    the request."""
    cached = connection.scope.get("rapport.identity", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    identity = _identify(connection)
    connection.scope["rapport.identity"] = identity
    return identity


def _identify(connection: HTTPConnection) -> Identity | None:
    ctx = context_of(connection)
    header = connection.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        account = tokens.user_for_token(ctx.sessions, header[7:].strip())
        return Identity(account, "token") if account else None
    payload = session_payload(ctx, connection.cookies.get(COOKIE))
    if payload is None:
        return None
    try:
        account = accounts.get(ctx.sessions, str(payload["u"]))
    except NotFound:
        return None
    if account.disabled:
        return None
    if time.time() - float(payload["s"]) > REFRESH_AFTER:
        connection.scope["rapport.refresh_session"] = {**payload, "s": time.time()}
    return Identity(account, "session", csrf=str(payload.get("x", "")))


def csrf_ok(identity: Identity, supplied: str | None) -> bool:
    """Cookie-authenticated writes carry the session's CSRF token; token-authenticated
    ones need none (a script's bearer token is not sent by a browser on its own)."""
    if identity.via != "session":
        return True
    return bool(supplied) and secrets.compare_digest(str(supplied), identity.csrf)

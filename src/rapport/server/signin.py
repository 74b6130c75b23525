"""Signing in with a password, shared by the web form and `POST /api/login`: the failure
limit first, then the password check (audited by the service), then a new session."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

from rapport.errors import Forbidden
from rapport.server.auth import new_session
from rapport.server.context import context_of
from rapport.server.guard import TooManyAttempts
from rapport.services.users import accounts
from rapport.services.users.accounts import Account


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else ""


def sign_in(connection: HTTPConnection, name: str, password: str) -> tuple[Account, dict[str, Any]]:
    """The account and its new session payload, or Forbidden / TooManyAttempts."""
    ctx = context_of(connection)
    address = client_address(connection)
    wait = ctx.sign_in_limiter.retry_after(name, address)
    if wait:
        raise TooManyAttempts(wait)
    try:
        account = accounts.sign_in(ctx.sessions, name, password=password, address=address)
    except Forbidden:
        ctx.sign_in_limiter.failed(name, address)
        raise
    ctx.sign_in_limiter.succeeded(name)
    return account, new_session(account.name)

"""Sign in and out of the web UI (the form's fields: "User name", "Password", "Sign in")."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.errors import Forbidden
from rapport.server.auth import clear_session_cookie, set_session_cookie
from rapport.server.guard import TooManyAttempts, Who
from rapport.server.routers import web_router
from rapport.server.signin import sign_in
from rapport.web.i18n import N_
from rapport.web.render import page, told, translator

router = web_router()


def _local(target: str | None) -> str:
    """Only a path on this server is a place to return to after sign-in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return page(request, "login.html", next=_local(next), error=None)


@router.post("/login")
def login(
    request: Request,
    name: Annotated[str, Form(max_length=50)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        _account, payload = sign_in(request, name, password)
    except Forbidden as exc:
        return page(
            request, "login.html", 403, next=_local(next), error=told(request, exc), name=name
        )
    except TooManyAttempts as exc:
        error = translator(request)(TOO_MANY).format(seconds=exc.retry_after)
        response = page(request, "login.html", 429, next=_local(next), error=error, name=name)
        response.headers["retry-after"] = str(exc.retry_after)
        return response
    redirect = RedirectResponse(_local(next), status_code=303)
    set_session_cookie(request, redirect, payload)
    return redirect


TOO_MANY = N_("Too many failed sign-ins; try again in {seconds} seconds.")


@router.post("/logout")
def logout(who: Who) -> Response:
    del who
    response = RedirectResponse("/login", status_code=303)
    clear_session_cookie(response)
    return response

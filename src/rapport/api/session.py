"""Signing in and out over the API (a session cookie, as the web UI uses) and who am I.

Scripts use `Authorization: Bearer <token>` instead and need none of these.
"""

from __future__ import annotations

from fastapi import Request, Response
from pydantic import BaseModel, Field

from rapport.api.pages import RequestBody
from rapport.server.auth import clear_session_cookie, set_session_cookie
from rapport.server.guard import Who
from rapport.server.routers import api_router
from rapport.server.signin import sign_in

router = api_router(tags=["session"])


class Credentials(RequestBody):
    name: str = Field(min_length=1, max_length=50, examples=["jim"])
    password: str = Field(min_length=1, max_length=200, examples=["a long password"])


class Me(BaseModel):
    name: str
    full_name: str
    role: str
    salesperson_code: str
    language_code: str
    csrf_token: str | None = Field(
        default=None,
        description="Send it as X-CSRF-Token on writes made with the session cookie.",
    )


PROBLEMS = {
    403: {"description": "Wrong user name or password"},
    429: {"description": "Too many failed sign-ins; see Retry-After"},
}


@router.post(
    "/login",
    summary="Sign in with a password; sets the session cookie",
    response_model=Me,
    responses=PROBLEMS,  # type: ignore[arg-type]
)
def login(credentials: Credentials, request: Request, response: Response) -> Me:
    account, payload = sign_in(request, credentials.name, credentials.password)
    set_session_cookie(request, response, payload)
    return Me(
        name=account.name,
        full_name=account.full_name,
        role=account.role.value,
        salesperson_code=account.salesperson_code,
        language_code=account.language_code,
        csrf_token=str(payload["x"]),
    )


@router.post("/logout", summary="Sign out: the session cookie is cleared", status_code=204)
def logout(who: Who, response: Response) -> Response:
    del who
    clear_session_cookie(response)
    response.status_code = 204
    return response


@router.get("/me", summary="The signed-in user", response_model=Me)
def me(who: Who) -> Me:
    account = who.account
    return Me(
        name=account.name,
        full_name=account.full_name,
        role=account.role.value,
        salesperson_code=account.salesperson_code,
        language_code=account.language_code,
        csrf_token=who.csrf or None,
    )

"""Users and API tokens in the browser (SPEC §7, §10; admin): add a user, change a role,
disable a user, create a token (its secret shown once, on the page that created it) and
revoke one. A refusal (a name taken, the last admin) is shown on the page, nothing changed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.domain.enums import Role
from rapport.errors import RapportError
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.users import accounts, tokens
from rapport.web.addresses import EntryNo
from rapport.web.render import page, told_with_field

router = web_router()
Name = Annotated[str, Form(min_length=1, max_length=50)]


def _page(request: Request, ctx: Context, status_code: int = 200, **extra: Any) -> Response:
    return page(
        request,
        "admin/users.html",
        status_code=status_code,
        users=accounts.get_all(ctx.sessions),
        tokens=tokens.get_all(ctx.sessions),
        roles=[role.value for role in Role],
        done=request.query_params.get("done", ""),
        **extra,
    )


@router.get("/admin/users")
def users_page(request: Request, ctx: Context, who: Who) -> Response:
    del who
    return _page(request, ctx)


def _refused(request: Request, ctx: Context, exc: RapportError) -> Response:
    return _page(request, ctx, status_code=422, error=told_with_field(request, exc))


def _done(what: str) -> Response:
    return RedirectResponse(f"/admin/users?done={what}", status_code=303)


@router.post("/admin/users")
def add_user(
    request: Request,
    ctx: Context,
    who: Who,
    name: Name,
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=200)] = "",
    full_name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    try:
        accounts.add_user(
            ctx.sessions,
            name,
            role=role,
            full_name=full_name,
            password=password or None,
            by=who.account.name,
        )
    except RapportError as exc:
        return _refused(request, ctx, exc)
    return _done("added")


@router.post("/admin/users/{name}/role")
def set_role(
    request: Request,
    name: str,
    ctx: Context,
    who: Who,
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    try:
        accounts.set_role(ctx.sessions, name, role=role, by=who.account.name)
    except RapportError as exc:
        return _refused(request, ctx, exc)
    return _done("role")


@router.post("/admin/users/{name}/disable")
def disable(request: Request, name: str, ctx: Context, who: Who) -> Response:
    try:
        accounts.disable(ctx.sessions, name, by=who.account.name)
    except RapportError as exc:
        return _refused(request, ctx, exc)
    return _done("disabled")


@router.post("/admin/tokens")
def create_token(
    request: Request,
    ctx: Context,
    who: Who,
    user: Name,
    name: Annotated[str, Form(min_length=1, max_length=50)],
) -> Response:
    """The new token's secret is in this answer only (never stored, never in a URL)."""
    try:
        created = tokens.create_token(ctx.sessions, user, name=name, by=who.account.name)
    except RapportError as exc:
        return _refused(request, ctx, exc)
    response = _page(request, ctx, status_code=201, created=created)
    response.headers["cache-control"] = "no-store"
    return response


@router.post("/admin/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: EntryNo, ctx: Context, who: Who) -> Response:
    try:
        tokens.revoke(ctx.sessions, token_id, by=who.account.name)
    except RapportError as exc:
        return _refused(request, ctx, exc)
    return _done("revoked")

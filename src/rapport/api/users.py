"""Users, API tokens and the audit log over HTTP (admin only; SPEC §7, §10)."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import Query, Response
from pydantic import BaseModel, Field, StrictBool

from rapport.api.pages import Page, RequestBody, RowId, Timestamp
from rapport.domain.enums import Role
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.users import accounts, audit, tokens

router = api_router(tags=["users"])


class UserRead(BaseModel):
    name: str
    full_name: str
    role: str
    salesperson_code: str
    language_code: str
    disabled: bool
    has_password: bool
    created_at: Timestamp | None


class UserCreate(RequestBody):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,49}$", examples=["lina"])
    role: Role = Field(examples=["marketer"])
    full_name: str = Field(default="", max_length=80)
    salesperson_code: str = Field(default="", max_length=20)
    language_code: str = Field(default="", max_length=10)
    password: str | None = Field(default=None, min_length=8, max_length=200)


class UserUpdate(RequestBody):
    role: Role | None = None
    password: str | None = Field(default=None, min_length=8, max_length=200)
    disabled: StrictBool | None = Field(default=None, description="Only true: disable the user.")


class TokenCreate(RequestBody):
    user: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=50, examples=["nightly import"])


class TokenRead(BaseModel):
    id: int
    name: str
    user: str
    created_at: Timestamp
    last_used_at: Timestamp | None
    revoked: bool


class NewToken(BaseModel):
    id: int
    name: str
    user: str
    token: str = Field(description="Shown once; store it now.")


class AuditRead(BaseModel):
    id: int
    at: Timestamp
    user_name: str
    action: str
    subject: str
    detail: str
    address: str


def _fields(result: Any) -> dict[str, Any]:
    return dataclasses.asdict(result)


@router.get("/users", summary="Every user", response_model=Page[UserRead])
def list_users(ctx: Context) -> Page[UserRead]:
    return Page(items=[UserRead(**_fields(a)) for a in accounts.get_all(ctx.sessions)])


@router.post("/users", summary="Add a user", status_code=201, response_model=UserRead)
def add_user(body: UserCreate, ctx: Context, who: Who) -> UserRead:
    account = accounts.add_user(ctx.sessions, by=who.account.name, **body.model_dump(mode="json"))
    return UserRead(**_fields(account))


@router.get("/users/{name}", summary="One user", response_model=UserRead)
def get_user(name: str, ctx: Context) -> UserRead:
    return UserRead(**_fields(accounts.get(ctx.sessions, name)))


@router.patch("/users/{name}", summary="Change a user's role or password, or disable them")
def update_user(name: str, body: UserUpdate, ctx: Context, who: Who) -> UserRead:
    by = who.account.name
    account = accounts.get(ctx.sessions, name)
    if body.role is not None:
        account = accounts.set_role(ctx.sessions, name, role=body.role.value, by=by)
    if body.password is not None:
        account = accounts.set_password(ctx.sessions, name, password=body.password, by=by)
    if body.disabled:
        account = accounts.disable(ctx.sessions, name, by=by)
    return UserRead(**_fields(account))


@router.get("/tokens", summary="Every API token (never their text)", response_model=Page[TokenRead])
def list_tokens(ctx: Context, user: str | None = None) -> Page[TokenRead]:
    return Page(items=[TokenRead(**_fields(t)) for t in tokens.get_all(ctx.sessions, user=user)])


@router.post("/tokens", summary="Create an API token", status_code=201, response_model=NewToken)
def create_token(body: TokenCreate, ctx: Context, who: Who) -> NewToken:
    made = tokens.create_token(ctx.sessions, body.user, name=body.name, by=who.account.name)
    return NewToken(**_fields(made))


@router.delete("/tokens/{token_id}", summary="Revoke an API token", status_code=204)
def revoke_token(token_id: RowId, ctx: Context, who: Who) -> Response:
    tokens.revoke(ctx.sessions, token_id, by=who.account.name)
    return Response(status_code=204)


@router.get("/audit", summary="The audit log, newest first", response_model=Page[AuditRead])
def list_audit(
    ctx: Context,
    limit: int = Query(default=100, ge=1, le=1000),
    before: int | None = Query(default=None, ge=1),
) -> Page[AuditRead]:
    rows = audit.get_all(ctx.sessions, limit=limit, before=before)
    following = f"/api/audit?limit={limit}&before={rows[-1].id}" if len(rows) == limit else None
    return Page(items=[AuditRead(**_fields(r)) for r in rows], next=following)

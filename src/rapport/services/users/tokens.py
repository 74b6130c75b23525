"""API tokens (SPEC §7): a bearer token for scripts, shown once and stored as its SHA-256.

A token acts with its user's role; revoking it, or disabling its user, refuses it from the
next request on. Each use records its last-used time (at most once a minute, so reads stay
cheap).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from rapport.domain.codes import may_name_a_row
from rapport.errors import N_, NotFound
from rapport.services.users import audit
from rapport.services.users.accounts import ACCOUNT_COLUMNS, Account, _user, account_of
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import ApiToken, User, table_of

PREFIX = "rap_"


@dataclass(frozen=True)
class TokenRead:
    id: int
    name: str
    user: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool


@dataclass(frozen=True)
class NewToken:
    id: int
    name: str
    user: str
    token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(sessions: Sessions, user: str, *, name: str, by: str) -> NewToken:
    """A new token for `user`; the only time its text is known is in this result. A user
    who is not there is NotFound naming the input `user`."""
    token = PREFIX + secrets.token_urlsafe(32)
    with sessions.begin() as session:
        owner = _user(session, user, field="user")
        row = ApiToken(
            user_name=owner.name,
            name=name.strip()[:50],
            token_hash=_digest(token),
            created_at=audit.utcnow(),
        )
        session.add(row)
        session.flush()
        audit.record(
            session, user_name=by, action="token.created", subject=owner.name, detail=row.name
        )
        return NewToken(id=row.id, name=row.name, user=owner.name, token=token)


def get_all(sessions: Sessions, *, user: str | None = None) -> list[TokenRead]:
    """Every token, or those of `user` (NotFound naming the input `user` when there is no
    such user)."""
    query = select(ApiToken).order_by(ApiToken.id)
    with reading(sessions) as session:
        if user is not None:
            query = query.where(ApiToken.user_name == _user(session, user, field="user").name)
        return [
            TokenRead(
                id=row.id,
                name=row.name,
                user=row.user_name,
                created_at=row.created_at,
                last_used_at=row.last_used_at,
                revoked=row.revoked_at is not None,
            )
            for row in session.scalars(query)
        ]


def revoke(sessions: Sessions, token_id: int, *, by: str) -> None:
    """Revoke a token: it is refused from the next request on."""
    with sessions.begin() as session:
        row = session.get(ApiToken, token_id) if may_name_a_row(token_id) else None
        if row is None:
            raise NotFound(N_("there is no token {token_id}", token_id=token_id))
        if row.revoked_at is None:
            row.revoked_at = audit.utcnow()
            audit.record(
                session,
                user_name=by,
                action="token.revoked",
                subject=row.user_name,
                detail=f"{row.id} {row.name}",
            )


_tokens, _users = table_of(ApiToken), table_of(User)
# Built once: it runs on every API request, and a statement built anew costs more to
# build than SQLite takes to answer it.
_LIVE_TOKEN = (
    select(_tokens.c.id, _tokens.c.last_used_at, *(_users.c[name] for name in ACCOUNT_COLUMNS))
    .join(_users, _users.c.name == _tokens.c.user_name)
    .where(_tokens.c.token_hash == bindparam("digest"), _tokens.c.revoked_at.is_(None))
)


def user_for_token(sessions: Sessions, token: str) -> Account | None:
    """The enabled user a live token belongs to, or None."""
    with reading(sessions) as session:
        found = session.execute(_LIVE_TOKEN, {"digest": _digest(token)}).first()
    if found is None or found.disabled:
        return None
    account = account_of(found._mapping)
    if found.last_used_at is None or audit.utcnow() - found.last_used_at > dt.timedelta(minutes=1):
        with sessions.begin() as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == found.id).values(last_used_at=audit.utcnow())
            )
    return account

"""User accounts: add, change password or role, disable, sign in (SPEC §7, §10).

A user has a role (viewer, marketer, admin) and may have a salesperson, whose code gives a
new segment its default salesperson (S1), and a language for the web UI. A user without a
password signs in with API tokens only. Every change of a role or a password, every
disabling and every sign-in (and failed attempt) is written to the audit log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rapport.domain.enums import Role
from rapport.domain.passwords import hash_password, needs_rehash, verify_password
from rapport.errors import CODE_FIELD, N_, Conflict, Forbidden, Invalid, NotFound, does_not_exist
from rapport.services.users import audit
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import Language, Salesperson, User

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,49}")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Account:
    name: str
    full_name: str
    role: Role
    salesperson_code: str
    language_code: str
    disabled: bool
    has_password: bool
    created_at: dt.datetime | None


def _read(user: User) -> Account:
    return account_of({name: getattr(user, name) for name in ACCOUNT_COLUMNS})


ACCOUNT_COLUMNS = (
    "name",
    "full_name",
    "role",
    "salesperson_code",
    "password_hash",
    "language_code",
    "disabled",
    "created_at",
)


def account_of(row: Mapping[Any, Any]) -> Account:
    """The account of a users row (its ACCOUNT_COLUMNS)."""
    return Account(
        name=row["name"],
        full_name=row["full_name"],
        role=Role(row["role"]),
        salesperson_code=row["salesperson_code"],
        language_code=row["language_code"],
        disabled=row["disabled"],
        has_password=bool(row["password_hash"]),
        created_at=row["created_at"],
    )


def find(session: Session, name: str) -> User | None:
    """The user named `name`, compared case-insensitively."""
    query = select(User).where(func.lower(User.name) == name.strip().lower())
    return session.scalars(query).first()


def _user(session: Session, name: str, *, field: str | None = None) -> User:
    """The user `name`, or NotFound; `field` names the input that named them when the
    caller acts on something else (a token for them)."""
    user = find(session, name)
    if user is None:
        raise NotFound(N_("there is no user {name!r}", name=name), field=field)
    return user


def role_of(text: str) -> Role:
    """The role named `text`, or a clear error listing the roles."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        roles = ", ".join(role.value for role in Role)
        raise Invalid(
            N_("{text!r} is not a role (one of {roles})", text=text, roles=roles), where="role"
        ) from None


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise Invalid(
            N_("a password needs at least {minimum} characters", minimum=MIN_PASSWORD),
            where="password",
        )
    return hash_password(password)


def _check_code(session: Session, table: type[Salesperson] | type[Language], code: str) -> str:
    """The code trimmed and upper-cased; a non-blank one must name a record of `table`
    (NotFound naming the input: `salesperson_code` or `language_code`)."""
    code = code.strip().upper()
    if code and session.get(table, code) is None:
        if table is Salesperson:
            raise does_not_exist(
                N_("Salesperson/Purchaser"), (CODE_FIELD, code), field="salesperson_code"
            )
        raise does_not_exist(N_("Language"), (CODE_FIELD, code), field="language_code")
    return code


def add_user(
    sessions: Sessions,
    name: str,
    *,
    role: str,
    full_name: str = "",
    salesperson_code: str = "",
    language_code: str = "",
    password: str | None = None,
    by: str,
) -> Account:
    """Add a user who may sign in (with a password) or use API tokens (without one)."""
    name = name.strip()
    if not NAME.fullmatch(name):
        raise Invalid(
            N_(
                "{name!r} is not a user name (letters, digits, '.', '_', '@', '-'; 50 at most)",
                name=name,
            ),
            where="name",
        )
    checked_role = role_of(role)
    password_hash = _hash(password) if password is not None else ""
    with sessions.begin() as session:
        if find(session, name) is not None:
            raise Conflict(N_("there is already a user {name!r}", name=name))
        user = User(
            name=name,
            full_name=full_name.strip()[:80],
            role=checked_role.value,
            salesperson_code=_check_code(session, Salesperson, salesperson_code),
            language_code=_check_code(session, Language, language_code),
            password_hash=password_hash,
            disabled=False,
            created_at=audit.utcnow(),
        )
        session.add(user)
        audit.record(session, user_name=by, action="user.added", subject=name, detail=role)
        session.flush()
        return _read(user)


def set_password(sessions: Sessions, name: str, *, password: str, by: str) -> Account:
    """Give a user a new password (argon2id)."""
    password_hash = _hash(password)
    with sessions.begin() as session:
        user = _user(session, name)
        user.password_hash = password_hash
        audit.record(session, user_name=by, action="user.password_set", subject=user.name)
        return _read(user)


def set_role(sessions: Sessions, name: str, *, role: str, by: str) -> Account:
    """Change a user's role; the last active admin keeps theirs."""
    new_role = role_of(role)
    with sessions.begin() as session:
        user = _user(session, name)
        if user.role == Role.ADMIN and new_role != Role.ADMIN:
            _keep_an_admin(session, user)
        detail = f"{user.role} → {new_role.value}"
        user.role = new_role.value
        audit.record(
            session, user_name=by, action="user.role_set", subject=user.name, detail=detail
        )
        return _read(user)


def disable(sessions: Sessions, name: str, *, by: str) -> Account:
    """Disable a user: their sessions and tokens are refused from the next request on."""
    with sessions.begin() as session:
        user = _user(session, name)
        if user.role == Role.ADMIN:
            _keep_an_admin(session, user)
        user.disabled = True
        audit.record(session, user_name=by, action="user.disabled", subject=user.name)
        return _read(user)


def _keep_an_admin(session: Session, user: User) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.disabled.is_(False), User.name != user.name)
    )
    if not others:
        raise Conflict(N_("{name} is the last active admin", name=user.name))


def get(sessions: Sessions, name: str) -> Account:
    with reading(sessions) as session:
        return _read(_user(session, name))


def get_all(sessions: Sessions) -> list[Account]:
    with reading(sessions) as session:
        return [_read(user) for user in session.scalars(select(User).order_by(User.name))]


def count_admins(sessions: Sessions) -> int:
    """How many enabled admins can sign in (with a password or a token)."""
    query = (
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN.value, User.disabled.is_(False))
    )
    with reading(sessions) as session:
        return int(session.scalar(query) or 0)


def sign_in(sessions: Sessions, name: str, *, password: str, address: str = "") -> Account:
    """Check a user's password; every attempt is audited. The message never says which of
    the name or the password was wrong."""
    with sessions.begin() as session:
        user = find(session, name)
        account = _verified(user, password)
        if account is not None:
            audit.record(session, user_name=account.name, action="sign_in", address=address)
            return account
    with sessions.begin() as session:
        audit.record(
            session, user_name=name[:50], action="sign_in.failed", subject=name, address=address
        )
    raise Forbidden(N_("the user name or the password is wrong"))


def _verified(user: User | None, password: str) -> Account | None:
    if user is None or user.disabled or not user.password_hash:
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return _read(user)

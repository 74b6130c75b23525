"""The audit log: sign-ins, role and token changes, consent changes (SPEC §10), each entry
written in the transaction of the change it records (`record`; a set-based change's
entries by one statement, `record_selected`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import DateTime, Select, case, func, insert, literal, select, true
from sqlalchemy.orm import Session

from rapport.storage.db import Sessions, reading
from rapport.storage.tables import AuditEntry


@dataclass(frozen=True)
class AuditRead:
    id: int
    at: dt.datetime
    user_name: str
    action: str
    subject: str
    detail: str
    address: str


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def record(
    session: Session,
    *,
    user_name: str,
    action: str,
    subject: str = "",
    detail: str = "",
    address: str = "",
) -> None:
    """Write one audit entry inside the caller's transaction, so it exists exactly when the
    change it records does."""
    session.execute(
        insert(AuditEntry).values(
            at=utcnow(),
            user_name=user_name[:50],
            action=action[:50],
            subject=subject[:100],
            detail=detail[:250],
            address=address[:64],
        )
    )


def record_selected(session: Session, entries: Select[tuple[str, str]], *, user_name: str) -> None:
    """Write one audit entry for each row of `entries` (its action and its subject, in that
    order) inside the caller's transaction, by one INSERT … SELECT: a set-based change is
    audited by one statement, not one per row, and its entries exist exactly when it does."""
    chosen = entries.subquery()
    action, subject = chosen.c
    session.execute(
        insert(AuditEntry).from_select(
            ["at", "user_name", "action", "subject", "detail", "address"],
            select(
                literal(utcnow(), DateTime()),
                literal(user_name[:50]),
                func.substr(action, 1, 50),
                func.substr(subject, 1, 100),
                literal(""),
                literal(""),
            ),
        )
    )


# The actions of a contact's privacy block set and lifted (X7: consent).
PRIVACY_BLOCKED, PRIVACY_UNBLOCKED = "consent.privacy_blocked", "consent.privacy_unblocked"


def privacy_action(blocked: bool) -> str:
    """X7: the action of a contact's privacy block changed to `blocked`."""
    return PRIVACY_BLOCKED if blocked else PRIVACY_UNBLOCKED


def record_privacy_changes(
    session: Session, changes: Select[tuple[str, bool]], *, user_name: str
) -> None:
    """X7: audit the privacy blocks a set-based write (an import with update) is about to
    change, inside its transaction and before it writes them, in one INSERT … SELECT:
    `changes` selects each such contact's no. and its new block."""
    changed = changes.subquery()
    no, blocked = changed.c
    action = case((blocked == true(), PRIVACY_BLOCKED), else_=PRIVACY_UNBLOCKED)
    record_selected(session, select(action, no).order_by(no), user_name=user_name)


def get_all(sessions: Sessions, *, limit: int = 100, before: int | None = None) -> list[AuditRead]:
    """The newest audit entries first; `before` pages on by entry id."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    with reading(sessions) as session:
        return [_read(row) for row in session.scalars(query)]


def _read(row: AuditEntry) -> AuditRead:
    return AuditRead(
        id=row.id,
        at=row.at,
        user_name=row.user_name,
        action=row.action,
        subject=row.subject,
        detail=row.detail,
        address=row.address,
    )


def iter_all(sessions: Sessions) -> Iterator[AuditRead]:
    """Every audit entry, newest first, page by page (flat memory)."""
    before: int | None = None
    while True:
        page = get_all(sessions, limit=500, before=before)
        yield from page
        if len(page) < 500:
            return
        before = page[-1].id

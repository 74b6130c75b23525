"""The audit log: sign-ins, role and token changes, consent changes (SPEC §10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import insert, select
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

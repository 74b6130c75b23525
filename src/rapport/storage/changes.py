"""The change sequence of contacts (X4): read it, up to a watermark, and prune it.

Database triggers (migration 0007) append one row per change to a contact or to a row the
criteria read through a contact (relations, profile answers and their answer texts, opt-outs,
interactions), so the CLI, the API, imports, merges and ratings all mark what they change
without knowing it. The dynamic-segment refresh and any other reader that keeps a result
in step with the contacts (a cached preview) reads the contacts marked after its last
watermark. Nothing is recorded while no segment is dynamic.

The watermark must not pass a change that is not yet visible: SQLite serializes writers
(`BEGIN IMMEDIATE`), and on PostgreSQL `watermark` first takes a SHARE lock on the log,
which waits for every transaction that has appended to it and holds new appends until the
reader commits, so the rows up to the watermark are exactly the committed ones.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, func, insert, select, text
from sqlalchemy.orm import Session

from rapport.storage.db import is_postgresql
from rapport.storage.tables import ContactChange, table_of

contact_changes = table_of(ContactChange)


def watermark(session: Session) -> int:
    """The last change committed and visible to this transaction, others' appends held off
    until it ends (PostgreSQL; SQLite's write lock does it already)."""
    if is_postgresql(session):
        session.execute(text("LOCK TABLE contact_changes IN SHARE MODE"))
    return int(session.scalar(select(func.max(contact_changes.c.seq))) or 0)


def changed_since(after: int, upto: int) -> Select[Any]:
    """The ids of the contacts marked after change `after`, up to `upto` (may repeat)."""
    return select(contact_changes.c.contact_id.label("id")).where(
        contact_changes.c.seq > after, contact_changes.c.seq <= upto
    )


def mark(session: Session, contact_ids: Select[Any]) -> None:
    """Mark contacts changed by hand, for a change no trigger sees (a contact taken off a
    dynamic segment's exceptions)."""
    session.execute(insert(contact_changes).from_select(["contact_id"], contact_ids))


def prune(session: Session, *, upto: int) -> int:
    """Drop the changes every reader has read (`upto`: the lowest watermark kept)."""
    result = session.execute(
        delete(contact_changes).where(contact_changes.c.seq <= upto),
        execution_options={"preserve_rowcount": True},
    )
    return int(getattr(result, "rowcount", 0) or 0)

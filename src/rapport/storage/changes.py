"""The change sequence of contacts (X4): read it, up to a watermark, and prune it.

Database triggers (migration 0007) append one row per change to a contact or to a row the
criteria read through a contact (relations, profile answers and their answer texts,
opt-outs, interactions), so the CLI, the API, imports, merges and ratings all mark what they
change without knowing it; a bulk insert on SQLite, whose triggers run once per row, sets
the insert triggers aside and marks its contacts by one statement (`marked_after`). The
dynamic-segment refresh and any other reader that keeps a result in step with the contacts
(a cached preview) reads the contacts marked after its last watermark. Nothing is recorded
while no segment is dynamic and no reader is registered (`change_readers`, migration 0010):
a reader registers before it reads its base state, moves its watermark on as it reads, and a
reader not seen for `STALE_AFTER` is dropped so the log cannot grow forever (it finds itself
gone and reads its base state again).

The watermark must not pass a change that is not yet visible: SQLite serializes writers
(`BEGIN IMMEDIATE`), and on PostgreSQL `watermark` first takes a SHARE lock on the log,
which waits for every transaction that has appended to it and holds new appends until the
reader commits, so the rows up to the watermark are exactly the committed ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Select, Table, column, delete, func, insert, or_, select, text, true, update
from sqlalchemy import table as table_clause
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from rapport.storage.db import is_postgresql
from rapport.storage.schema import segment_headers
from rapport.storage.tables import ChangeReader, ContactChange, table_of

contact_changes = table_of(ContactChange)
change_readers = table_of(ChangeReader)
STALE_AFTER = dt.timedelta(hours=6)  # a reader not seen for this long is dropped


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def watermark(session: Session) -> int:
    """The last change committed and visible to this transaction, others' appends held off
    until it ends (PostgreSQL; SQLite's write lock does it already)."""
    if is_postgresql(session):
        session.execute(text("LOCK TABLE contact_changes IN SHARE MODE"))
    return int(session.scalar(select(func.max(contact_changes.c.seq))) or 0)


def watermark_now(session: Session) -> int | None:
    """`watermark` without waiting: None while a writer holds appends to the log open on
    PostgreSQL (a reader that must answer at once hands the question over instead)."""
    if not is_postgresql(session):
        return watermark(session)
    try:
        with session.begin_nested():
            session.execute(text("LOCK TABLE contact_changes IN SHARE MODE NOWAIT"))
    except OperationalError:
        return None
    return int(session.scalar(select(func.max(contact_changes.c.seq))) or 0)


def changed_since(after: int, upto: int) -> Select[Any]:
    """The ids of the contacts marked after change `after`, up to `upto` (may repeat)."""
    return select(contact_changes.c.contact_id.label("id")).where(
        contact_changes.c.seq > after, contact_changes.c.seq <= upto
    )


def mark(session: Session, contact_ids: Select[Any]) -> None:
    """Mark contacts changed by hand: for a change no trigger sees (a contact taken off a
    dynamic segment's exceptions), or the contacts of a bulk insert (`marked_after`)."""
    session.execute(insert(contact_changes).from_select(["contact_id"], contact_ids))


def recording(session: Session) -> bool:
    """Whether changes are recorded now: the triggers' guard (a segment is dynamic, or a
    reader is registered)."""
    dynamic = select(segment_headers.c.id).where(segment_headers.c.dynamic == true()).exists()
    return bool(session.scalar(select(or_(dynamic, select(change_readers.c.id).exists()))))


_sqlite_schema = table_clause("sqlite_master", column("type"), column("name"), column("sql"))


@contextmanager
def marked_after(
    session: Session, tables: Sequence[Table], contacts: Select[Any]
) -> Iterator[None]:
    """A bulk insert into `tables` (a first load of contacts, synthetic contacts) whose rows
    all belong to the contacts `contacts` selects (their ids). SQLite runs a row trigger's
    program for every row, even when its guard then records nothing (1.5–2 s of a million
    contacts imported): there the tables' insert triggers are dropped for the block, the
    contacts marked after it by one statement if changes are being recorded (`recording`),
    and the triggers created again from their own SQL, all in the caller's transaction.
    PostgreSQL's triggers run once per statement: nothing changes there."""
    if is_postgresql(session):
        yield
        return
    names = [f"{table.name}_mark_insert" for table in tables]
    found = session.execute(
        select(_sqlite_schema.c.name, _sqlite_schema.c.sql).where(
            _sqlite_schema.c.type == "trigger", _sqlite_schema.c.name.in_(names)
        )
    ).all()
    connection = session.connection()
    quote = connection.dialect.identifier_preparer.quote
    for name, _sql in found:
        connection.exec_driver_sql(f"DROP TRIGGER {quote(name)}")
    yield
    if found and recording(session):
        mark(session, contacts)
    for _name, sql in found:
        connection.exec_driver_sql(sql)


def register_reader(session: Session) -> int:
    """Register a reader (its id); the triggers record from the commit of this transaction
    on. The caller reads its base state in a later transaction, from `watermark`."""
    result = session.execute(insert(change_readers).values(watermark=0, seen_at=_now()))
    return int(result.inserted_primary_key[0])  # type: ignore[attr-defined]


def reader_seen(session: Session, reader: int, *, upto: int) -> bool:
    """The reader has read the changes up to `upto` (and is alive); False when its
    registration is gone (dropped as stale): it must read its base state again."""
    result = session.execute(
        update(change_readers)
        .where(change_readers.c.id == reader)
        .values(watermark=upto, seen_at=_now()),
        execution_options={"preserve_rowcount": True},
    )
    return bool(getattr(result, "rowcount", 0))


def reader_registered(session: Session, reader: int) -> bool:
    return (
        session.scalar(select(change_readers.c.id).where(change_readers.c.id == reader)) is not None
    )


def unregister_reader(session: Session, reader: int) -> None:
    session.execute(delete(change_readers).where(change_readers.c.id == reader))


def readers_low(session: Session) -> int | None:
    """The lowest watermark of the live readers (stale ones dropped first), or None."""
    session.execute(delete(change_readers).where(change_readers.c.seen_at < _now() - STALE_AFTER))
    low = session.scalar(select(func.min(change_readers.c.watermark)))
    return None if low is None else int(low)


def prune(session: Session, *, upto: int) -> int:
    """Drop the changes every reader has read (`upto`: the lowest watermark kept by the
    caller's readers; a registered change reader's watermark lowers it)."""
    low = readers_low(session)
    if low is not None:
        upto = min(upto, low)
    result = session.execute(
        delete(contact_changes).where(contact_changes.c.seq <= upto),
        execution_options={"preserve_rowcount": True},
    )
    return int(getattr(result, "rowcount", 0) or 0)

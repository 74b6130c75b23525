"""Bulk loads that fill tables mostly anew: the first load of an import of contacts (K4)
and the synthetic contacts of `rapport demo --contacts N` (SPEC §9's workload).

Their tables' secondary indexes are dropped before the rows go in and built again after:
one sorted build each, instead of an insert at a random place of every index for every
row. On PostgreSQL their foreign keys are dropped too and added again after, which checks
every row in one join instead of one locking look-up per row. All of it happens in the
load's own transaction, so nothing else sees the tables without them (PostgreSQL's DDL
locks each table until the commit; SQLite's readers keep their snapshot), and a load that
fails leaves them as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Index, Table, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import AddConstraint, DropConstraint, ForeignKeyConstraint

from rapport.storage.db import is_postgresql

# PostgreSQL's sort memory for the index builds of a bulk load (its transaction only).
BUILD_MEMORY = "256MB"


@contextmanager
def built_after(
    session: Session, tables: Sequence[Table], *, before_build: Callable[[], object] | None = None
) -> Iterator[None]:
    """The block loads `tables`; their secondary indexes (and on PostgreSQL their foreign
    keys) are built after it, `before_build` called first (an import reports its phase).

    Unique indexes stay: they refuse a repeated key as the rows go in. On SQLite, whose
    foreign keys cannot be dropped, so does an index led by a foreign key column: SQLite
    looks a row's dependents up through it when the row comes in after one that refers to
    it in the same statement (a person before its company in an imported file)."""
    postgresql = is_postgresql(session)
    keys = [key for table in tables for key in _foreign_keys(table)] if postgresql else []
    deferred = [
        index
        for table in tables
        for index in sorted(table.indexes, key=lambda ix: str(ix.name))
        if not index.unique and (postgresql or not _led_by_a_foreign_key(index))
    ]
    connection = session.connection()
    for key in keys:
        connection.execute(DropConstraint(key))
    for index in deferred:
        index.drop(connection)
    yield
    if before_build is not None:
        before_build()
    if postgresql:
        connection.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
    for index in deferred:
        index.create(connection)
    for key in keys:
        connection.execute(AddConstraint(key))


def _foreign_keys(table: Table) -> list[ForeignKeyConstraint]:
    return sorted(
        (c for c in table.constraints if isinstance(c, ForeignKeyConstraint)),
        key=lambda c: str(c.name),
    )


def _led_by_a_foreign_key(index: Index) -> bool:
    return bool(next(iter(index.columns)).foreign_keys)

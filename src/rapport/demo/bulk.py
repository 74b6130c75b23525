"""Bulk-load helpers shared by the demo company and the synthetic generator.

Rows are written with SQLAlchemy Core `insert()` and lists of dicts (one executemany per
table), inside the caller's transaction. Ids are assigned by the loaders, so on PostgreSQL
the serial sequences are moved past them afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from rapport.storage import tables as t
from rapport.storage.db import is_postgresql

TABLES: dict[str, Table] = {str(table.name): table for table in t.Base.metadata.sorted_tables}

# Tables whose integer key is a serial the loaders fill in themselves.
SERIAL_KEYS = ((TABLES["contacts"], "id"), (TABLES["attachments"], "no"))


def insert_rows(session: Session, table_name: str, rows: Sequence[dict[str, Any]]) -> None:
    """One executemany of `rows` into `table_name` (nothing when there are no rows);
    each row with the casefolded copies of its text fields (schema.FOLDS)."""
    if table_name in t.FOLDS:
        rows = [row | t.folded(row, table_name) for row in rows]
    if rows:
        session.execute(insert(TABLES[table_name]), list(rows))


def sync_sequences(session: Session) -> None:
    """Move PostgreSQL's serial sequences past the ids the loader assigned."""
    if not is_postgresql(session):
        return
    for table, column_name in SERIAL_KEYS:
        column = table.c[column_name]
        sequence = func.pg_get_serial_sequence(table.name, column_name)
        highest = select(func.max(column)).scalar_subquery()
        session.execute(select(func.setval(sequence, highest)))


def max_value(session: Session, column: Any) -> int:
    """The highest value of an integer column (0 for an empty table)."""
    return int(session.execute(select(func.coalesce(func.max(column), 0))).scalar_one())

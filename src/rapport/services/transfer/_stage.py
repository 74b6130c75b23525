"""Appending converted chunks to an import's staging table with the driver's bulk path
(K4): executemany on SQLite, COPY on PostgreSQL.

A chunk arrives as columns (the lines, then one list per staged column). For COPY the
chunk is written as one block of PostgreSQL's text format, built column by column with
C-level `map`, `join` and `translate` calls: a text column none of whose cells holds a
backslash, tab or line break (the common case, tested once on the joined column) goes in
as it is, and rows are joined with `"\t".join` over the zipped columns, so no Python code
runs per cell or per row. Blank values are NULL (`\\N`), booleans `t`/`f`, and any other
value its `str()` (ISO dates and times, decimals, whole numbers), which PostgreSQL reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from rapport.storage.db import is_postgresql

Columns = list[Sequence[Any]]
NULL = "\\N"
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
SPECIAL = ("\\", "\t", "\n", "\r")


def writer(session: Session, staging: Table, names: list[str]) -> Callable[[Columns], None]:
    """A function that appends a chunk (as columns: the lines, then `names`) to the staging
    table."""
    driver = session.connection().connection.driver_connection
    keys = ["line", *names]
    if is_postgresql(session):
        from psycopg import sql

        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(staging.name), sql.SQL(", ").join(map(sql.Identifier, keys))
        )

        def copy_chunk(columns: Columns) -> None:
            if columns and columns[0]:
                with driver.cursor() as cursor, cursor.copy(copy) as stream:  # type: ignore[union-attr]
                    stream.write(copy_text(columns))

        return copy_chunk
    statement = str(staging.insert().compile(dialect=session.get_bind().dialect, column_keys=keys))

    def insert_chunk(columns: Columns) -> None:
        if columns and columns[0]:
            driver.cursor().executemany(statement, zip(*columns, strict=True))  # type: ignore[union-attr]

    return insert_chunk


def discard(session: Session, staging: Table) -> None:
    """The staging table goes: on SQLite with its connection, closed after the commit
    instead of going back to the pool (dropping a temporary table frees its pages one by
    one: a second at a million rows; closing the connection deletes its temporary file)."""
    if is_postgresql(session):
        staging.drop(session.connection())
    else:
        session.connection().detach()


def copy_text(columns: Columns) -> str:
    """The rows of a chunk given as columns, in COPY's text format (one line a row)."""
    texts = [_column_text(values) for values in columns]
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def _column_text(values: Sequence[Any]) -> Sequence[str]:
    """One column's cells as COPY text: escaped only when some text cell needs it, and
    converted cell by cell only when it holds other values than text."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return [v.translate(ESCAPES) for v in values] if _special(values) else values
    if str in kinds and _special([v for v in values if type(v) is str]):
        values = [v.translate(ESCAPES) if type(v) is str else v for v in values]
    if kinds <= {bool, type(None)}:
        return list(map(FLAGS.__getitem__, values))
    if not kinds & {str, bool, type(None)}:  # whole numbers, dates, decimals, times
        return list(map(str, values))
    return list(map(_text, values))


FLAGS: dict[Any, str] = {True: "t", False: "f", None: NULL}


def _special(texts: Sequence[str]) -> bool:
    joined = "".join(texts)
    return any(char in joined for char in SPECIAL)


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None or type(value) is bool:
        return FLAGS[value]
    return str(value)

"""Appending converted chunks to a table with the driver's bulk path (K4): executemany on
SQLite, COPY on PostgreSQL; into an import's staging table, or into `contacts` on a first
load (`_direct`).

A chunk arrives as columns (one list per column written). For COPY the chunk is written as
one block of PostgreSQL's text format, built column by column with C-level `map`, `join`
and `translate` calls: a text column none of whose cells holds a backslash, tab or line
break (the common case, tested once on the joined column) goes in as it is, and rows are
joined with `"\t".join` over the zipped columns, so no Python code runs per cell or per row.
Blank values are NULL (`\\N`), booleans `t`/`f`, and any other value its `str()` (ISO dates
and times, decimals, whole numbers), which PostgreSQL reads.

A chunk read by Arrow (`_arrow`) comes prepared, as CSV bytes for `COPY … (FORMAT csv)`.

On PostgreSQL a worker thread sends each chunk while the caller reads and converts the
next (`Writer`), so that the server's work overlaps the client's (at a million contacts
the reading phase took 6.7 s instead of 8.4 s); at most one chunk waits for the worker, so
memory stays within three chunks, and `settle` waits for the worker before the caller uses
the connection itself. On SQLite each chunk is written when given: its executemany binds
every value holding Python's lock, and a worker made the same reading 12.0 → 15.7 s.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Table, column
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session

from rapport.storage.db import is_postgresql

Columns = list[Sequence[Any]]
Write = Callable[[Columns], None]
NULL = "\\N"
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
SPECIAL = ("\\", "\t", "\n", "\r")


class Writer:
    """Writes the chunks given to it in a worker thread, one at a time, in order; the
    worker's error is raised at the next chunk, at `settle` or at the end. Without a
    worker (`behind=False`) each chunk is written when given."""

    def __init__(
        self, send: Callable[[Any], object], prepare: Callable[[Columns], Any], *, behind: bool
    ) -> None:
        self._send, self._prepare = send, prepare
        self._chunks: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._failed: list[BaseException] = []
        self._worker = threading.Thread(target=self._work, name="import-writer", daemon=True)
        if behind:
            self._worker.start()

    def __call__(self, columns: Columns) -> None:
        if columns and columns[0]:
            self.put(self._prepare(columns))

    def put(self, prepared: Any) -> None:
        """Write a chunk already prepared (COPY text, or `bytes` of CSV)."""
        if not self._worker.is_alive():
            self._send(prepared)
            return
        self._raise()
        self._chunks.put(prepared)

    def settle(self) -> None:
        """Wait until every chunk given is written, so that the connection is free."""
        self._chunks.join()
        self._raise()

    def _work(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            try:
                if not self._failed:
                    self._send(chunk)
            except BaseException as exc:  # handed to the caller
                self._failed.append(exc)
            finally:
                self._chunks.task_done()
        self._chunks.task_done()

    def _raise(self) -> None:
        if self._failed:
            raise self._failed[0]

    def close(self, *, stopped: bool) -> None:
        """Let the worker write what it was given (none of it when `stopped`) and end."""
        if not self._worker.is_alive():
            return
        if stopped:
            self._failed.append(RuntimeError("the import stopped"))
        self._chunks.put(None)
        self._worker.join()
        if not stopped:
            self._raise()


@contextmanager
def writer(session: Session, table: Table, keys: list[str]) -> Iterator[Writer]:
    """A `Writer` that appends chunks (as columns, one for each of `keys`) to `table`; the
    rows are all in the table once the block has ended."""
    driver: Any = session.connection().connection.driver_connection
    if is_postgresql(session):
        from psycopg import sql

        into = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, keys))
        )
        as_csv = sql.SQL("{} (FORMAT csv, ENCODING 'UTF8')").format(into)  # Arrow's bytes

        def send(rows: str | bytes) -> None:  # COPY text, or CSV (`_arrow`)
            copy = as_csv if isinstance(rows, bytes) else into
            with driver.cursor() as cursor, cursor.copy(copy) as stream:
                stream.write(rows)

        chunks = Writer(send, copy_text, behind=True)
    else:
        # the columns named and no other (a table's defaults would add parameters)
        named = table_clause(table.name, *map(column, keys))
        dialect = session.get_bind().dialect
        statement = str(named.insert().compile(dialect=dialect, column_keys=keys))

        def insert(columns: Columns) -> None:
            driver.cursor().executemany(statement, zip(*columns, strict=True))

        chunks = Writer(insert, lambda columns: columns, behind=False)
    try:
        yield chunks
    except BaseException:
        chunks.close(stopped=True)
        raise
    chunks.close(stopped=False)


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
    converted cell by cell only when it holds other values than text. A column of text
    is told by joining it (in C), which also finds whether a cell needs escaping."""
    try:
        joined = "".join(values)
    except TypeError:  # not text only
        pass
    else:
        special = any(char in joined for char in SPECIAL)
        return [v.translate(ESCAPES) for v in values] if special else values
    kinds = set(map(type, values))
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

"""Contact nos. read back from a Parquet file (what Spark selected, or a lake's contacts),
staged in a temporary table inside the caller's transaction so that the database joins
them with its contacts in one statement: the bulk path of the driver (COPY on PostgreSQL,
executemany on SQLite), batch by batch, with flat memory. The nos. the database does not
know are counted and a few named (issue 16: reported and skipped)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Index,
    MetaData,
    String,
    Table,
    func,
    select,
    union,
)
from sqlalchemy.orm import Session

from rapport.storage.db import is_postgresql
from rapport.storage.tables import Contact, table_of

STAGED = "lake_contact_nos"
BATCH = 50_000
SAMPLE = 10

contacts = table_of(Contact)


@dataclass(frozen=True)
class Unknown:
    """Contact nos. the lake has and the database does not: how many, and a few of them."""

    count: int = 0
    sample: tuple[str, ...] = ()


def staged_table(name: str = STAGED) -> Table:
    return Table(name, MetaData(), Column("no", String(20)), prefixes=["TEMPORARY"])


def nos_in(path: Path, column: str = "no") -> Iterator[list[str]]:
    """The values of `column` of a Parquet file or folder, in batches."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(path), format="parquet")
    for batch in dataset.to_batches(columns=[column], batch_size=BATCH):
        yield [value for value in batch.column(0).to_pylist() if value is not None]


def stage(session: Session, batches: Iterator[list[str]], *, name: str = STAGED) -> Table:
    """A temporary table of the nos., created in this transaction and indexed once filled
    (a no. staged twice still names one contact: every use of it is an IN or an EXISTS).
    `name` is the product's own (one per file staged at once), never user text."""
    staged = staged_table(name)
    connection = session.connection()
    staged.drop(connection, checkfirst=True)
    staged.create(connection)
    driver: Any = connection.connection.driver_connection
    for batch in batches:
        _write(session, driver, name, [(no,) for no in batch])
    Index(f"ix_{name}_no", staged.c.no).create(connection)
    return staged


def _write(session: Session, driver: Any, name: str, rows: list[tuple[str]]) -> None:
    if not rows:
        return
    if is_postgresql(session):
        with driver.cursor() as cursor, cursor.copy(f"COPY {name} (no) FROM STDIN") as stream:
            for row in rows:
                stream.write_row(row)
        return
    driver.cursor().executemany(f"INSERT INTO {name} (no) VALUES (?)", rows)  # noqa: S608


def unknown(session: Session, staged: Table) -> Unknown:
    """The staged nos. that name no contact."""
    return unknown_in(session, [staged])


def unknown_in(session: Session, tables: list[Table]) -> Unknown:
    """The nos. staged in any of `tables` that name no contact."""
    if not tables:
        return Unknown()
    nos = union(*(select(table.c.no) for table in tables)).subquery()
    missing = ~select(contacts.c.id).where(contacts.c.no == nos.c.no).exists()
    count = int(session.scalar(select(func.count(nos.c.no)).where(missing)) or 0)
    if not count:
        return Unknown()
    named = select(nos.c.no).where(missing).order_by(nos.c.no).limit(SAMPLE)
    return Unknown(count, tuple(session.scalars(named)))


def is_staged(staged: Table) -> ColumnElement[bool]:
    """The condition on contacts of having a staged no.: the candidates of an add as a
    condition, so that the add picks them first through the contacts' index on `no` (as a
    SELECT joined back, SQLite probed it once per flagged contact: minutes at 1M)."""
    return contacts.c.no.in_(select(staged.c.no))


def staged_ids(staged: Table) -> Any:
    """SELECT the ids (as `id`) of the contacts whose no. is staged, each once."""
    return select(contacts.c.id.label("id")).where(contacts.c.no.in_(select(staged.c.no)))


def drop(session: Session, staged: Table) -> None:
    staged.drop(session.connection())

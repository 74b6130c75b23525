"""Import a CSV or Excel file into a table, all or nothing, set-based and streaming (K4).

The file streams through in chunks into a temporary staging table, each cell checked and
converted in Python on the way (a bad cell is reported with its line and column, and its
row is not staged). The checks that need the database or the whole file then run as one
query each over the staging table (`import_checks`), and the rows go into the table with
one INSERT … SELECT (and one UPDATE with `update`) — never one ORM object per row, so a
million contacts import in seconds with flat memory. Business Central's own import
(configuration packages) likewise validates everything before applying anything; here a
file with any bad row imports nothing, and every bad row is reported, unless bad rows are
to be skipped. On PostgreSQL the rows are staged with COPY.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, delete
from sqlalchemy.orm import Session

from rapport.errors import Invalid
from rapport.services import import_checks, import_tables, import_writes
from rapport.services.import_checks import BadRow
from rapport.services.import_files import Record, records
from rapport.services.import_tables import FileColumn, TableSpec
from rapport.storage.db import Sessions, analyze, is_postgresql

CHUNK = 50_000
STAGING = "import_staging"


@dataclass(frozen=True)
class ImportResult:
    table: str
    inserted: int
    updated: int
    bad_rows: tuple[BadRow, ...] = ()


class BadFile(Invalid):
    """The file has bad rows; nothing was imported. `bad_rows` lists every one."""

    def __init__(self, name: str, bad_rows: Iterable[BadRow]) -> None:
        self.bad_rows = tuple(sorted(bad_rows))
        count = len(self.bad_rows)
        lines = "\n".join(str(bad) for bad in self.bad_rows)
        super().__init__(
            f"{count} bad row{'s' if count != 1 else ''}; nothing imported\n{lines}", where=name
        )


@dataclass
class Layout:
    """Which file columns are staged, in file order, and how each cell converts."""

    columns: list[FileColumn]
    indexes: list[int]
    width: int
    converters: list[Callable[[str], Any]] = field(default_factory=list)


def import_table(
    sessions: Sessions, table: str, path: Path, *, skip_bad_rows: bool = False, update: bool = False
) -> ImportResult:
    """K4: import the CSV or XLSX file at `path` into `table` (SPEC §6.1).

    Nothing is imported when any row is bad (`BadFile` lists every bad row with its line,
    column and reason) unless `skip_bad_rows`, when the good rows are imported and the bad
    ones returned. With `update`, a row whose key exists updates the columns the file has.
    """
    spec = import_tables.get(table)
    with records(path) as (header, rows), sessions.begin() as session:
        layout = _layout(spec, header, path.name)
        staging = _staging_table(spec, layout.columns)
        staging.drop(session.connection(), checkfirst=True)
        staging.create(session.connection())
        bad = _load(session, staging, layout, rows)
        if skip_bad_rows:
            bad += _check(session, spec, staging, update=update, drop_bad=True)
        else:
            bad += _check(session, spec, staging, update=update, drop_bad=False)
            if bad:
                raise BadFile(path.name, bad)
        inserted, updated = import_writes.write(session, spec, staging, update=update)
        staging.drop(session.connection())
        analyze(session, spec.name)
    return ImportResult(spec.name, inserted, updated, tuple(sorted(bad)))


def _layout(spec: TableSpec, header: list[str], name: str) -> Layout:
    problems: list[BadRow] = []
    seen: set[str] = set()
    layout = Layout([], [], len(header))
    for index, raw in enumerate(header):
        title = raw.strip().lower()
        column = spec.column(title)
        if column is None:
            problems.append(
                BadRow(
                    1,
                    raw,
                    f"unknown column for {spec.name}; expected "
                    + ", ".join(c.name for c in spec.columns),
                )
            )
        elif title in seen:
            problems.append(BadRow(1, title, "the column appears twice"))
        elif not column.derived:
            layout.columns.append(column)
            layout.indexes.append(index)
        seen.add(title)
    problems += [
        BadRow(1, c.name, "required column is missing")
        for c in spec.columns
        if c.required and c.name not in seen
    ]
    if problems:
        raise BadFile(name, problems)
    return layout


def _staging_table(spec: TableSpec, columns: list[FileColumn]) -> Table:
    staged: list[Column[Any]] = [Column("line", Integer, primary_key=True, autoincrement=False)]
    for column in columns:
        kind = String(column.length) if column.name == "contact_no" else None
        staged.append(Column(column.name, kind or spec.table.c[column.target].type))
    if spec.by_contact:
        staged.append(Column("contact_id", Integer))
    return Table(STAGING, MetaData(), *staged, prefixes=["TEMPORARY"])


def _load(session: Session, staging: Table, layout: Layout, rows: Iterator[Record]) -> list[BadRow]:
    """Stream the records into the staging table in chunks; the rows with bad cells."""
    write = _writer(session, staging, [c.name for c in layout.columns])
    converters = _converters(session, staging, layout.columns)
    indexes, width = layout.indexes, layout.width
    picks = indexes if indexes != list(range(width)) else None
    bad: list[BadRow] = []
    batch: list[tuple[Any, ...]] = []
    for line, cells in rows:
        if len(cells) != width:
            bad.append(BadRow(line, "", f"{len(cells)} fields where the header has {width}"))
            continue
        values = [cells[i] for i in picks] if picks is not None else cells
        try:
            batch.append(
                (line, *[convert(v) for convert, v in zip(converters, values, strict=True)])
            )
        except ValueError:
            bad += _cell_errors(line, layout.columns, values)
            continue
        if len(batch) >= CHUNK:
            write(batch)
            batch = []
    write(batch)
    return bad


def _cell_errors(line: int, columns: list[FileColumn], values: list[str]) -> list[BadRow]:
    """Every bad cell of a row (the slow path, taken only for bad rows)."""
    errors = []
    for column, value in zip(columns, values, strict=True):
        try:
            column.converter()(value)
        except ValueError as exc:
            errors.append(BadRow(line, column.name, str(exc)))
    return errors


def _converters(
    session: Session, staging: Table, columns: list[FileColumn]
) -> list[Callable[[str], Any]]:
    """Cell → staged value; on SQLite, already in the form the driver stores."""
    converters = [column.converter() for column in columns]
    if is_postgresql(session):
        return converters  # COPY adapts Python values itself
    dialect = session.get_bind().dialect
    result = []
    for column, convert in zip(columns, converters, strict=True):
        process = staging.c[column.name].type.dialect_impl(dialect).bind_processor(dialect)
        result.append(convert if process is None else _then(convert, process))
    return result


def _then(first: Callable[[str], Any], second: Callable[[Any], Any]) -> Callable[[str], Any]:
    return lambda value: second(first(value))


def _writer(
    session: Session, staging: Table, names: list[str]
) -> Callable[[list[tuple[Any, ...]]], None]:
    """A function that appends a batch of rows to the staging table with the driver's
    bulk path: executemany on SQLite, COPY on PostgreSQL."""
    driver = session.connection().connection.driver_connection
    keys = ["line", *names]
    if is_postgresql(session):
        from psycopg import sql

        copy = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(staging.name), sql.SQL(", ").join(map(sql.Identifier, keys))
        )

        def copy_batch(batch: list[tuple[Any, ...]]) -> None:
            with driver.cursor() as cursor, cursor.copy(copy) as stream:  # type: ignore[union-attr]
                for row in batch:
                    stream.write_row(row)

        return copy_batch
    statement = str(staging.insert().compile(dialect=session.get_bind().dialect, column_keys=keys))

    def insert_batch(batch: list[tuple[Any, ...]]) -> None:
        if batch:
            driver.cursor().executemany(statement, batch)  # type: ignore[union-attr]

    return insert_batch


def _check(
    session: Session, spec: TableSpec, staging: Table, *, update: bool, drop_bad: bool
) -> list[BadRow]:
    """Run the set-based checks; with `drop_bad`, bad rows leave the staging table at once
    so that later checks see only the rows that will be imported."""
    Index(f"ix_{STAGING}_key", *(staging.c[name] for name in spec.key)).create(session.connection())
    if spec.by_contact:
        import_checks.resolve_contacts(session, staging)
    bad: list[BadRow] = []
    for check in import_checks.checks(update=update):
        found = check(session, spec, staging)
        if found and drop_bad:
            lines = sorted({row.line for row in found})
            for start in range(0, len(lines), 10_000):
                chunk = lines[start : start + 10_000]
                session.execute(delete(staging).where(staging.c.line.in_(chunk)))
        bad += found
    return bad

"""Import a CSV or Excel file into a table, all or nothing, set-based and streaming (K4).

The file streams through in chunks into a temporary staging table, each cell checked and
converted in Python on the way (a bad cell is reported with its line and column, and its
row is not staged). The checks that need the database or the whole file then run as one
query each over the staging table (`import_checks`), and the rows go into the table with
one INSERT … SELECT (and one UPDATE with `update`) — never one ORM object per row, so a
million contacts import in seconds with flat memory. Business Central's own import
(configuration packages) likewise validates everything before applying anything; here a
file with any bad row imports nothing, and every bad row is reported, unless bad rows are
to be skipped. On PostgreSQL the rows are staged with COPY; on SQLite the staging table
lives in a temporary file (`temp_store=FILE`, set for every connection in
`rapport.storage.db`), so memory stays flat in the size of the file. A first load of
contacts (an empty table, no update, no skipping) is written straight into the table
instead, and checked there (`_direct`), on PostgreSQL read and converted by Apache Arrow
where Arrow gives what the Python path gives (`_arrow`); a key the table refuses sends it
back through the staging table, in a new transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, delete, text
from sqlalchemy.orm import Session

from rapport.services.transfer import _checks as import_checks
from rapport.services.transfer import _direct as import_direct
from rapport.services.transfer import _reading as import_reading
from rapport.services.transfer import _stage as import_stage
from rapport.services.transfer import _writes as import_writes
from rapport.services.transfer import tables as import_tables
from rapport.services.transfer._bad_rows import ERRORS_SHOWN, BadFile, BadRow, refusal, rows_of
from rapport.services.transfer._phases import OnProgress, Phase, Phases
from rapport.services.transfer._reading import Layout
from rapport.services.transfer._writes import NAME_UPPER
from rapport.services.transfer.files import Chunk, csv_codec, records
from rapport.services.transfer.tables import TableSpec
from rapport.storage.db import Sessions, analyze, is_postgresql, small_page_cache

__all__ = ["ERRORS_SHOWN", "BadFile", "ImportResult", "check_upload", "import_table", "refusal"]

STAGING = "import_staging"
# SQLite's page cache while a first load writes its chunks: the chunks in memory beside the
# connection's own 64 MB took the import past 300 MB
LOAD_CACHE_KIB = 16_384


@dataclass(frozen=True)
class ImportResult:
    """What an import did. `bad_rows` lists every error of the rows skipped or refused, one
    per bad cell or broken rule, so a row may appear more than once; `no_of_bad_rows`
    counts the rows."""

    table: str
    inserted: int
    updated: int
    bad_rows: tuple[BadRow, ...] = ()

    @property
    def no_of_bad_rows(self) -> int:
        return rows_of(self.bad_rows)

    def data(self) -> dict[str, Any]:
        """The result as JSON data (a job's result, the command line's JSON): the number of
        bad rows, and each error with its reason in English and kept to be said in a
        reader's language."""
        return {
            "table": self.table,
            "inserted": self.inserted,
            "updated": self.updated,
            "no_of_bad_rows": self.no_of_bad_rows,
            "bad_rows": [bad.data() for bad in self.bad_rows],
        }


def import_table(
    sessions: Sessions,
    table: str,
    path: Path,
    *,
    by: str,
    skip_bad_rows: bool = False,
    update: bool = False,
    encoding: str | None = None,
    on_progress: OnProgress | None = None,
) -> ImportResult:
    """K4: import the CSV or XLSX file at `path` into `table` (SPEC §6.1) as the user `by`. A
    CSV file is read in `encoding`, else the one its byte order mark names, else UTF-8.

    Nothing is imported when any row is bad (`BadFile` lists every bad row with its line,
    column and reason) unless `skip_bad_rows`, when the good rows are imported and the bad
    ones returned. With `update`, a row whose key exists updates the columns the file has;
    a contact's privacy block it changes is audited as by `by`, in the import's
    transaction (X7, SPEC §10).
    `on_progress(rows, None, phase)` follows the rows read, chunk by chunk, then names each
    phase of the work after reading as it starts (`Phase`, in order); `(rows, rows, DONE)`
    once they are written and committed.
    """
    asked = Asked(
        import_tables.get(table), path, encoding, Phases(on_progress), update, skip_bad_rows, by
    )
    try:
        inserted, updated, bad = _import(sessions, asked)
    except import_direct.Repeated:  # nothing was written; the staging table's checks word it
        asked.phase.read, asked.phase.reading = 0, Phase.READING_AGAIN
        inserted, updated, bad = _import(sessions, asked, direct=False)
    if on_progress:
        handled = inserted + updated + rows_of(bad)
        on_progress(handled, handled, Phase.DONE)
    return ImportResult(asked.spec.name, inserted, updated, tuple(sorted(bad)))


@dataclass(frozen=True)
class Asked:
    """An import as it was asked for: the table, the file and how to read it, whom to tell
    of its progress, its options, and the user who asked."""

    spec: TableSpec
    path: Path
    encoding: str | None
    phase: Phases
    update: bool
    skip: bool
    by: str


def _import(
    sessions: Sessions, asked: Asked, *, direct: bool = True
) -> tuple[int, int, list[BadRow]]:
    """One transaction of the import: a first load written directly when it can be
    (`_direct`), else through the staging table; (inserted, updated, the bad rows skipped).
    """
    spec, phase = asked.spec, asked.phase
    with sessions.begin() as session:
        _settings(session)
        bad: list[BadRow] = []
        loaded = None
        if direct and import_direct.possible(
            session, spec, update=asked.update, skip_bad_rows=asked.skip
        ):
            loaded = _first_load(session, asked)
        if loaded is not None:
            inserted, updated = loaded, 0
        else:
            inserted, updated, bad = _staged(session, asked)
        phase(Phase.ANALYZING)
        analyze(session, spec.name)
        phase(Phase.COMMITTING)
    return inserted, updated, bad


def _staged(session: Session, asked: Asked) -> tuple[int, int, list[BadRow]]:
    """The import through a staging table: (inserted, updated, the bad rows skipped)."""
    spec, path, phase, update = asked.spec, asked.path, asked.phase, asked.update
    with records(path, encoding=asked.encoding) as (header, rows):
        layout = import_reading.layout_of(spec, header, path.name)
        staging = _staging_table(spec, layout)
        staging.drop(session.connection(), checkfirst=True)
        staging.create(session.connection())
        with import_stage.writer(session, staging, ["line", *layout.staged]) as write:
            bad = import_reading.load(session, write, layout, rows, phase)
    phase(Phase.CHECKING)
    bad += _check(session, spec, staging, update=update, drop_bad=asked.skip)
    if bad and not asked.skip:
        raise BadFile(path.name, bad)
    phase(Phase.WRITING)
    inserted, updated = import_writes.write(
        session, spec, staging, update=update, by=asked.by, phase=phase
    )
    import_stage.discard(session, staging)
    return inserted, updated, bad


def _first_load(session: Session, asked: Asked) -> int | None:
    """A first load of contacts written straight into the table (`_direct`): the rows
    inserted, or None, having written nothing, when the file's first chunk is not in the
    order that makes it pay (`_direct.in_order`). Raises `Repeated` when the table refused
    a row (a key repeated in the file); the transaction must then be rolled back (on SQLite
    the rows before it are written: a savepoint to roll back to would double the cost of
    every row written, by the pages SQLite keeps for it)."""
    spec, path, phase = asked.spec, asked.path, asked.phase
    with records(path, encoding=asked.encoding) as (header, chunks):
        layout = import_reading.layout_of(spec, header, path.name)
        read, load = _reader(session, asked, layout, chunks)
        rows = import_direct.read_in_order(layout.columns, layout.indexes, read)
        if rows is None:
            return None
        base = import_writes.last_id(session)
        coded = {ref.columns[0] for ref in spec.references if len(ref.columns) == 1}
        distinct = import_reading.Distinct({n: set() for n in layout.staged if n in coded})
        with import_writes.contacts_written(session, empty=True, base=base, phase=phase):
            with (
                small_page_cache(session, LOAD_CACHE_KIB),
                import_direct.writer(session, layout.staged, base) as write,
            ):
                bad = load(session, write, layout, rows, phase, distinct)
            phase(Phase.CHECKING)
            import_direct.link_later(session, base)
            view = import_direct.rows_view(layout.staged, base, STAGING)
            for check in import_checks.checks(update=False, keys_unique=True):
                if _needless(session, spec, layout.staged, distinct, check, base):
                    continue
                bad += check(session, spec, view)
            if bad:
                raise BadFile(path.name, bad)
            phase(Phase.WRITING)
            if is_postgresql(session):
                import_writes.sequence_to_last(session)
    return phase.read


def _reader(
    session: Session, asked: Asked, layout: Layout, chunks: Iterator[Chunk]
) -> tuple[Iterator[Any], Callable[..., list[BadRow]]]:
    """The records of a first load and how to load them: on PostgreSQL a UTF-8 CSV file
    read and converted by Arrow (`_arrow`: a third of the time at a million contacts),
    else the Python reader's chunks (`_reading`)."""
    codec = csv_codec(asked.path, asked.encoding)
    if is_postgresql(session) and codec is not None:
        from rapport.services.transfer import _arrow

        if _arrow.readable(asked.path, codec):
            return _arrow.records(asked.path, codec, layout.width), _arrow.load
    return chunks, import_reading.load


def _needless(
    session: Session,
    spec: TableSpec,
    staged: list[str],
    distinct: import_reading.Distinct,
    check: import_checks.Check,
    base: int,
) -> bool:
    """Whether a check of a first load can find nothing, told from what the load saw: every
    person naming a company was linked to a company contact (`missing_companies`), or every
    code read exists (`unknown_codes`). Each saved a pass over every row (0.5–0.7 s at a
    million)."""
    if check is import_checks.missing_companies:
        return import_direct.all_linked(session, base)
    if check is import_checks.unknown_codes:
        return import_checks.codes_known(session, spec, staged, distinct.values)
    return False


def _settings(session: Session) -> None:
    """On PostgreSQL, for the import's transaction only: `work_mem` for the checks' hash
    aggregates and the insert's join of each person to its company row, which spilled to
    disk at the default 4 MB. (JIT compilation, off on every connection of Rapport's
    engines, took 2 s of a 2.05 s check at 100,000 rows here: the staging table has no
    statistics, so its statements looked costly enough to be compiled.)"""
    if is_postgresql(session):
        session.execute(text(f"SET LOCAL work_mem = '{WORK_MEMORY}'"))


WORK_MEMORY = "64MB"


def check_upload(table: str, path: Path, *, encoding: str | None = None) -> int:
    """K4: what can be told of an uploaded file before its import is queued: the table
    exists, the file is a CSV (text in its encoding) or a workbook, and its header names the
    table's columns. Reads the file once, converting nothing; its number of records (the
    import's total), or Invalid or BadFile."""
    spec = import_tables.get(table)
    count = 0
    with records(path, encoding=encoding) as (header, rows):
        import_reading.layout_of(spec, header, path.name)
        for _lines, chunk in rows:
            count += len(chunk)
    return count


def _staging_table(spec: TableSpec, layout: Layout) -> Table:
    columns = layout.columns
    staged: list[Column[Any]] = [Column("line", Integer, primary_key=True, autoincrement=False)]
    for column in columns:
        staged.append(Column(column.name, column.sql_type()))
    staged += [Column(layout.copies[columns[i].name], String) for i in layout.folds]
    if layout.upper is not None:
        staged.append(Column(NAME_UPPER, String))
    if spec.by_contact:
        staged.append(Column("contact_id", Integer))
    if spec.name == "contacts" and any(column.name == "company_no" for column in columns):
        # a person's company found among the contacts (`import_writes`)
        staged += [
            Column("found_company_id", Integer),
            Column("found_company_name", String),
            Column("found_company_name_folded", String),
        ]
    return Table(STAGING, MetaData(), *staged, prefixes=["TEMPORARY"])


def _check(
    session: Session, spec: TableSpec, staging: Table, *, update: bool, drop_bad: bool
) -> list[BadRow]:
    """Run the set-based checks; with `drop_bad`, bad rows leave the staging table at once
    so that later checks see only the rows that will be imported. On PostgreSQL the
    staging table is analyzed first: without statistics the planner takes it for a few
    thousand rows and probes an index once per person to find its company (2.5 s of
    nested loops at a million rows) instead of hashing."""
    Index(f"ix_{STAGING}_key", *(staging.c[name] for name in spec.key)).create(session.connection())
    analyze(session, STAGING)
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

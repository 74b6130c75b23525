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
instead, and checked there (`_direct`); a key the table refuses sends it back through the
staging table, in a new transaction.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, delete, text
from sqlalchemy.orm import Session

from rapport.errors import Invalid
from rapport.services.transfer import _checks as import_checks
from rapport.services.transfer import _direct as import_direct
from rapport.services.transfer import _stage as import_stage
from rapport.services.transfer import _writes as import_writes
from rapport.services.transfer import tables as import_tables
from rapport.services.transfer._bad_rows import BadRow
from rapport.services.transfer._phases import OnProgress, Phase
from rapport.services.transfer._stage import Write
from rapport.services.transfer._values import BadChunk, ConvertMany
from rapport.services.transfer._writes import NAME_UPPER
from rapport.services.transfer.files import Chunk, records
from rapport.services.transfer.tables import FileColumn, TableSpec
from rapport.storage.db import Sessions, analyze, is_postgresql, small_page_cache
from rapport.storage.schema import FOLDS, fold_many, upper_many

STAGING = "import_staging"
# SQLite's page cache while a first load writes its chunks: the chunks in memory beside the
# connection's own 64 MB took the import past 300 MB
LOAD_CACHE_KIB = 16_384


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
            f"{count} bad row{'s' if count != 1 else ''}; nothing imported\n{lines}", field=name
        )


@dataclass
class Layout:
    """Which file columns are staged, in file order, and how each cell converts."""

    columns: list[FileColumn]
    indexes: list[int]
    width: int
    folds: list[int] = field(default_factory=list)  # staged columns with a casefolded copy
    copies: dict[str, str] = field(default_factory=dict)  # a column → its copy (FOLDS)
    upper: int | None = None  # a contact's name, whose upper-cased text is its search name

    @property
    def staged(self) -> list[str]:
        """The staging columns filled from the file: its columns, the copies, and the name
        upper-cased."""
        copies = [self.copies[self.columns[i].name] for i in self.folds]
        upper = [] if self.upper is None else [NAME_UPPER]
        return [c.name for c in self.columns] + copies + upper


def import_table(
    sessions: Sessions,
    table: str,
    path: Path,
    *,
    skip_bad_rows: bool = False,
    update: bool = False,
    encoding: str | None = None,
    on_progress: OnProgress | None = None,
) -> ImportResult:
    """K4: import the CSV or XLSX file at `path` into `table` (SPEC §6.1). A CSV file is
    read in `encoding`, else the one its byte order mark names, else UTF-8.

    Nothing is imported when any row is bad (`BadFile` lists every bad row with its line,
    column and reason) unless `skip_bad_rows`, when the good rows are imported and the bad
    ones returned. With `update`, a row whose key exists updates the columns the file has.
    `on_progress(rows, None, phase)` follows the rows read, chunk by chunk, then names each
    phase of the work after reading as it starts (`Phase`, in order); `(rows, rows, DONE)`
    once they are written and committed.
    """
    spec = import_tables.get(table)
    phase = Phases(on_progress)
    options = {"update": update, "skip": skip_bad_rows}
    try:
        inserted, updated, bad = _import(sessions, spec, path, encoding, phase, **options)
    except import_direct.Repeated:  # nothing was written; the staging table's checks word it
        phase.read = 0
        inserted, updated, bad = _import(
            sessions, spec, path, encoding, phase, direct=False, **options
        )
    if on_progress:
        handled = inserted + updated + len(bad)
        on_progress(handled, handled, Phase.DONE)
    return ImportResult(spec.name, inserted, updated, tuple(sorted(bad)))


def _import(
    sessions: Sessions,
    spec: TableSpec,
    path: Path,
    encoding: str | None,
    phase: Phases,
    *,
    update: bool,
    skip: bool,
    direct: bool = True,
) -> tuple[int, int, list[BadRow]]:
    """One transaction of the import: a first load written directly when it can be
    (`_direct`), else through the staging table; (inserted, updated, the bad rows skipped).
    """
    with sessions.begin() as session:
        _settings(session)
        bad: list[BadRow] = []
        loaded = None
        if direct and import_direct.possible(session, spec, update=update, skip_bad_rows=skip):
            loaded = _first_load(session, spec, path, encoding, phase)
        if loaded is not None:
            inserted, updated = loaded, 0
        else:
            inserted, updated, bad = _staged(
                session, spec, path, encoding, phase, update=update, skip=skip
            )
        phase(Phase.ANALYZING)
        analyze(session, spec.name)
        phase(Phase.COMMITTING)
    return inserted, updated, bad


def _staged(
    session: Session,
    spec: TableSpec,
    path: Path,
    encoding: str | None,
    phase: Phases,
    *,
    update: bool,
    skip: bool,
) -> tuple[int, int, list[BadRow]]:
    """The import through a staging table: (inserted, updated, the bad rows skipped)."""
    with records(path, encoding=encoding) as (header, rows):
        layout = _layout(spec, header, path.name)
        staging = _staging_table(spec, layout)
        staging.drop(session.connection(), checkfirst=True)
        staging.create(session.connection())
        with import_stage.writer(session, staging, ["line", *layout.staged]) as write:
            bad = _load(write, layout, _converters(session, layout.columns), rows, phase)
    phase(Phase.CHECKING)
    bad += _check(session, spec, staging, update=update, drop_bad=skip)
    if bad and not skip:
        raise BadFile(path.name, bad)
    phase(Phase.WRITING)
    inserted, updated = import_writes.write(session, spec, staging, update=update, phase=phase)
    import_stage.discard(session, staging)
    return inserted, updated, bad


def _first_load(
    session: Session, spec: TableSpec, path: Path, encoding: str | None, phase: Phases
) -> int | None:
    """A first load of contacts written straight into the table (`_direct`): the rows
    inserted, or None, having written nothing, when the file's first chunk is not in the
    order that makes it pay (`_direct.in_order`). Raises `Repeated` when the table refused
    a row (a key repeated in the file); the transaction must then be rolled back (on SQLite
    the rows before it are written: a savepoint to roll back to would double the cost of
    every row written, by the pages SQLite keeps for it)."""
    with records(path, encoding=encoding) as (header, chunks):
        layout = _layout(spec, header, path.name)
        first = next(chunks, None)
        if first is None or not import_direct.in_order(*_cells(layout, first[1], ORDER)):
            return None
        rows = _again([first], chunks)
        del first
        base = import_writes.last_id(session)
        with import_writes.indexes_built_after(session, empty=True, phase=phase):
            with (
                small_page_cache(session, LOAD_CACHE_KIB),
                import_direct.writer(session, layout.staged, base) as write,
            ):
                bad = _load(write, layout, _converters(session, layout.columns), rows, phase)
            phase(Phase.CHECKING)
            view = import_direct.rows_view(layout.staged, base, STAGING)
            for check in import_checks.checks(update=False, keys_unique=True):
                bad += check(session, spec, view)
            if bad:
                raise BadFile(path.name, bad)
            phase(Phase.WRITING)
            import_direct.link_later(session, base)
            if is_postgresql(session):
                import_direct.sequence_to_last(session)
    return phase.read


def _again(first: list[Chunk], rest: Iterator[Chunk]) -> Iterator[Chunk]:
    """The chunk read ahead, then the rest; no reference to it kept once handed on (a
    chunk of a million-row file is some 50 MB)."""
    yield first.pop()
    yield from rest


ORDER = ("no", "type", "company_no")  # the cells that tell a file's order (`_direct`)


def _cells(layout: Layout, chunk: list[list[str]], names: Sequence[str]) -> list[list[str] | None]:
    """The raw cells of the file columns `names` in a chunk (None for a column the file
    lacks; a short row gives blanks)."""
    found: list[list[str] | None] = []
    for name in names:
        at = [layout.indexes[i] for i, c in enumerate(layout.columns) if c.name == name]
        if not at:
            found.append(None)
            continue
        found.append([cells[at[0]] if len(cells) > at[0] else "" for cells in chunk])
    return found


@dataclass
class Phases:
    """The reports of an import's progress: the records read, and each phase after reading
    as it starts (no total)."""

    on_progress: OnProgress | None
    read: int = 0

    def __call__(self, phase: Phase) -> None:
        if self.on_progress:
            self.on_progress(self.read, None, phase)


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
        _layout(spec, header, path.name)
        for _lines, chunk in rows:
            count += len(chunk)
    return count


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
    layout.copies = FOLDS.get(spec.name, {})
    layout.folds = [i for i, column in enumerate(layout.columns) if column.name in layout.copies]
    if spec.name == "contacts":
        names = [i for i, column in enumerate(layout.columns) if column.name == "name"]
        layout.upper = names[0] if names else None
    return layout


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


@dataclass
class Converters:
    """How a chunk's columns become staging values: `fast` column by column (then `after`),
    or, for a chunk holding a bad cell, row by row (then `after_rows`)."""

    fast: list[ConvertMany]
    after: list[ConvertMany | None]
    after_rows: list[ConvertMany | None]


def _load(
    write: Write,
    layout: Layout,
    converters: Converters,
    chunks: Iterator[Chunk],
    phase: Phases,
) -> list[BadRow]:
    """Stream the chunks through `write`, counting the records read in `phase`; the rows
    with bad cells."""
    bad: list[BadRow] = []
    with _no_gc():
        for lines, chunk in chunks:
            phase.read += len(chunk)
            if set(map(len, chunk)) != {layout.width}:
                lines, chunk = _right_width(lines, chunk, layout.width, bad)
            write(_convert(layout, converters, lines, chunk, bad))
            if phase.on_progress:
                phase.on_progress(phase.read, None, Phase.READING)
    return bad


@contextmanager
def _no_gc() -> Iterator[None]:
    """Millions of short-lived rows hold no cycles; the cyclic collector would only walk
    them over and over (a third of the load time at a million rows)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _right_width(
    lines: list[int], chunk: list[list[str]], width: int, bad: list[BadRow]
) -> tuple[list[int], list[list[str]]]:
    kept_lines, kept = [], []
    for line, cells in zip(lines, chunk, strict=True):
        if len(cells) == width:
            kept_lines.append(line)
            kept.append(cells)
        else:
            bad.append(BadRow(line, "", f"{len(cells)} fields where the header has {width}"))
    return kept_lines, kept


def _convert(
    layout: Layout,
    converters: Converters,
    lines: list[int],
    chunk: list[list[str]],
    bad: list[BadRow],
) -> list[Sequence[Any]]:
    """A chunk of records → staging columns (the lines first), converted column by column;
    a chunk holding a bad cell is converted row by row instead, its bad rows added to `bad`
    and left out."""
    if not chunk:
        return []
    cells = list(zip(*chunk, strict=True))
    try:
        values = [
            convert(cells[index])
            for convert, index in zip(converters.fast, layout.indexes, strict=True)
        ]
        after = converters.after
    except BadChunk:
        lines, values = _convert_rows(layout, lines, chunk, bad)
        after = converters.after_rows
    values = [
        v if process is None else process(v) for v, process in zip(values, after, strict=True)
    ]
    values += [fold_many(values[i]) for i in layout.folds]
    if layout.upper is not None:  # BC's Search Name: the name upper-cased, alike on both engines
        values.append(upper_many(values[layout.upper]))
    return [lines, *values]


def _convert_rows(
    layout: Layout, lines: list[int], chunk: list[list[str]], bad: list[BadRow]
) -> tuple[list[int], list[Sequence[Any]]]:
    """The slow path: each row on its own; the good rows as columns and their lines."""
    converters = [column.converter() for column in layout.columns]
    good_lines, good_rows = [], []
    for line, cells in zip(lines, chunk, strict=True):
        picked = [cells[index] for index in layout.indexes]
        try:
            good_rows.append([convert(v) for convert, v in zip(converters, picked, strict=True)])
            good_lines.append(line)
        except ValueError:
            bad.extend(_cell_errors(line, layout.columns, picked))
    columns: list[Sequence[Any]] = list(zip(*good_rows, strict=True))
    return good_lines, columns or [() for _ in converters]


def _cell_errors(line: int, columns: list[FileColumn], values: list[str]) -> list[BadRow]:
    """Every bad cell of a row, with its reason."""
    errors = []
    for column, value in zip(columns, values, strict=True):
        try:
            column.converter()(value)
        except ValueError as exc:
            errors.append(BadRow(line, column.name, str(exc)))
    return errors


def _converters(session: Session, columns: list[FileColumn]) -> Converters:
    """On SQLite, values go into the form SQLAlchemy stores them in (a date as ISO text, a
    decimal as a float); PostgreSQL's COPY adapts Python values itself."""
    if is_postgresql(session):
        nothing: list[ConvertMany | None] = [None] * len(columns)
        return Converters([c.column_converter() for c in columns], nothing, nothing)
    dialect = session.get_bind().dialect
    after: list[ConvertMany | None] = []
    for column in columns:
        kind = column.kind if column.kind in ("decimal", "time") else None
        process = column.sql_type().dialect_impl(dialect).bind_processor(dialect) if kind else None
        after.append(None if process is None else _mapping(process))
    return Converters(
        [c.column_converter(iso_dates=True) for c in columns],
        after,
        [
            _iso_dates if c.kind == "date" else process
            for c, process in zip(columns, after, strict=True)
        ],
    )


def _iso_dates(values: Sequence[Any]) -> Sequence[Any]:
    return [None if v is None else v.isoformat() for v in values]


def _mapping(process: Callable[[Any], Any]) -> ConvertMany:
    return lambda values: [process(v) for v in values]


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

"""Export a table to CSV or Excel, streamed, in the columns its import reads (K4, SPEC §6.1).

Rows are fetched in batches from a streaming cursor and written one at a time, so memory
stays flat at any table size; the columns and the cell texts are those of
`import_tables`, so an exported file re-imports unchanged. Contacts are written with
their company name (derived again on import) and every other table with `contact_no` in
place of `contact_id`. Criteria in the criteria language (SPEC §5) select the contacts
exported, or, for a table of a contact's rows (its mailing groups, interactions …), the
rows of the contacts they select.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from rapport.criteria.value import Criteria
from rapport.errors import N_, Invalid
from rapport.services._criteria import CriteriaSource, optional_criteria
from rapport.services._likely import likely_condition
from rapport.services.transfer import tables as import_tables
from rapport.services.transfer.files import EXPORT_FORMATS, file_format, output_file
from rapport.services.transfer.tables import TableSpec
from rapport.services.transfer.writers import followed, write_csv, write_file
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import Contact, table_of

BATCH = 10_000
LINE_FORMATS = ("csv", "ndjson")
contacts = table_of(Contact)


@dataclass(frozen=True)
class ExportResult:
    table: str
    rows: int


def export_table(
    sessions: Sessions,
    table: str,
    *,
    where: CriteriaSource | None = None,
    path: Path | None = None,
    stream: TextIO | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """K4: write the rows of `table` to `path` (CSV, XLSX or NDJSON by extension) or,
    without a path, as CSV to `stream`; ordered by the table's key. With `where` (criteria),
    only the contacts it selects, or the rows of those contacts; the criteria are checked
    before anything is written. `on_progress(rows written, rows to write)` follows a
    file's writing (the rows are counted first, only when it is given)."""
    spec = import_tables.get(table)
    criteria = _criteria(sessions, spec, where)
    header = [column.name for column in spec.columns]
    if path is None:
        if stream is None:
            raise ValueError("export_table needs a path or a stream")
        with reading(sessions) as session:
            count = write_csv(stream, header, _rows(session, spec, _query(session, spec, criteria)))
        return ExportResult(spec.name, count)
    with output_file(path, formats=EXPORT_FORMATS) as partial, reading(sessions) as session:
        statement = _query(session, spec, criteria)
        rows = _rows(session, spec, statement)
        if on_progress:
            total = session.scalar(select(func.count()).select_from(statement.subquery()))
            rows = followed(rows, int(total or 0), on_progress)
        count = write_file(partial, file_format(path, EXPORT_FORMATS), header, rows)
    return ExportResult(spec.name, count)


def check_export(sessions: Sessions, table: str, *, where: CriteriaSource | None = None) -> str:
    """K4: what can be told of an export before it runs (the table exists, the criteria
    parse and apply to it); the table's name, or Invalid/NotFound."""
    spec = import_tables.get(table)
    _criteria(sessions, spec, where)
    return spec.name


def export_lines(
    sessions: Sessions, table: str, *, where: CriteriaSource | None = None, file_format: str = "csv"
) -> Iterator[str]:
    """K4: the rows of `table` (as `export_table` selects and orders them) as lines of text,
    read as they are sent: `csv` (a header line, then one line per row) or `ndjson` (one
    JSON object per row, keyed by column). The table, the format and the criteria are
    checked before this returns; the read transaction stays open until the lines are
    exhausted or closed, so a million rows never sit in memory together."""
    spec = import_tables.get(table)
    criteria = _criteria(sessions, spec, where)
    if file_format not in LINE_FORMATS:
        raise Invalid(
            N_(
                "{file_format!r} is not one of {formats}",
                file_format=file_format,
                formats=", ".join(LINE_FORMATS),
            ),
            field="file_format",
        )
    return _lines(sessions, spec, criteria, file_format)


def _lines(
    sessions: Sessions, spec: TableSpec, criteria: Criteria | None, file_format: str
) -> Iterator[str]:
    header = [column.name for column in spec.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if file_format == "csv":
        writer.writerow(header)
        yield buffer.getvalue()
    with reading(sessions) as session:
        for row in _rows(session, spec, _query(session, spec, criteria)):
            if file_format == "ndjson":
                yield json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False) + "\n"
                continue
            buffer.seek(0)
            buffer.truncate()
            writer.writerow(row)
            yield buffer.getvalue()


def _criteria(sessions: Sessions, spec: TableSpec, where: CriteriaSource | None) -> Criteria | None:
    if where is None or (isinstance(where, str) and not where.strip()):
        return None
    if spec.name != "contacts" and not spec.by_contact:
        raise Invalid(
            N_(
                "{name} has no contact to select; criteria apply to contacts and to the tables of "
                "a contact's rows",
                name=spec.name,
            ),
            field="where",
        )
    return optional_criteria(where, database=sessions)


def _query(session: Session, spec: TableSpec, criteria: Criteria | None) -> Select[Any]:
    """`query` with the criteria compiled for the session's database (`likely_condition`)."""
    return query(spec, None if criteria is None else likely_condition(session, criteria))


def query(spec: TableSpec, selects: ColumnElement[bool] | None = None) -> Select[Any]:
    """The rows of the table as the file columns, in key order; with `selects` (a
    condition on contacts: criteria compiled), those of the contacts it selects."""
    table = spec.table
    selected: list[ColumnElement[Any]] = []
    for column in spec.columns:
        if column.name == "contact_no":
            selected.append(contacts.c.no.label("contact_no"))
        else:
            selected.append(table.c[column.target])
    statement = select(*selected)
    if spec.by_contact:
        statement = statement.join_from(table, contacts, contacts.c.id == table.c.contact_id)
        if selects is not None:
            # A derived table, not a condition on the joined contacts: the criteria's
            # EXISTS over this very table must not correlate with the exported rows.
            matching = select(contacts.c.id).where(selects).subquery("matching")
            statement = statement.join(matching, matching.c.id == table.c.contact_id)
    elif selects is not None:
        statement = statement.where(selects)
    order = [contacts.c.no if name == "contact_no" else table.c[name] for name in spec.key]
    return statement.order_by(*order)


def _rows(session: Session, spec: TableSpec, statement: Select[Any]) -> Iterator[list[str]]:
    columns = spec.columns
    result = session.execute(statement, execution_options={"yield_per": BATCH})
    for row in result:
        yield [column.cell(value) for column, value in zip(columns, row, strict=True)]

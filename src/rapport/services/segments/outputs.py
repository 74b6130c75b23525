"""What a segment's contacts are used for besides logging: a mailing group (S12) and an
export of their contact data (S13).

Both work on the lines on the segment (`storage.segment_lines.on_segment`) with a contact, in one
statement or one streamed query, at any segment size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, insert, literal, select

from rapport.errors import CODE_FIELD, N_, Invalid, does_not_exist
from rapport.services.segments._propagation import get_header
from rapport.services.transfer.files import cell_text, check_output_file, file_format, output_file
from rapport.services.transfer.writers import followed, write_file
from rapport.storage.db import Sessions, execute_counted, reading
from rapport.storage.segment_lines import on_segment
from rapport.storage.tables import (
    Contact,
    ContactMailingGroup,
    MailingGroup,
    SegmentLine,
    table_of,
)

BATCH = 10_000
# Reference §2.18's export columns that Rapport's contacts have, in the xmlport's order.
EXPORT_COLUMNS = (
    "no",
    "name",
    "address",
    "county",
    "post_code",
    "city",
    "country",
    "phone",
    "territory",
    "language",
    "salesperson",
    "vat_no",
    "email",
    "type",
    "company_name",
    "company_no",
    "job_title",
    "mobile",
    "organizational_level",
    "excluded",
    "correspondence_type",
    "salutation",
)


@dataclass(frozen=True)
class MailingGroupResult:
    segment_no: str
    code: str
    added: int
    removed: int
    message: str


@dataclass(frozen=True)
class ExportResult:
    segment_no: str
    path: Path
    rows: int


def apply_mailing_group(
    sessions: Sessions, segment_no: str, *, code: str, replace: bool = False
) -> MailingGroupResult:
    """S12 (reference §2.17): give every contact of the segment the mailing group; with
    `replace`, first remove that group from every contact in the database (BC's *delete old
    assignments*). Contacts that already have it are left as they are."""
    key = (code or "").strip().upper()
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        if not key:
            raise Invalid(N_("Specify a Mailing Group Code."), field="code")
        if session.get(MailingGroup, key) is None:
            # BC's words for a code not in its table, naming the parameter that gave it
            raise does_not_exist(N_("Mailing Group"), (CODE_FIELD, key), field="code")
        removed = 0
        if replace:
            removed = execute_counted(
                session,
                delete(ContactMailingGroup).where(ContactMailingGroup.mailing_group_code == key),
            )
        already = exists().where(
            ContactMailingGroup.contact_id == SegmentLine.contact_id,
            ContactMailingGroup.mailing_group_code == key,
        )
        contacts = (
            select(SegmentLine.contact_id, literal(key))
            .where(
                on_segment(header.id),
                SegmentLine.contact_id.is_not(None),
                ~already,
            )
            .distinct()
        )
        count = execute_counted(
            session,
            insert(ContactMailingGroup).from_select(["contact_id", "mailing_group_code"], contacts),
        )
    return MailingGroupResult(
        header.no,
        key,
        count,
        removed,
        f"Mailing Group {key} is now applied to Segment {header.no}.",
    )


def _contact_rows(sessions: Sessions, segment_no: str) -> Iterator[tuple[Any, ...]]:
    """S13: the export columns of the contact of every line on the segment, by line no.,
    streamed from the database in batches (a read transaction: no write lock)."""
    columns = [table_of(Contact).c[name] for name in EXPORT_COLUMNS]
    with reading(sessions) as session:
        header = get_header(session, segment_no)
        query = (
            select(*columns)
            .join(SegmentLine, SegmentLine.contact_id == Contact.id)
            .where(on_segment(header.id))
            .order_by(SegmentLine.line_no)
        )
        for row in session.execute(query, execution_options={"yield_per": BATCH}):
            yield tuple(row)


def export_contacts(
    sessions: Sessions,
    segment_no: str,
    *,
    path: Path,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """S13: write the segment's contacts to `path`, CSV or XLSX by its extension, streamed;
    the header row is the snake_case column names. `on_progress(rows written, rows to
    write)` follows the writing (the rows are counted first, only when it is given)."""
    check_output_file(path)
    no = segment_no.strip().upper()
    with reading(sessions) as session:
        header = get_header(session, no)  # NotFound before a file is created
        lines = select(func.count()).where(
            on_segment(header.id), SegmentLine.contact_id.is_not(None)
        )
        total = int(session.scalar(lines) or 0) if on_progress else 0
    rows: Iterator[list[str]] = (
        [cell_text(value) for value in row] for row in _contact_rows(sessions, no)
    )
    if on_progress:
        rows = followed(rows, total, on_progress)
    with output_file(path) as partial:
        count = write_file(partial, file_format(path), EXPORT_COLUMNS, rows)
    return ExportResult(no, path, count)


@dataclass(frozen=True)
class ExportLines:
    """S13: the segment's contacts as CSV text, a header line then one line per contact,
    read from the database as they are taken (`lines`)."""

    segment_no: str
    lines: Iterator[str]


def export_lines(sessions: Sessions, segment_no: str) -> ExportLines:
    """S13: the segment's contacts as lines of CSV (the columns of `export_contacts`),
    streamed; NotFound before anything is read when there is no such segment."""
    no = segment_no.strip().upper()
    with reading(sessions) as session:
        get_header(session, no)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in chain([EXPORT_COLUMNS], _contact_rows(sessions, no)):
            buffer.seek(0)
            buffer.truncate()
            writer.writerow([cell_text(value) for value in row])
            yield buffer.getvalue()

    return ExportLines(no, lines())

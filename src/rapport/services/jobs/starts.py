"""Starting long work as a job (issue 12 item 7): what the server's edges call instead of
doing the work inside a request.

- `log_and_deliver` (L2, L3): the log commits in the request, as `segment log` does; its
  delivery is queued as a `deliver` job whose progress counts the recipients.
- `resend` (L5, X8): what was not sent is queued again in the request (refused there, nothing
  queued, when it cannot be), and delivered by a `deliver` job, as a log's delivery is.
- `import_upload` (K4): an uploaded file, already saved, imported by an `import` job; the
  table is checked first, so a bad one is refused before anything is queued.
- `export_table` (K4) and `export_segment` (S13): an export written to a file by an
  `export` job (`files` keeps it for download); what can be checked before (the table, the
  criteria, the segment, the format) is refused before anything is queued.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import N_, Invalid, Text
from rapport.services.interactions import log
from rapport.services.interactions import logged as logged_segments
from rapport.services.jobs import queue
from rapport.services.jobs.files import EXPORT
from rapport.services.jobs.runners import DELIVER, IMPORT
from rapport.services.segments import header
from rapport.services.transfer import exports, imports, tables
from rapport.settings import Settings
from rapport.storage.db import Sessions


@dataclass(frozen=True)
class LoggedForDelivery:
    """The log (committed) and the job delivering it."""

    log: log.LogResult
    job_id: int


def log_and_deliver(
    sessions: Sessions,
    segment_no: str,
    *,
    follow_up: bool = False,
    user: str,
    settings: Settings,
) -> LoggedForDelivery:
    """L2/L3: log the segment with delivery, all or nothing (refused without the delivery's
    settings), then queue the delivery as a job; a job that never ran (the server stopped
    in between) leaves a queue that `logged resend` delivers."""
    logged = log.log_segment(
        sessions,
        segment_no,
        deliver=True,
        follow_up=follow_up,
        user=user,
        settings=settings,
        deliver_now=False,
    )
    job_id = queue.submit(
        sessions,
        kind=DELIVER,
        params={"logged_segment": logged.logged_segment},
        by=user,
        message=_logged_message(segment_no.strip().upper(), logged),
    )
    return LoggedForDelivery(logged, job_id)


def _logged_message(segment: str, logged: log.LogResult) -> Text:
    values = {"segment": segment, "logged": logged.logged_segment}
    if logged.interactions == 1:
        return N_("Segment {segment} logged as logged segment {logged} (1 interaction).", **values)
    return N_(
        "Segment {segment} logged as logged segment {logged} ({interactions} interactions).",
        interactions=logged.interactions,
        **values,
    )


def resend(
    sessions: Sessions,
    entry_no: int,
    *,
    include_uncertain: bool = False,
    correspondence_type: str = "",
    by: str,
    settings: Settings,
) -> int:
    """L5/X8: `logged.requeue` commits here (what it refuses is refused before anything is
    queued), then the delivery of what waits is queued as a `deliver` job; its id. A job
    that never ran (the server stopped in between) leaves a queue that the next
    `logged resend` delivers, as `log_and_deliver`'s does."""
    requeued = logged_segments.requeue(
        sessions,
        entry_no,
        settings=settings,
        include_uncertain=include_uncertain,
        correspondence_type=correspondence_type,
    )
    values = {"logged": entry_no, "queued": requeued.queued}
    message = (
        N_("Resending logged segment {logged}: 1 interaction to deliver.", **values)
        if requeued.queued == 1
        else N_("Resending logged segment {logged}: {queued} interactions to deliver.", **values)
    )
    return queue.submit(
        sessions, kind=DELIVER, params={"logged_segment": entry_no}, by=by, message=message
    )


def import_upload(
    sessions: Sessions,
    *,
    table: str,
    path: Path,
    skip_bad_rows: bool = False,
    update: bool = False,
    by: str,
) -> int:
    """K4: import the saved upload at `path` into `table` as a job (which removes the file
    once read). What can be told before (an unknown table, a file that is not a CSV or a
    workbook, a header without the table's columns) is refused now, nothing queued, and
    the file removed. The job's total is the file's number of records."""
    try:
        name = tables.get(table).name
        rows = imports.check_upload(name, path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    params = {"table": name, "path": str(path), "skip_bad_rows": skip_bad_rows, "update": update}
    return queue.submit(
        sessions,
        kind=IMPORT,
        params=params,
        by=by,
        total=rows,
        message=N_("Importing {file} into {table}.", file=path.name, table=name),
    )


TABLE_FORMATS = ("csv", "xlsx", "ndjson")
SEGMENT_FORMATS = ("csv", "xlsx")


def export_table(
    sessions: Sessions,
    table: str,
    *,
    where: str | None = None,
    file_format: str = "xlsx",
    by: str,
) -> int:
    """K4: export `table` (the contacts `where` selects, or their rows) as a job writing a
    CSV, XLSX or NDJSON file; the job's id."""
    _check_format(file_format, TABLE_FORMATS)
    name = exports.check_export(sessions, table, where=where)
    params = {"table": name, "where": where or None, "format": file_format}
    return queue.submit(
        sessions,
        kind=EXPORT,
        params={**params, "filename": _file_name(name, file_format)},
        by=by,
        message=N_("Exporting {table} as {format}.", table=name, format=file_format.upper()),
    )


def export_segment(sessions: Sessions, segment_no: str, *, file_format: str, by: str) -> int:
    """S13: export the contacts of the segment's lines as a job writing a CSV or XLSX
    file; the job's id."""
    _check_format(file_format, SEGMENT_FORMATS)
    no = header.get(sessions, segment_no).no
    return queue.submit(
        sessions,
        kind=EXPORT,
        params={"segment": no, "format": file_format, "filename": _file_name(no, file_format)},
        by=by,
        message=N_(
            "Exporting the contacts of segment {segment} as {format}.",
            segment=no,
            format=file_format.upper(),
        ),
    )


def _file_name(stem: str, file_format: str) -> str:
    """A plain file name inside the job's folder, whatever characters a code holds."""
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', stem)}.{file_format}"


def _check_format(given: str, formats: tuple[str, ...]) -> None:
    if given not in formats:
        raise Invalid(
            N_(
                "the format must be {formats}, not {given!r}",
                formats=" or ".join(formats),
                given=given,
            ),
            field="format",
        )

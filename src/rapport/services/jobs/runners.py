"""What each kind of job does, and how its live progress is counted.

- `deliver`: deliver the queued entries of a logged segment (L3, X8); its progress is the
  delivery queue itself (entries no longer pending, of all its entries).
- `import`: import an uploaded file into a table (K4) as the user who queued it (an
  update's privacy blocks are audited as theirs); the file is removed once imported.
  Its total is the file's records (counted when it was queued); done follows the records
  read, chunk by chunk, while the import runs. The import holds the write lock meanwhile,
  so on SQLite its progress is kept by this process (`Progress.beside_write_lock`) and
  written to the job's row at the end. A file with bad rows fails the job with the bad-row
  report as its error and every bad row (line, column, reason) in its result, as
  `rapport import --json` lists them.
- `refresh`: refresh a dynamic segment by delta (X4), as the user who asked for it.
- `export`: export a table (K4) or a segment's contacts (S13) to a file in the job's folder
  (`files`), streamed: rows from a server-side cursor in batches, an XLSX written in
  openpyxl's write-only mode, so memory stays flat; done/total count the rows written.
  Its result names the file, its format, its rows and when it will be removed.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from rapport.domain.enums import DeliveryStatus
from rapport.services.jobs import files
from rapport.services.jobs.queue import JobFailed, LiveProgress, Progress, Runner, utcnow
from rapport.settings import Settings
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import Delivery, InteractionLogEntry

DELIVER, IMPORT, REFRESH = "deliver", "import", "refresh"


def runners(settings: Settings, *, output_dir: Path | None = None) -> dict[str, Runner]:
    """The job kinds this server runs, with its settings (SMTP, sender, rate)."""

    def deliver(
        sessions: Sessions, params: Mapping[str, Any], progress: Progress
    ) -> dict[str, Any]:
        from rapport.services.delivery import queue as delivery

        entry_no = int(params["logged_segment"])
        done = delivery.deliver(
            sessions, logged_segment_entry_no=entry_no, settings=settings, output_dir=output_dir
        )
        with reading(sessions) as session:
            counted = delivery_progress(session, params)
        progress.update(*counted)
        result = {key: value for key, value in asdict(done).items() if key != "documents"}
        result["logged_segment"] = entry_no
        return result

    def import_file(
        sessions: Sessions, params: Mapping[str, Any], progress: Progress
    ) -> dict[str, Any]:
        from rapport.services.transfer import imports

        path, table = Path(str(params["path"])), str(params["table"])
        try:
            with progress.beside_write_lock():
                done = imports.import_table(
                    sessions,
                    table,
                    path,
                    by=progress.by,
                    skip_bad_rows=bool(params.get("skip_bad_rows")),
                    update=bool(params.get("update")),
                    on_progress=progress.update,
                )
        except imports.BadFile as exc:
            nothing = imports.ImportResult(table, 0, 0, exc.bad_rows)
            raise JobFailed(exc.message, nothing.data()) from exc
        finally:
            path.unlink(missing_ok=True)
            with suppress(OSError):  # the upload's own folder, once empty
                path.parent.rmdir()
        return done.data()

    return {
        DELIVER: deliver,
        IMPORT: import_file,
        REFRESH: refresh,
        files.EXPORT: lambda sessions, params, progress: export(
            sessions, params, progress, settings=settings
        ),
    }


def export(
    sessions: Sessions, params: Mapping[str, Any], progress: Progress, *, settings: Settings
) -> dict[str, Any]:
    """K4/S13: write the export to the job's folder; its result is what a download needs."""
    from rapport.services.segments import outputs
    from rapport.services.transfer import exports

    folder = files.folder_of(settings, progress.job_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / str(params["filename"])
    try:
        if "segment" in params:
            rows = outputs.export_contacts(
                sessions, str(params["segment"]), path=path, on_progress=progress.update
            ).rows
        else:
            where = params.get("where")
            rows = exports.export_table(
                sessions,
                str(params["table"]),
                where=str(where) if where else None,
                path=path,
                on_progress=progress.update,
            ).rows
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    kept_until = utcnow() + dt.timedelta(hours=settings.export_hours)
    subject = (
        {"segment_no": params["segment"]} if "segment" in params else {"table": params["table"]}
    )
    return {
        **subject,
        "rows": rows,
        "format": params["format"],
        "filename": path.name,
        "kept_until": kept_until.isoformat(),
    }


def refresh(sessions: Sessions, params: Mapping[str, Any], progress: Progress) -> dict[str, Any]:
    """X4: one dynamic segment brought up to date; its result is `segment refresh --json`."""
    from rapport.services.segments import dynamic

    done = dynamic.refresh(sessions, str(params["segment"]), user=str(params["user"]))
    progress.update(1, 1)
    return asdict(done)


def delivery_progress(session: Session, params: Mapping[str, Any]) -> tuple[int, int]:
    """(entries no longer pending, all entries) of the logged segment's delivery queue."""
    entry_no = int(params["logged_segment"])
    ile = InteractionLogEntry
    query = (
        select(
            func.count(case((Delivery.status != DeliveryStatus.PENDING.value, 1))),
            func.count(),
        )
        .select_from(Delivery)
        .join(ile, ile.entry_no == Delivery.entry_no)
        .where(ile.logged_segment_entry_no == entry_no)
    )
    done, total = session.execute(query).one()
    return int(done), int(total)


LIVE: dict[str, LiveProgress] = {DELIVER: delivery_progress}

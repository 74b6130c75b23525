"""An uploaded file to import (K4), for the API and the web UI alike: kept under a plain
name in a folder of its own until the import job has read it, and removed at once when the
import is refused before it is queued (the table, the kind of file, its header)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path, PurePath

from fastapi import UploadFile

from rapport.errors import Invalid
from rapport.server.context import ServerContext
from rapport.services.jobs import starts

UNSAFE = re.compile(r"[^\w.() -]")


def safe_name(given: str) -> str:
    """The upload's file name as the import reports it (its extension tells CSV from
    Excel), kept to plain characters so it is only ever a name inside the upload folder."""
    name = UNSAFE.sub("_", PurePath(given.replace("\\", "/")).name)[:200].lstrip(".")
    if not name:
        raise Invalid("the upload needs a file name ending in .csv or .xlsx", field="file")
    return name


def start_import(
    ctx: ServerContext,
    upload: UploadFile,
    *,
    table: str,
    skip_bad_rows: bool,
    update: bool,
    by: str,
) -> int:
    """Queue the import of `upload` into `table` as a job and wake the job runner; the job's id."""
    name = safe_name(upload.filename or "")  # refused before any folder is made
    path = Path(tempfile.mkdtemp(prefix="rapport-import-")) / name
    try:
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out)
        job_id = starts.import_upload(
            ctx.sessions,
            table=table,
            path=path,
            skip_bad_rows=skip_bad_rows,
            update=update,
            by=by,
        )
    except BaseException:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    ctx.wake_jobs()
    return job_id

"""Imports and exports over HTTP (K4, SPEC §6.1): a CSV or Excel file uploaded into a
table runs as a job (202, `Location: /api/jobs/{id}`), all or nothing: a file that is not
one or whose header lacks the table's columns is a 422 problem at once, and bad rows fail
the job with each one's line, column and reason in its result; and a table streamed out
as CSV, NDJSON or Excel, the rows read as they are sent so that no list of them is ever
held in memory."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from rapport.api.jobs import JobRead, job_answer
from rapport.server import uploads
from rapport.server.guard import Context, Who
from rapport.services.transfer import exports

router = APIRouter(prefix="/api", tags=["imports and exports"])

Table = Annotated[str, Path(min_length=1, max_length=60, examples=["contacts"])]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PROBLEMS = {422: {"description": "Bad rows (each with its line, column and reason)"}}


@router.post(
    "/imports/{table}",
    summary="Import a CSV or Excel file into a table, as a job",
    status_code=202,
    response_model=JobRead,
    responses=PROBLEMS,  # type: ignore[arg-type]
)
def import_table(
    table: Table,
    file: Annotated[UploadFile, Form(description="A .csv or .xlsx file with a header row.")],
    ctx: Context,
    who: Who,
    skip_bad_rows: Annotated[bool, Form(description="Import the good rows only.")] = False,
    update: Annotated[bool, Form(description="Update the rows whose key exists.")] = False,
) -> JSONResponse:
    """K4: the import runs as a job; its result is `rapport import --json`'s. Nothing is
    imported when a row is bad (the job fails, its result lists every bad row), unless
    `skip_bad_rows`: then the good rows are, and the bad ones are listed."""
    job_id = uploads.start_import(
        ctx,
        file,
        table=table,
        skip_bad_rows=skip_bad_rows,
        update=update,
        by=who.account.name,
    )
    return job_answer(ctx, job_id)


@router.get(
    "/exports/{table}",
    summary="Export a table (CSV, NDJSON or Excel), streamed",
    response_class=StreamingResponse,
    response_model=None,
    responses={200: {"content": {media: {} for media in MEDIA.values()}}},
)
def export_table(
    table: Table,
    ctx: Context,
    format: Annotated[Literal["csv", "xlsx", "ndjson"], Query()] = "csv",
    where: Annotated[
        str | None, Query(max_length=10_000, examples=["country = BE and type = person"])
    ] = None,
) -> StreamingResponse | FileResponse:
    """K4: the columns the table's import reads, in key order; `where` selects contacts
    (or, for a table of contacts' rows, the rows of those contacts)."""
    disposition = {"content-disposition": f'attachment; filename="{table}.{format}"'}
    if format != "xlsx":
        lines = exports.export_lines(ctx.sessions, table, where=where, file_format=format)
        return StreamingResponse(lines, media_type=MEDIA[format], headers=disposition)
    folder = FilePath(tempfile.mkdtemp(prefix="rapport-export-"))
    try:
        exports.export_table(ctx.sessions, table, where=where, path=folder / "export.xlsx")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        folder / "export.xlsx",
        media_type=MEDIA["xlsx"],
        headers=disposition,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )

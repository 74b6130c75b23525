"""Imports and exports over HTTP (K4, SPEC §6.1): a CSV or Excel file uploaded into a
table runs as a job (202, `Location: /api/jobs/{id}`), all or nothing: a file that is not
one or whose header lacks the table's columns is a 422 problem at once, and bad rows fail
the job with each one's line, column and reason in its result; and a table exported.

The export rule (`ASYNC_RULE`, the same for a segment's export): an Excel export, and any
export asked with `?async=true`, runs as a job (202 with the job, `Location`), whose
result's `download` is the file; otherwise CSV and NDJSON stream in the answer, the rows
read as they are sent so that no list of them is ever held in memory."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from rapport.api.jobs import MEDIA, JobRead, job_answer
from rapport.api.shapes import file_content
from rapport.server import uploads
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.jobs import starts
from rapport.services.transfer import exports

router = api_router(tags=["imports and exports"])

Table = Annotated[str, Path(min_length=1, max_length=60, examples=["contacts"])]
ASYNC_RULE = (
    "An Excel (`xlsx`) export, and any export asked with `async=true`, runs as a job: "
    "202 with the job and `Location: /api/jobs/{id}`; when it is done its result's "
    "`download` is the file (`GET /api/jobs/{id}/file`, kept 24 hours by default). "
    "Otherwise a CSV or NDJSON export streams in the 200 answer."
)
Async = Annotated[bool, Query(alias="async", description=ASYNC_RULE)]


def export_responses(media: dict[str, str]) -> dict[int | str, dict[str, Any]]:
    """An export's documented answers: the file streamed (200) or the job (202)."""
    return {
        200: {"content": file_content(*media.values()), "description": "The file, streamed"},
        202: {"model": JobRead, "description": "The export runs as this job (ASYNC_RULE)"},
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
    file: Annotated[UploadFile, File(description="A .csv or .xlsx file with a header row.")],
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
    summary="Export a table (CSV, NDJSON or Excel): streamed, or as a job",
    description=ASYNC_RULE,
    response_class=StreamingResponse,
    response_model=None,
    responses=export_responses(MEDIA),
)
def export_table(
    table: Table,
    ctx: Context,
    who: Who,
    format: Annotated[Literal["csv", "xlsx", "ndjson"], Query()] = "csv",
    where: Annotated[
        str | None, Query(max_length=10_000, examples=["country = BE and type = person"])
    ] = None,
    run_async: Async = False,
) -> StreamingResponse | JSONResponse:
    """K4: the columns the table's import reads, in key order; `where` selects contacts
    (or, for a table of contacts' rows, the rows of those contacts)."""
    if format == "xlsx" or run_async:
        job_id = starts.export_table(
            ctx.sessions, table, where=where, file_format=format, by=who.account.name
        )
        return job_answer(ctx, job_id)
    disposition = {"content-disposition": f'attachment; filename="{table}.{format}"'}
    lines = exports.export_lines(ctx.sessions, table, where=where, file_format=format)
    return StreamingResponse(lines, media_type=MEDIA[format], headers=disposition)

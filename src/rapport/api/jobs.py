"""Jobs over HTTP: the state and progress of long work (log with delivery, import,
export), by polling `GET /api/jobs/{id}` or as Server-Sent Events from
`GET /api/jobs/{id}/events`; a finished export's file from `GET /api/jobs/{id}/file` (its
result's `download`), and `DELETE /api/jobs/{id}` forgets a finished job and its file.

A user sees their own jobs; an admin sees everyone's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from rapport.api.pages import After, Page, RowId, Timestamp, decode_cursor, next_url
from rapport.api.shapes import file_content
from rapport.domain.enums import Role
from rapport.errors import NotFound
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.jobs import files as job_files
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import LIVE

router = api_router(tags=["jobs"])
POLL_SECONDS = 0.5
MEDIA = job_files.MEDIA_TYPES
EXAMPLE: dict[str, Any] = {
    "id": 7,
    "kind": "export",
    "state": "done",
    "done": 1200,
    "total": 1200,
    "messages": ["Exporting the contacts of segment SEG00001 as XLSX."],
    "result": {
        "segment_no": "SEG00001",
        "rows": 1200,
        "format": "xlsx",
        "filename": "SEG00001.xlsx",
        "kept_until": "2026-12-04T13:00:00",
        "download": "/api/jobs/7/file",
    },
    "error": "",
    "created_by": "MARKETER1",
    "created_at": "2026-12-03T13:00:00Z",
    "started_at": "2026-12-03T13:00:01Z",
    "finished_at": "2026-12-03T13:00:02Z",
}

# One event of `GET /api/jobs/{id}/events` (before OpenAPI 3.2, an event stream's schema
# describes each event).
EVENTS: dict[str, Any] = {
    "type": "object",
    "description": "A Server-Sent Event: `progress`, whose data is the job as `GET "
    "/api/jobs/{id}` answers it, each time it changes; then one `end`, whose data is "
    '`{"state": "done"}` or `{"state": "failed"}`.',
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["progress", "end"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "anyOf": [
                    {"$ref": "#/components/schemas/JobRead"},
                    {
                        "type": "object",
                        "required": ["state"],
                        "properties": {"state": {"type": "string", "enum": list(jobs.FINISHED)}},
                    },
                ]
            },
        },
    },
}


class JobRead(BaseModel):
    """A job: `done` of `total` (null while not known), its messages, and once finished its
    `result` (an export's has `download`, the URL of its file) or its `error`."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    id: int
    kind: str
    state: str
    done: int
    total: int | None
    messages: list[str]
    result: dict[str, Any] | None
    error: str
    created_by: str
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None


def read(job: jobs.JobRead) -> JobRead:
    """The job as the API shows it: a finished export's result says where its file is."""
    fields = dataclasses.asdict(job) | {"messages": [str(message) for message in job.messages]}
    if job.kind == job_files.EXPORT and job.state == jobs.DONE and job.result:
        fields["result"] = {**job.result, "download": f"/api/jobs/{job.id}/file"}
    return JobRead(**fields)


def job_answer(ctx: Context, job_id: int) -> JSONResponse:
    """202 Accepted with the job just queued, and where to follow it (`Location`)."""
    ctx.wake_jobs()
    job = read(jobs.get(ctx.sessions, job_id, live=LIVE))
    return JSONResponse(
        job.model_dump(mode="json"),
        status_code=202,
        headers={"location": f"/api/jobs/{job_id}"},
    )


def job_for(ctx: Context, who: Who, job_id: RowId) -> jobs.JobRead:
    """The job, if it is the user's (or the user is an admin); else NotFound."""
    job = jobs.get(ctx.sessions, job_id, live=LIVE)
    if who.account.role != Role.ADMIN and job.created_by.lower() != who.account.name.lower():
        raise NotFound(f"there is no job {job_id}")
    return job


@router.get(
    "/jobs", summary="Recent jobs (yours; an admin's: everyone's)", response_model=Page[JobRead]
)
def list_jobs(
    request: Request,
    ctx: Context,
    who: Who,
    limit: int = Query(default=50, ge=1, le=1000),
    after: After = None,
) -> Page[JobRead]:
    """Newest first, page by page (`next` carries the last job's id)."""
    mine = None if who.account.role == Role.ADMIN else who.account.name
    older = decode_cursor(after, int)
    rows = jobs.get_all(ctx.sessions, limit=limit + 1, by=mine, before=older)
    following = next_url(request, rows[limit - 1].id) if len(rows) > limit else None
    return Page(items=[read(row) for row in rows[:limit]], next=following)


@router.get("/jobs/{job_id}", summary="A job's state, progress and result", response_model=JobRead)
def get_job(job_id: RowId, ctx: Context, who: Who) -> JobRead:
    return read(job_for(ctx, who, job_id))


@router.get(
    "/jobs/{job_id}/file",
    summary="The file a finished export job wrote (its result's `download`)",
    response_class=FileResponse,
    responses={
        200: {"content": file_content(*MEDIA.values()), "description": "The file"},
        404: {"description": "No such job, not an export, not done yet, or its file removed"},
    },
)
def get_job_file(job_id: RowId, ctx: Context, who: Who) -> FileResponse:
    """K4, S13: downloaded under the export's file name; the file is kept for
    `RAPPORT_EXPORT_HOURS` (default 24) after the job ended, or until the job is deleted."""
    job_for(ctx, who, job_id)
    found = job_files.get(ctx.sessions, ctx.settings, job_id)
    return FileResponse(found.path, media_type=found.media_type, filename=found.filename)


@router.delete(
    "/jobs/{job_id}",
    summary="Delete a finished job and the file it wrote",
    status_code=204,
    response_class=Response,
    responses={409: {"description": "The job is still queued or running"}},
)
def delete_job(job_id: RowId, ctx: Context, who: Who) -> Response:
    job_for(ctx, who, job_id)
    job_files.delete(ctx.sessions, ctx.settings, job_id)
    return Response(status_code=204)


@router.get(
    "/jobs/{job_id}/events",
    summary="A job's progress as Server-Sent Events, until it is done or failed",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {"schema": EVENTS}}, "description": "Events"}
    },
)
def job_events(job_id: RowId, ctx: Context, who: Who) -> StreamingResponse:
    first = job_for(ctx, who, job_id)

    async def events() -> AsyncIterator[str]:
        job, last = first, ""
        while True:
            data = read(job).model_dump_json()
            if data != last:
                yield f"event: progress\ndata: {data}\n\n"
                last = data
            if job.state in jobs.FINISHED:
                yield f"event: end\ndata: {json.dumps({'state': job.state})}\n\n"
                return
            await asyncio.sleep(POLL_SECONDS)
            job = await run_in_threadpool(jobs.get, ctx.sessions, job_id, live=LIVE)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"cache-control": "no-store"}
    )

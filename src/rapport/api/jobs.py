"""Jobs over HTTP: the state and progress of long work (log with delivery, import), by
polling `GET /api/jobs/{id}` or as Server-Sent Events from `GET /api/jobs/{id}/events`.

A user sees their own jobs; an admin sees everyone's.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from rapport.api.pages import Page, RowId, Timestamp
from rapport.domain.enums import Role
from rapport.errors import NotFound
from rapport.server.guard import Context, Who
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import LIVE

router = APIRouter(prefix="/api", tags=["jobs"])
POLL_SECONDS = 0.5


class JobRead(BaseModel):
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


def job_answer(ctx: Context, job_id: int) -> JSONResponse:
    """202 Accepted with the job just queued, and where to follow it (`Location`)."""
    job = JobRead(**dataclasses.asdict(jobs.get(ctx.sessions, job_id, live=LIVE)))
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
    ctx: Context, who: Who, limit: int = Query(default=50, ge=1, le=1000)
) -> Page[JobRead]:
    mine = None if who.account.role == Role.ADMIN else who.account.name
    rows = jobs.get_all(ctx.sessions, limit=limit, by=mine)
    return Page(items=[JobRead(**dataclasses.asdict(row)) for row in rows])


@router.get("/jobs/{job_id}", summary="A job's state, progress and result", response_model=JobRead)
def get_job(job_id: RowId, ctx: Context, who: Who) -> JobRead:
    return JobRead(**dataclasses.asdict(job_for(ctx, who, job_id)))


@router.get(
    "/jobs/{job_id}/events",
    summary="A job's progress as Server-Sent Events, until it is done or failed",
    response_class=StreamingResponse,
)
def job_events(job_id: RowId, ctx: Context, who: Who) -> StreamingResponse:
    first = job_for(ctx, who, job_id)

    async def events() -> AsyncIterator[str]:
        job, last = first, ""
        while True:
            data = JobRead(**dataclasses.asdict(job)).model_dump_json()
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

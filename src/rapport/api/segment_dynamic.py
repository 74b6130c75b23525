"""Dynamic segments over HTTP (X4; SPEC §7): refresh a segment as a job, and read or shorten
its exceptions (the contacts removed by hand, which refreshes leave out). Making a segment
dynamic and its schedule are header fields (`PATCH /api/segments/{no}`: `dynamic`,
`refresh_every`); `rapport serve` refreshes the segments whose schedule is due.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from pydantic import BaseModel

from rapport.api.answers import answer
from rapport.api.segments import PROBLEMS
from rapport.errors import Conflict
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import REFRESH
from rapport.services.segments import dynamic
from rapport.services.segments import header as segments

router = api_router(tags=["dynamic segments"])


class RefreshQueued(BaseModel):
    """The refresh job; its result, once done, is `segment refresh --json`."""

    job: int
    segment: str


class SegmentExceptionRead(BaseModel):
    """A contact removed by hand (`segment exceptions --json`, one item)."""

    contact_no: str
    contact_name: str
    action_no: int


@router.post(
    "/segments/{no}/refresh",
    summary="Refresh a dynamic segment by delta, as a job (X4)",
    status_code=202,
    response_model=RefreshQueued,
    responses={**PROBLEMS, 409: {"description": "The segment is not dynamic"}},
)
def refresh(no: str, ctx: Context, who: Who) -> JSONResponse:
    """X4: queue the refresh; `GET /api/jobs/{job}` follows it and holds its result."""
    found = segments.get(ctx.sessions, no)
    if not found.dynamic:
        raise Conflict(
            f"Segment {found.no} is not dynamic: make it so with PATCH dynamic=true first."
        )
    params = {"segment": found.no, "user": who.account.name}
    job_id = jobs.submit(ctx.sessions, kind=REFRESH, params=params, by=who.account.name)
    ctx.wake_jobs()
    return answer(
        RefreshQueued(job=job_id, segment=found.no).model_dump(),
        status=202,
        headers={"location": f"/api/jobs/{job_id}"},
    )


@router.get(
    "/segments/{no}/exceptions",
    summary="The contacts removed by hand from a dynamic segment (X4)",
    response_model=list[SegmentExceptionRead],
    responses=PROBLEMS,
)
def get_exceptions(no: str, ctx: Context) -> JSONResponse:
    return answer(dynamic.get_exceptions(ctx.sessions, no))


@router.delete(
    "/segments/{no}/exceptions/{contact}",
    summary="Take a contact off a dynamic segment's exceptions (X4)",
    response_model=list[SegmentExceptionRead],
    responses=PROBLEMS,
)
def remove_exception(no: str, contact: str, ctx: Context) -> JSONResponse:
    """X4: the next refresh may add the contact again; answers the exceptions left."""
    return answer(dynamic.remove_exception(ctx.sessions, no, contact_no=contact))

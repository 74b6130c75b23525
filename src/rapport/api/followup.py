"""Opportunities and tasks over HTTP (S14): the follow-up made from segments, as
`rapport opportunities list --json` and `rapport tasks list --json` print them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import JSONResponse

from rapport.api.pages import DEFAULT_LIMIT, After, Limit, cut, page_of
from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services.segments import followup
from rapport.services.segments.followup import OpportunityRead, TaskRead

router = api_router(tags=["opportunities and tasks"])

SegmentFilter = Annotated[
    str | None, Query(max_length=20, description="Only those made from this segment.")
]


@router.get(
    "/opportunities", summary="Opportunities, by no.", response_model=page_of(OpportunityRead)
)
def list_opportunities(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    segment: SegmentFilter = None,
) -> JSONResponse:
    """S14: every opportunity (or those of one segment), every field."""
    rows = followup.get_opportunities(ctx.sessions, segment_no=segment)
    return cut(request, rows, limit=limit, after=after, key=lambda row: row.no)


@router.get("/tasks", summary="Tasks, by no.", response_model=page_of(TaskRead))
def list_tasks(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    segment: SegmentFilter = None,
) -> JSONResponse:
    """S14: every task (or those of one segment), every field."""
    rows = followup.get_tasks(ctx.sessions, segment_no=segment)
    return cut(request, rows, limit=limit, after=after, key=lambda row: row.no)

"""A segment's composition and its overlap with other segments over HTTP (X6): the JSON
of `rapport segment stats --json` and `segment overlap --json`, from the same service as
the web card's charts (`services/segments/analytics.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from fastapi.responses import JSONResponse

from rapport.api.answers import answer
from rapport.api.segments import PROBLEMS
from rapport.api.shapes import documented
from rapport.server.guard import Context
from rapport.server.problems import fields_named
from rapport.server.routers import api_router
from rapport.services.segments import analytics
from rapport.services.segments.analytics import Composition, Overlap

router = api_router(tags=["segment analytics"])


@router.get(
    "/segments/{no}/stats",
    summary="The segment's lines counted by a contact field (X6)",
    response_model=documented(Composition),
    responses=PROBLEMS,
)
def segment_stats(
    no: str,
    ctx: Context,
    by: Annotated[
        str,
        Query(
            min_length=1,
            max_length=60,
            description="A contact field (country …) or a relation (industry_group …).",
            examples=["country"],
        ),
    ],
) -> JSONResponse:
    """X6: the largest groups first; the groups past the fiftieth are summed in `other`."""
    return answer(analytics.stats(ctx.sessions, no, by=by, accelerator=ctx.accelerator))


@router.get(
    "/segments/{no}/overlap",
    summary="How many contacts the segment has in common with others (X6)",
    response_model=documented(Overlap),
    responses=PROBLEMS,
)
def segment_overlap(
    no: str,
    ctx: Context,
    with_: Annotated[
        list[Annotated[str, Query(max_length=20)]],
        Query(
            alias="with",
            min_length=1,
            max_length=11,
            description="The other segments' nos. (repeat the parameter for each).",
        ),
    ],
) -> JSONResponse:
    """X6: `counts[i][j]` is the number of contacts on both segment i and segment j, the
    segment of the path first (the diagonal: each segment's own contacts)."""
    with fields_named(segments="with"):
        found = analytics.overlap(
            ctx.sessions, [no, *with_], accelerator=ctx.accelerator, addressed=1
        )
    return answer(found)

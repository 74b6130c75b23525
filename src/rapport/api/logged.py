"""Logged segments over HTTP (L5, X8): the list (filtered with the logged segments'
criteria and searched), one with its delivery counts, its recipients' delivery status page
by page (of chosen states), cancel and un-cancel, delete the canceled ones, and resend what
was not delivered: queued again in the request, delivered by a job (202, `Location:
/api/jobs/{id}`), as a log with delivery is. Answers are the JSON of `rapport logged …
--json` (whose `logged show` gives the counts and the recipients in one answer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field, StrictBool

from rapport.api.jobs import JobRead, job_answer
from rapport.api.pages import (
    DEFAULT_LIMIT,
    After,
    Limit,
    RequestBody,
    decode_cursor,
    page,
    page_of,
)
from rapport.api.shapes import answer, documented, jsonable
from rapport.domain.codes import LARGEST_ENTRY_NO
from rapport.domain.enums import CorrespondenceType
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.delivery import queue as delivery
from rapport.services.delivery.claims import STATES
from rapport.services.delivery.queue import DeliveryRead
from rapport.services.interactions import logged
from rapport.services.interactions.logged import LoggedSegmentRead
from rapport.services.jobs import starts

router = api_router(tags=["logged segments"])

EntryNo = Annotated[int, Path(ge=1, le=LARGEST_ENTRY_NO, description="Logged segment entry no.")]


@router.get(
    "/logged-segments",
    summary="Logged segments, by entry no.",
    response_model=page_of(LoggedSegmentRead),
)
def list_logged(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    where: Annotated[
        str | None,
        Query(
            max_length=10_000,
            description="Criteria on the logged segments' fields (docs/criteria-language.md, "
            "subject `logged_segments`).",
            examples=["segment = SEG00001 and not canceled"],
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Plain search in the segment no., description, user."),
    ] = None,
) -> JSONResponse:
    """L5: the logged segments the criteria `where` select and whose segment no.,
    description or user ID contains `q`, with their interaction and campaign entry counts."""
    rows = logged.get_all(
        ctx.sessions, where=where, search=q, after=decode_cursor(after, int), limit=limit + 1
    )
    return page(request, rows, limit=limit, key=lambda row: row.entry_no)


@router.get("/logged-segments/{entry_no:int}", summary="A logged segment and its delivery counts")
def get_logged(entry_no: EntryNo, ctx: Context) -> dict[str, Any]:
    """L5/X8: the logged segment with how many of its recipients are in each delivery state
    (pending, sending, sent, failed, skipped, uncertain); each recipient's status is in
    `GET /api/logged-segments/{entry_no}/deliveries`."""
    card = logged.show(ctx.sessions, entry_no, limit=0)
    return {**jsonable(card.logged_segment), "delivery": jsonable(card.delivery)}


Statuses = Annotated[
    list[str],
    Query(
        description="Only the recipients in these delivery states (repeat it for more than one).",
        json_schema_extra={"items": {"type": "string", "enum": list(STATES)}},
    ),
]


@router.get(
    "/logged-segments/{entry_no:int}/deliveries",
    summary="A logged segment's recipients and their delivery status",
    response_model=page_of(DeliveryRead),
)
def list_deliveries(
    request: Request,
    entry_no: EntryNo,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    status: Statuses = [],  # noqa: B006 (FastAPI copies a parameter's default)
) -> JSONResponse:
    """L3/X8: each recipient of the logged segment by interaction entry no., with its
    delivery status and why (sent; failed: the reason, attempts and the next attempt;
    skipped: opted out, privacy blocked, no e-mail address); with `status`, only those in
    one of the states named (`?status=failed`: whom to look at before a resend)."""
    rows = delivery.get_deliveries(
        ctx.sessions,
        logged_segment_entry_no=entry_no,
        after=decode_cursor(after, int),
        limit=limit + 1,
        statuses=status,
    )
    return page(request, rows, limit=limit, key=lambda row: row.entry_no)


@router.post(
    "/logged-segments/{entry_no:int}/cancel",
    summary="Cancel a logged segment",
    response_model=documented(LoggedSegmentRead),
)
def cancel(entry_no: EntryNo, ctx: Context) -> JSONResponse:
    """L5: the logged segment, its interactions and campaign entries become canceled."""
    return answer(logged.cancel_log(ctx.sessions, entry_no))


@router.post(
    "/logged-segments/{entry_no:int}/uncancel",
    summary="Un-cancel a logged segment",
    response_model=documented(LoggedSegmentRead),
)
def uncancel(entry_no: EntryNo, ctx: Context) -> JSONResponse:
    """L5: remove the canceled mark from the logged segment and its entries."""
    return answer(logged.uncancel_log(ctx.sessions, entry_no))


@router.post("/logged-segments/delete-canceled", summary="Delete the canceled logged segments")
def delete_canceled(
    ctx: Context,
    entry: Annotated[
        int | None, Query(ge=1, le=LARGEST_ENTRY_NO, description="Only this one (if canceled).")
    ] = None,
) -> dict[str, int]:
    """L5: their interaction log entries and campaign entries stay, canceled."""
    return {"deleted": logged.delete_canceled(ctx.sessions, entry_no=entry)}


class ResendBody(RequestBody):
    """`rapport logged resend` options."""

    include_uncertain: StrictBool = Field(
        default=False,
        description="Also the entries interrupted after the hand-off (they may have arrived).",
    )
    correspondence_type: CorrespondenceType = Field(
        default=CorrespondenceType.NONE,
        description="Deliver them all as hard_copy or email; blank: as each entry (BC's option).",
    )


@router.post(
    "/logged-segments/{entry_no:int}/resend",
    summary="Deliver again what was not sent (a job)",
    status_code=202,
    response_model=JobRead,
    responses={
        202: {"description": "Queued again; the delivery runs as this job"},
        404: {"description": "No such logged segment"},
        409: {"description": "The logged segment is canceled"},
        422: {"description": "A bad correspondence type, or no SMTP server or sender for e-mail"},
    },
)
def resend(
    entry_no: EntryNo, ctx: Context, who: Who, body: ResendBody | None = None
) -> JSONResponse:
    """L5/X8: failed, skipped and never-queued entries are queued again here and delivered
    by a job (202, `Location: /api/jobs/{id}`) whose done/total count the logged segment's
    recipients and whose result says how many were sent, failed and skipped (and the hard
    copies' `archive`); an entry already sent is never sent twice. Refused before anything
    is queued: a canceled logged segment (409), e-mail to send without an SMTP server or a
    sender (422). The body is optional."""
    asked = body or ResendBody()
    job_id = starts.resend(
        ctx.sessions,
        entry_no,
        include_uncertain=asked.include_uncertain,
        correspondence_type=asked.correspondence_type.value,
        by=who.account.name,
        settings=ctx.settings,
    )
    return job_answer(ctx, job_id)

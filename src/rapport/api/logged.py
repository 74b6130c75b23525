"""Logged segments over HTTP (L5, X8): the list, one with its delivery counts, its
recipients' delivery status page by page, cancel and un-cancel, delete the canceled ones,
and resend what was not delivered. Answers are the JSON of `rapport logged … --json` (whose
`logged show` gives the counts and the recipients in one answer)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field, StrictBool

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
from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services.delivery import queue as delivery
from rapport.services.delivery.queue import DeliveryRead
from rapport.services.interactions import logged
from rapport.services.interactions.logged import LoggedSegmentRead

router = api_router(tags=["logged segments"])

EntryNo = Annotated[int, Path(ge=1, le=LARGEST_ENTRY_NO, description="Logged segment entry no.")]


@router.get(
    "/logged-segments",
    summary="Logged segments, by entry no.",
    response_model=page_of(LoggedSegmentRead),
)
def list_logged(
    request: Request, ctx: Context, limit: Limit = DEFAULT_LIMIT, after: After = None
) -> JSONResponse:
    """L5: every logged segment with its interaction and campaign entry counts."""
    rows = logged.get_all(ctx.sessions, after=decode_cursor(after, int), limit=limit + 1)
    return page(request, rows, limit=limit, key=lambda row: row.entry_no)


@router.get("/logged-segments/{entry_no:int}", summary="A logged segment and its delivery counts")
def get_logged(entry_no: EntryNo, ctx: Context) -> dict[str, Any]:
    """L5/X8: the logged segment with how many of its recipients are in each delivery state
    (pending, sending, sent, failed, skipped, uncertain); each recipient's status is in
    `GET /api/logged-segments/{entry_no}/deliveries`."""
    card = logged.show(ctx.sessions, entry_no, limit=0)
    return {**jsonable(card.logged_segment), "delivery": jsonable(card.delivery)}


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
) -> JSONResponse:
    """L3/X8: each recipient of the logged segment by interaction entry no., with its
    delivery status and why (sent; failed: the reason, attempts and the next attempt;
    skipped: opted out, privacy blocked, no e-mail address)."""
    rows = delivery.get_deliveries(
        ctx.sessions,
        logged_segment_entry_no=entry_no,
        after=decode_cursor(after, int),
        limit=limit + 1,
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


@router.post("/logged-segments/{entry_no:int}/resend", summary="Deliver again what was not sent")
def resend(entry_no: EntryNo, ctx: Context, body: ResendBody | None = None) -> JSONResponse:
    """L5/X8: failed, skipped and never-queued entries are delivered again; an entry
    already sent is never sent twice. The body is optional."""
    asked = body or ResendBody()
    result = logged.resend(
        ctx.sessions,
        entry_no,
        settings=ctx.settings,
        include_uncertain=asked.include_uncertain,
        correspondence_type=asked.correspondence_type.value,
    )
    fields = dataclasses.asdict(result)
    return answer({name: fields[name] for name in ("sent", "failed", "skipped", "archive")})

"""Logged segments in the browser (L5, X8): the list with a criteria filter and a plain
search; a logged segment's card with each recipient's delivery status and reason; cancel,
uncancel, resend what was not sent (delivered by a job, whose page shows its progress), and
delete a canceled one."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from rapport.criteria import LOGGED_SEGMENTS
from rapport.domain.enums import CorrespondenceType
from rapport.errors import Conflict
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.interactions import browse, logged
from rapport.services.jobs import starts
from rapport.web.addresses import EntryAfter, EntryNo
from rapport.web.captions import choice_captions, moment
from rapport.web.lists import (
    PAGE_SIZE,
    listed,
    may_change,
    next_link,
    read_filter,
    wants_fragment,
)
from rapport.web.render import language_of, page, translator

router = web_router()
SHOWN_RECIPIENTS = 500


@router.get("/logged-segments")
def logged_list(
    request: Request,
    ctx: Context,
    who: Who,
    where: Annotated[str | None, Query(max_length=10_000)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    after: EntryAfter = None,
) -> Response:
    del who
    asked = read_filter(where, q, LOGGED_SEGMENTS, translator(request))
    found, result = listed(
        asked,
        lambda: browse.logged_page(
            ctx.sessions, criteria=asked.criteria, search=asked.search, after=after, size=PAGE_SIZE
        ),
        translator(request),
    )
    context: dict[str, Any] = {
        "filter": found,
        "result": result,
        "next": next_link(request, result.next_after if result else None),
    }
    template = "logged/_results.html" if wants_fragment(request) else "logged/page.html"
    return page(request, template, **context)


@router.get("/logged-segments/{entry_no}")
def logged_card(request: Request, entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    card = logged.show(ctx.sessions, entry_no, limit=SHOWN_RECIPIENTS)  # one reading
    header, recipients, counted = card.logged_segment, card.deliveries, asdict(card.delivery)
    language = language_of(request)
    return page(
        request,
        "logged/card.html",
        header=header,
        recipients=recipients,
        sent_at={
            item.entry_no: moment(item.sent_at, language) for item in recipients if item.sent_at
        },
        total=sum(counted.values()),
        counts=sorted((status, count) for status, count in counted.items() if count),
        may_change=may_change(who),
        resend_types=choice_captions("correspondence_type", tuple(CorrespondenceType)),
        uncertain=counted.get("uncertain", 0),
        done=request.query_params.get("done", ""),
    )


def _back(entry_no: int, done: str) -> Response:
    return RedirectResponse(f"/logged-segments/{entry_no}?done={done}", status_code=303)


@router.post("/logged-segments/{entry_no}/cancel")
def cancel(entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    del who
    logged.cancel_log(ctx.sessions, entry_no)
    return _back(entry_no, "canceled")


@router.post("/logged-segments/{entry_no}/uncancel")
def uncancel(entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    del who
    logged.uncancel_log(ctx.sessions, entry_no)
    return _back(entry_no, "uncanceled")


@router.post("/logged-segments/{entry_no}/resend")
async def resend(request: Request, entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    """L5/X8: queue again every interaction not yet sent (a sent one never again), by the
    correspondence type chosen (BC's Resend option) or each entry's own, the uncertain ones
    (interrupted after their hand-off) only when ticked; the delivery runs
    as a job, whose page follows its progress, as a log with delivery's does. What cannot
    be resent is refused here, nothing queued."""
    form = await request.form()
    kind = form.get("correspondence_type", "")
    job_id = await run_in_threadpool(
        starts.resend,
        ctx.sessions,
        entry_no,
        include_uncertain=form.get("include_uncertain") == "true",
        correspondence_type=kind if isinstance(kind, str) else "",
        by=who.account.name,
        settings=ctx.settings,
    )
    ctx.wake_jobs()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.post("/logged-segments/{entry_no}/delete")
def delete(entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    """L5: only a canceled logged segment is deleted; its entries stay, canceled."""
    del who
    header = logged.get(ctx.sessions, entry_no)
    if not header.canceled:
        raise Conflict(f"Logged segment {entry_no} is not canceled; cancel it first.")
    logged.delete_canceled(ctx.sessions, entry_no=entry_no)
    return RedirectResponse("/logged-segments", status_code=303)

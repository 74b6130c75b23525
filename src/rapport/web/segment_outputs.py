"""What a segment card does with its segment besides building it (S9, S10, S12–S14, L2;
SPEC §8): save and reuse criteria, reuse a logged segment, log the segment, export its
contacts, apply a mailing group, create opportunities and tasks.

Business Central's confirmations are asked on the card with BC's default: reusing criteria
or a logged segment on a segment that already has criteria actions asks first (default No),
once what the user typed names something that can be reused (BC asks before its list of
logged segments, which offers only those that exist).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from rapport.errors import Invalid, RapportError, Unconfirmed
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.interactions import log as interactions
from rapport.services.jobs import starts
from rapport.services.segments import followup, outputs, reuse
from rapport.web.render import page, told
from rapport.web.segments import (
    BUILD,
    DONE_AT,
    DONE_MESSAGES,
    USE,
    back_to_card,
    card,
    counts_of,
    data,
    question,
)

router = web_router()


async def form_of(request: Request) -> dict[str, str]:
    return {k: v for k, v in (await request.form()).items() if isinstance(v, str)}


def whole_number(text: str, field: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid(f"{text!r} is not a whole number", where=field) from None


@router.post("/segments/{no}/save-criteria")
async def save_criteria(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S9: save the segment's criteria actions under a code."""
    form = await form_of(request)

    def run() -> object:
        return reuse.save_criteria(
            ctx.sessions,
            no,
            code=form.get("code", ""),
            description=form.get("description", ""),
            user=who.account.name,
        )

    return carried_out(request, ctx, who, no, run, "saved")


def carried_out(
    request: Request,
    ctx: Context,
    who: Any,
    no: str,
    run: Callable[[], object],
    done: str,
    *,
    asking: dict[str, str] | None = None,
    kept: dict[str, Any] | None = None,
) -> Response:
    """A card action: `run` it, then back to the card saying `done` (with what an add did,
    `counts_of`); a refusal is shown on the card (422). With `asking` (the posted form), the
    service's question (a Conflict that wants a yes) is asked on the card instead, with BC's
    default. Either is said in the section whose form it was, the one that says `done`, and
    the card keeps the values `kept` as typed."""
    segment = no.strip().upper()
    at = DONE_AT[done]
    kept = kept or {}
    try:
        result = run()
    except Unconfirmed as exc:
        if asking is None:
            return card(request, ctx, who, segment, 422, error=told(request, exc), at=at, **kept)
        return confirmed(request, ctx, who, no, asking, exc, at=at, kept=kept)
    except RapportError as exc:
        return card(request, ctx, who, segment, 422, error=told(request, exc), at=at, **kept)
    return back_to_card(segment, done, counts=counts_of(result))


def confirmed(
    request: Request,
    ctx: Context,
    who: Any,
    no: str,
    form: dict[str, str],
    exc: Unconfirmed,
    *,
    at: str,
    kept: dict[str, Any],
) -> Response:
    """BC's "Are you sure you want to reuse …?" (default No), asked in section `at`."""
    asked = question(
        exc.question,
        action=f"{request.url.path}#{at}",
        name="yes",
        default="no",
        form=form,
    )
    return card(request, ctx, who, no.strip().upper(), question=asked, at=at, **kept)


@router.post("/segments/{no}/reuse-criteria")
async def reuse_criteria(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S9: replay the saved criteria `code` on this segment."""
    form = await form_of(request)
    if form.get("yes") == "no":
        return back_to_card(no.strip().upper(), at=USE)

    done: list[reuse.ReuseResult] = []

    def run() -> object:
        result = reuse.reuse_criteria(
            ctx.sessions,
            no,
            code=form.get("code", ""),
            user=who.account.name,
            yes=form.get("yes") == "yes",
        )
        done.append(result)
        return result

    answer = carried_out(request, ctx, who, no, run, "reused", asking=form)
    if done and done[0].warnings:  # codes deleted since the criteria were saved
        message = DONE_MESSAGES["reused"]
        segment = no.strip().upper()
        warnings = done[0].warnings
        return card(request, ctx, who, segment, message=message, warnings=warnings, at=USE)
    return answer


@router.post("/segments/{no}/reuse-logged")
async def reuse_logged(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S10: the contacts of a logged segment become lines of this one."""
    form = await form_of(request)
    if form.get("yes") == "no":
        return back_to_card(no.strip().upper(), at=BUILD)

    def run() -> object:
        entry_no = whole_number(form.get("logged_segment", ""), "logged_segment")
        return reuse.reuse_logged(
            ctx.sessions,
            no,
            entry_no=entry_no,
            user=who.account.name,
            allow_existing=form.get("allow_existing") == "true",
            ignore_exclusion=form.get("ignore_exclusion") == "true",
            yes=form.get("yes") == "yes",
        )

    kept: dict[str, Any] = {"logged_segment": form.get("logged_segment", "")}
    return carried_out(request, ctx, who, no, run, "action", asking=form, kept=kept)


@router.post("/segments/{no}/log")
async def log_segment(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """L2–L4: log the segment (and a follow-up segment when asked); with delivery (L3) the
    log commits here and the delivery runs as a job, whose page follows its progress."""
    form = await form_of(request)
    follow_up = form.get("follow_up") == "true"
    try:
        if form.get("deliver") == "true":
            started = await run_in_threadpool(
                starts.log_and_deliver,
                ctx.sessions,
                no,
                follow_up=follow_up,
                user=who.account.name,
                settings=ctx.settings,
            )
            ctx.wake_jobs()
            return RedirectResponse(f"/jobs/{started.job_id}", status_code=303)
        result = await run_in_threadpool(
            interactions.log_segment,
            ctx.sessions,
            no,
            follow_up=follow_up,
            user=who.account.name,
            settings=ctx.settings,
        )
    except RapportError as exc:
        return card(request, ctx, who, no.strip().upper(), 422, error=told(request, exc))
    return page(request, "segments/logged.html", no=no.strip().upper(), result=data(result))


@router.post("/segments/{no}/export")
async def export(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S13: the segment's contacts as a CSV or Excel file, written by a job whose page
    follows its progress and offers the file when it is done."""
    file_format = (await form_of(request)).get("format", "csv")
    job_id = await run_in_threadpool(
        starts.export_segment, ctx.sessions, no, file_format=file_format, by=who.account.name
    )
    ctx.wake_jobs()
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.post("/segments/{no}/mailing-group")
async def apply_mailing_group(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S12: give every contact of the segment the mailing group (optionally replacing)."""
    form = await form_of(request)

    def run() -> object:
        return outputs.apply_mailing_group(
            ctx.sessions,
            no,
            code=form.get("mailing_group", ""),
            replace=form.get("replace") == "true",
        )

    return carried_out(request, ctx, who, no, run, "mailing-group")


@router.post("/segments/{no}/opportunities")
async def create_opportunities(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S14: an opportunity for every contact of the segment."""
    form = await form_of(request)

    def run() -> object:
        return followup.create_opportunities(
            ctx.sessions,
            no,
            sales_cycle_code=form.get("sales_cycle_code") or None,
            description=form.get("description") or None,
        )

    return carried_out(request, ctx, who, no, run, "opportunities")


@router.post("/segments/{no}/tasks")
async def create_tasks(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S14: a task for every contact of the segment."""
    form = await form_of(request)

    def run() -> object:
        when = form.get("date", "").strip()
        try:
            date = dt.date.fromisoformat(when) if when else dt.date.today()
        except ValueError:
            raise Invalid(f"{when!r} is not a date (YYYY-MM-DD)", where="date") from None
        return followup.create_tasks(
            ctx.sessions,
            no,
            type=form.get("type", ""),
            date=date,
            description=form.get("description", ""),
            salesperson_code=form.get("salesperson_code") or None,
        )

    return carried_out(request, ctx, who, no, run, "tasks")

"""Interaction log entries over HTTP (L6): the keyset-paged list filtered with the entries'
criteria, one entry, cancel and un-cancel, evaluate, attempt failed, and totals. Answers
are the JSON of `rapport interactions … --json`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool

from rapport.api.pages import (
    DEFAULT_LIMIT,
    JSON_INTEGER,
    After,
    Limit,
    RequestBody,
    decode_cursor,
    page,
    page_of,
    whole,
)
from rapport.api.shapes import answer, documented
from rapport.domain.codes import LARGEST_ENTRY_NO
from rapport.server.guard import Context
from rapport.server.problems import fields_named
from rapport.server.routers import api_router
from rapport.services.interactions import entries
from rapport.services.interactions.entries import EntryRead, Total

router = api_router(tags=["interaction log entries"])

EntryNo = Annotated[int, Path(ge=1, le=LARGEST_ENTRY_NO, description="Interaction log entry no.")]
Where = Annotated[
    str,
    Query(max_length=10_000, examples=["campaign_no = CP00001 and not canceled"]),
]


EntryNoValue = Annotated[int, Field(strict=True, ge=1, le=LARGEST_ENTRY_NO), JSON_INTEGER]


class EntryNos(RequestBody):
    entries: list[EntryNoValue] = Field(min_length=1, max_length=10_000)


class Evaluation(RequestBody):
    evaluation: Literal["very_positive", "positive", "neutral", "negative", "very_negative", ""] = (
        Field(examples=["positive"], description="How it went; '' clears it.")
    )


class AttemptFailed(RequestBody):
    attempt_failed: StrictBool = True


class EntriesCanceled(BaseModel):
    entries: int = Field(description="How many entries were changed.")
    canceled: bool


@router.get(
    "/interaction-log-entries",
    summary="Interaction log entries, by entry no.",
    response_model=page_of(EntryRead),
)
def list_entries(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    where: Where = "",
) -> JSONResponse:
    """L6: the entries the criteria select (on entry fields), every field."""
    rows = entries.get_all(
        ctx.sessions, where=where, after=decode_cursor(after, int), limit=limit + 1
    )
    return page(request, rows, limit=limit, key=lambda row: row.entry_no)


@router.get(
    "/interaction-log-entries/totals",
    summary="Number, cost and duration of interactions per code",
    response_model=page_of(Total),
)
def totals(
    ctx: Context,
    by: Annotated[Literal["template", "group", "campaign", "contact"], Query()],
    where: Where = "",
) -> JSONResponse:
    """L6: of the entries neither canceled nor postponed, per template, group, campaign or
    contact (one page: a row per code)."""
    return whole(entries.totals(ctx.sessions, by=by, where=where))


@router.get(
    "/interaction-log-entries/{entry_no:int}",
    summary="One interaction log entry",
    response_model=documented(EntryRead),
)
def get_entry(entry_no: EntryNo, ctx: Context) -> JSONResponse:
    """L6: every field of the entry, as the list gives it."""
    return answer(entries.get(ctx.sessions, entry_no))


def _cancel(ctx: Context, body: EntryNos, *, canceled: bool) -> EntriesCanceled:
    with fields_named(entry_nos="entries"):
        count = entries.cancel(ctx.sessions, body.entries, canceled=canceled, listed=True)
    return EntriesCanceled(entries=count, canceled=canceled)


@router.post("/interaction-log-entries/cancel", summary="Cancel interaction log entries")
def cancel_entries(body: EntryNos, ctx: Context) -> EntriesCanceled:
    """L6: cancel single entries."""
    return _cancel(ctx, body, canceled=True)


@router.post("/interaction-log-entries/uncancel", summary="Un-cancel interaction log entries")
def uncancel_entries(body: EntryNos, ctx: Context) -> EntriesCanceled:
    """L6: the logged segment and campaign entry of each must not be canceled."""
    return _cancel(ctx, body, canceled=False)


@router.post(
    "/interaction-log-entries/{entry_no:int}/evaluate",
    summary="Evaluate an interaction",
    response_model=documented(EntryRead),
)
def evaluate(entry_no: EntryNo, body: Evaluation, ctx: Context) -> JSONResponse:
    """L6: record how the interaction went."""
    return answer(entries.evaluate(ctx.sessions, entry_no, evaluation=body.evaluation))


@router.post(
    "/interaction-log-entries/{entry_no:int}/attempt-failed",
    summary="Record that the attempt failed (or clear it)",
    response_model=documented(EntryRead),
)
def attempt_failed(entry_no: EntryNo, body: AttemptFailed, ctx: Context) -> JSONResponse:
    """L6: the attempt to reach the contact failed."""
    row = entries.set_attempt_failed(ctx.sessions, entry_no, attempt_failed=body.attempt_failed)
    return answer(row)

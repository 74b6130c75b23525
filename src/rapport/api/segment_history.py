"""A segment's history over HTTP (S7, S9, X3, X5; SPEC §7): its criteria actions in plain
language, the membership log of every entry and exit, why a contact is on it (explain),
and its criteria saved under a code for reuse. Answers are the `segment` commands' JSON.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from rapport.api.answers import answer
from rapport.api.pages import (
    DEFAULT_LIMIT,
    After,
    Limit,
    Page,
    RequestBody,
    Timestamp,
    decode_cursor,
    page,
)
from rapport.api.segments import PROBLEMS, ShortCode, Text
from rapport.api.shapes import documented
from rapport.errors import Invalid
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.segments import explain as explaining
from rapport.services.segments import history, reuse
from rapport.services.segments.explain import Explanation
from rapport.services.segments.history import EventKey

router = api_router(tags=["segment history"])


class CriteriaActionRead(BaseModel):
    """One criteria action (`segment criteria --json`, one item)."""

    action_no: int
    action: str
    criteria: str
    description: str = Field(description="The action in plain language.")
    allow_existing_contacts: bool
    expand_contact: bool
    allow_company_with_persons: bool
    ignore_exclusion: bool
    entire_companies: bool
    manual: bool
    no_of_lines_added: int
    no_of_lines_removed: int
    user_id: str
    created_at: Timestamp | None


class MembershipEvent(BaseModel):
    """An entry or exit of a contact (`segment history --json`, one item)."""

    action_no: int
    contact_no: str
    line_no: int
    action: str
    criteria: str
    user_id: str
    created_at: Timestamp | None
    event: str = Field(description="entry or exit")


class SaveCriteriaBody(RequestBody):
    code: ShortCode = Field(examples=["BE-RETAIL"])
    description: Text = ""


class Saved(BaseModel):
    code: str


@router.get(
    "/segments/{no}/criteria",
    summary="The criteria actions in plain language (S7), by action no.",
    response_model=Page[CriteriaActionRead],
    responses=PROBLEMS,
)
def get_criteria(
    no: str, request: Request, ctx: Context, limit: Limit = DEFAULT_LIMIT, after: After = None
) -> JSONResponse:
    rows = history.criteria(ctx.sessions, no, after=decode_cursor(after, int), limit=limit + 1)
    return page(request, rows, limit=limit, key=lambda row: row.action_no)


@router.get(
    "/segments/{no}/history",
    summary="The membership log: every entry and exit, by action (X5), a page at a time",
    response_model=Page[MembershipEvent],
    responses=PROBLEMS,
)
def get_history(
    no: str,
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    contact: Annotated[str | None, Query(max_length=20, description="One contact.")] = None,
) -> JSONResponse:
    """X5: the entries and exits in (action no., line no.) order, read a page at a time
    (the log of a large segment is as long as its lines)."""
    rows = history.membership_log(
        ctx.sessions, no, contact_no=contact, after=_event_after(after), limit=limit + 1
    )
    return page(request, rows, limit=limit, key=_event_cursor)


# An event's key in a cursor: "ACTION.LINE", each a number the database can compare.
_EVENT_KEY = re.compile(r"([0-9]{1,18})\.([0-9]{1,18})")


def _event_cursor(event: history.MembershipEvent) -> str:
    action_no, line_no = history.event_key(event)
    return f"{action_no}.{line_no}"


def _event_after(after: str | None) -> EventKey | None:
    """The (action no., line no.) of the event a membership log cursor names; Invalid for a
    cursor this list did not give."""
    key = decode_cursor(after, str)
    if key is None:
        return None
    found = _EVENT_KEY.fullmatch(key)
    if found is None:
        raise Invalid("not a cursor this list gave", field="after")
    return int(found[1]), int(found[2])


@router.get(
    "/segments/{no}/explain/{contact}",
    summary="Which actions put the contact on the segment or took it off, and why (X3)",
    response_model=documented(Explanation),
    responses=PROBLEMS,
)
def explain(no: str, contact: str, ctx: Context) -> JSONResponse:
    return answer(explaining.explain(ctx.sessions, no, contact))


@router.post(
    "/segments/{no}/saved-criteria",
    summary="Save the segment's criteria actions under a code (S9)",
    status_code=201,
    response_model=Saved,
    responses={**PROBLEMS, 409: {"description": "The code is taken"}},
)
def save_criteria(no: str, body: SaveCriteriaBody, ctx: Context, who: Who) -> JSONResponse:
    code = reuse.save_criteria(
        ctx.sessions, no, code=body.code, description=body.description, user=who.account.name
    )
    return answer({"code": code}, status=201)

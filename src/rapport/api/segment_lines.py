"""A segment's lines over HTTP (S5; SPEC §7): the lines a keyset page at a time, filtered
with the criteria language on their contacts; one line with its `ETag`; a line changed
(`segment set-line`, 412 on a stale `If-Match`) or its contact removed
(`segment remove-contact`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictBool

from rapport.api.answers import answer, expected_versions, plain
from rapport.api.criteria_input import read_criteria
from rapport.api.pages import After, IsoDate, Limit, Page, RequestBody, decode_cursor, next_url
from rapport.api.segment_actions import ContactRemoved
from rapport.api.segments import PROBLEMS, Amount, Code, IfMatch, Text, field_text
from rapport.domain.codes import LARGEST_LINE_NO
from rapport.errors import Invalid
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.segments import line_edits, manual, paging

router = api_router(tags=["segment lines"])

LineNo = Annotated[int, Path(ge=1, le=LARGEST_LINE_NO, description="The line no., e.g. 10000.")]


class LineRead(BaseModel):
    """A line on a segment, as in `segment show --json`'s `lines`."""

    line_no: int
    contact_no: str
    contact_name: str
    contact_company_no: str
    contact_company_name: str
    salesperson_code: str
    correspondence_type: str
    interaction_template_code: str
    interaction_group_code: str
    language_code: str
    campaign_no: str
    campaign_target: bool
    campaign_response: bool
    description: str
    subject: str
    date: dt.date | None
    cost: int | float
    duration: int | float
    information_flow: str
    initiated_by: str
    evaluation: str
    attachment_no: int
    word_template_code: str
    contact_alt_address_code: str
    send_word_doc_as_attmt: bool
    attempt_failed: bool


class LineUpdate(RequestBody):
    """The editable line fields (S5), applied in this order; a changed `contact_no` is
    recorded as two actions (the old contact out, the new one in at the same line no.)."""

    contact_no: Code | None = None
    interaction_template_code: Code | None = None
    language_code: Code | None = None
    description: Text | None = None
    campaign_no: Code | None = None
    salesperson_code: Code | None = None
    correspondence_type: Code | None = None
    cost: Amount | None = None
    duration: Amount | None = None
    date: IsoDate | None = None
    campaign_target: StrictBool | None = None
    campaign_response: StrictBool | None = None
    information_flow: Code | None = None
    initiated_by: Code | None = None
    evaluation: Code | None = None
    subject: Text | None = None
    attempt_failed: StrictBool | None = None
    send_word_doc_as_attmt: StrictBool | None = None

    def assignments(self) -> list[tuple[str, str]]:
        given = self.model_fields_set
        return [
            (name, field_text(getattr(self, name)))
            for name in LineUpdate.model_fields
            if name in given
        ]


class LineChanged(BaseModel):
    segment: str
    line_no: int


@router.get(
    "/segments/{no}/lines",
    summary="The lines on a segment, by line no.",
    response_model=Page[LineRead],
    responses=PROBLEMS,
)
def list_lines(
    no: str,
    request: Request,
    ctx: Context,
    limit: Limit = 100,
    after: After = None,
    where: Annotated[
        str | None,
        Query(max_length=4000, description="Criteria on the line's contact (SPEC §5)."),
    ] = None,
) -> JSONResponse:
    criteria = read_criteria(where, field="where") if where is not None else None
    chunk = paging.get_lines_page(
        ctx.sessions, no, limit=limit, after=decode_cursor(after, int), where=criteria
    )
    last = chunk.items[-1].line_no if chunk.more else None
    return JSONResponse({"items": plain(chunk.items), "next": next_url(request, last)})


@router.get(
    "/segments/{no}/lines/{line}",
    summary="One line, with its ETag",
    response_model=LineRead,
    responses=PROBLEMS,
)
def get_line(no: str, line: LineNo, ctx: Context) -> JSONResponse:
    found = paging.get_line_versioned(ctx.sessions, no, line)
    return answer(found.value, version=found.version)


@router.patch(
    "/segments/{no}/lines/{line}",
    summary="Change one line (S5), optionally based on an ETag",
    response_model=LineChanged,
    responses={**PROBLEMS, 412: {"description": "Another user has modified the line"}},
)
def update_line(
    no: str, line: LineNo, body: LineUpdate, ctx: Context, who: Who, if_match: IfMatch = None
) -> JSONResponse:
    values = body.assignments()
    if not values:
        raise Invalid("give at least one field to change", field="body")
    line_edits.set_line(
        ctx.sessions,
        no,
        line,
        values=values,
        user=who.account.name,
        expected_version=expected_versions(if_match),
    )
    found = paging.get_line_versioned(ctx.sessions, no, line)
    return answer({"segment": no.strip().upper(), "line_no": line}, version=found.version)


@router.delete(
    "/segments/{no}/lines/{line}",
    summary="Remove the line's contact from the segment (S5), as its own undoable action",
    response_model=ContactRemoved,
    responses=PROBLEMS,
)
def delete_line(
    no: str,
    line: LineNo,
    ctx: Context,
    who: Who,
    keep_criteria: Annotated[
        bool, Query(description="Keep the criteria actions when the segment becomes empty.")
    ] = False,
) -> JSONResponse:
    contact_no = paging.get_line_versioned(ctx.sessions, no, line).value.contact_no
    if not contact_no:
        raise Invalid(f"line {line} has no contact to remove", field="line")
    result = manual.remove_contact(
        ctx.sessions, no, contact_no=contact_no, user=who.account.name, keep_criteria=keep_criteria
    )
    return answer(result)

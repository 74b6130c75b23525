"""Segments over HTTP (S1, S2; SPEC §7): create, list, read, change and delete a segment's
header. The answers are the JSON of `segment show --json` without its lines (which are at
`/api/segments/{no}/lines`); a header's `ETag` is its version, and a `PATCH` naming an
older one in `If-Match` is refused with 412 and changes nothing.

The lines, the actions and history, and the uses of a segment are in `segment_lines`,
`segment_actions`, `segment_history` and `segment_outputs`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool

from rapport.api.answers import answer, expected_versions
from rapport.api.pages import (
    DEFAULT_LIMIT,
    After,
    IsoDate,
    Limit,
    Page,
    RequestBody,
    Timestamp,
    decode_cursor,
    page,
)
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.segments import deletion, overview, paging
from rapport.services.segments import header as segments
from rapport.services.segments.overview import SegmentFilter

router = api_router(tags=["segments"])

Code = Annotated[str, Field(max_length=20)]
Text = Annotated[str, Field(max_length=100)]
# A code that must have a value (a blank one is not a code), at most `max_length` long.
ShortCode = Annotated[str, Field(max_length=10, pattern=r"\S")]
Amount = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2)]
IfMatch = Annotated[
    str | None,
    Header(description="The ETag the change is based on; 412 when the segment has changed."),
]

# A code the segment list is filtered by (`?salesperson=KIM`); blank: the segments without one.
CodeFilter = Annotated[
    str | None,
    Query(max_length=20, description="Only the segments with this code (empty: without one)."),
]

PROBLEMS: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such segment"},
    422: {"description": "A field is not valid (RFC 9457 problem with `errors`)"},
}


class SegmentRead(BaseModel):
    """A segment's header and counts, as `segment show --json` without `lines`."""

    no: str
    description: str
    campaign_no: str
    interaction_template_code: str
    salesperson_code: str
    correspondence_type_default: str
    language_code_default: str
    subject_default: str
    date: dt.date | None
    unit_cost: int | float
    unit_duration: int | float
    campaign_target: bool
    campaign_response: bool
    information_flow: str
    initiated_by: str
    interaction_group_code: str
    ignore_contact_corres_type: bool
    send_word_docs_as_attmt: bool
    no_of_lines: int
    no_of_criteria_actions: int
    dynamic: bool = False
    refresh_every: str = ""
    refreshed_at: Timestamp | None = None


class HeaderFields(RequestBody):
    """The editable header fields (S2), applied in this order with Business Central's
    validation; a field left out is left as it is, `null` clears it."""

    description: Text | None = None
    interaction_template_code: Code | None = Field(default=None, examples=["ABSTRACT"])
    campaign_no: Code | None = None
    salesperson_code: Code | None = None
    correspondence_type_default: Code | None = Field(default=None, examples=["email"])
    language_code_default: Code | None = None
    subject_default: Text | None = None
    date: IsoDate | None = None
    unit_cost: Amount | None = None
    unit_duration: Amount | None = None
    campaign_target: StrictBool | None = None
    campaign_response: StrictBool | None = None
    information_flow: Code | None = None
    initiated_by: Code | None = None
    send_word_docs_as_attmt: StrictBool | None = None
    ignore_contact_corres_type: StrictBool | None = None
    dynamic: StrictBool | None = Field(
        default=None, description="X4: the criteria actions stay live; refresh applies them."
    )
    refresh_every: Annotated[str, Field(max_length=10)] | None = Field(
        default=None, examples=["1h"], description="X4: 30m, 1h, 1d, 1w … or empty for none."
    )

    def assignments(self) -> list[tuple[str, str]]:
        """FIELD=VALUE pairs as `segment set` takes them, for the fields given."""
        given = self.model_fields_set
        return [
            (name, field_text(getattr(self, name)))
            for name in HeaderFields.model_fields
            if name in given and name != "description"
        ]


class SegmentCreate(HeaderFields):
    description: Text = Field(examples=["Spring mailing"])


class SegmentUpdate(HeaderFields):
    update_lines: StrictBool = Field(
        default=True, description="Carry the changes to the lines (BC's question; default yes)."
    )

    def assignments(self) -> list[tuple[str, str]]:
        pairs = super().assignments()
        if "description" in self.model_fields_set:
            pairs.insert(0, ("description", field_text(self.description)))
        return pairs


def field_text(value: Any) -> str:
    """A JSON value as the text `segment set FIELD=VALUE` takes."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@router.post(
    "/segments",
    summary="Create a segment (S1)",
    status_code=201,
    response_model=SegmentRead,
    responses=PROBLEMS,
)
def create_segment(body: SegmentCreate, ctx: Context, who: Who) -> JSONResponse:
    made = segments.create_segment(
        ctx.sessions, description=body.description, user=who.account.name, values=body.assignments()
    )
    found = paging.get_versioned(ctx.sessions, made.no)
    return answer(
        found.value,
        status=201,
        version=found.version,
        headers={"location": f"/api/segments/{made.no}"},
    )


@router.get(
    "/segments",
    summary="The segments, by no.",
    response_model=Page[SegmentRead],
    responses={422: PROBLEMS[422]},
)
def list_segments(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Plain text in the no. or description.")
    ] = None,
    where: Annotated[
        str | None,
        Query(
            max_length=4000,
            description="Criteria on the segments' fields (SPEC §5).",
            examples=["campaign = CP00001 and no_of_lines > 0"],
        ),
    ] = None,
    salesperson: CodeFilter = None,
    campaign: CodeFilter = None,
    template: CodeFilter = None,
    dynamic: Annotated[
        bool | None,
        Query(description="true: only the dynamic segments (X4); false: only the others."),
    ] = None,
) -> JSONResponse:
    """S1: the segments with their counts, those every filter given selects; an unknown
    code or bad criteria is a 422 problem naming the parameter."""
    filters = SegmentFilter(
        q=q or "",
        where=where,
        salesperson=salesperson,
        campaign=campaign,
        template=template,
        dynamic=dynamic,
    )
    rows = overview.get_all(
        ctx.sessions, filters=filters, after=decode_cursor(after, str), limit=limit + 1
    )
    return page(request, rows, limit=limit, key=lambda row: row.no)


@router.get(
    "/segments/{no}",
    summary="A segment's header and counts, with its ETag",
    response_model=SegmentRead,
    responses=PROBLEMS,
)
def get_segment(no: str, ctx: Context) -> JSONResponse:
    found = paging.get_versioned(ctx.sessions, no)
    return answer(found.value, version=found.version)


@router.patch(
    "/segments/{no}",
    summary="Change header fields (S2), optionally based on an ETag",
    response_model=SegmentRead,
    responses={**PROBLEMS, 412: {"description": "Another user has modified the segment"}},
)
def update_segment(
    no: str, body: SegmentUpdate, ctx: Context, if_match: IfMatch = None
) -> JSONResponse:
    segments.set_header(
        ctx.sessions,
        no,
        values=body.assignments(),
        update_lines=body.update_lines,
        expected_version=expected_versions(if_match),
    )
    found = paging.get_versioned(ctx.sessions, no)
    return answer(found.value, version=found.version)


@router.delete(
    "/segments/{no}",
    summary="Delete a segment with its lines, criteria and languages",
    status_code=204,
    responses=PROBLEMS,
)
def delete_segment(no: str, ctx: Context) -> Response:
    deletion.delete_segment(ctx.sessions, no)
    return Response(status_code=204)

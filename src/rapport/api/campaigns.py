"""Campaigns over HTTP (C1–C3): the list with a plain search, create, one campaign with its
target groups, its fields changed, its entries, activate / deactivate, and the campaign
statuses. Answers are the JSON of `rapport campaign … --json`; a campaign carries its
version as `ETag`, and a `PATCH` naming an older one in `If-Match` is refused with 412."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, create_model

from rapport.api import answers
from rapport.api.field_values import Values, changes, values_body
from rapport.api.pages import DEFAULT_LIMIT, After, IsoDate, Limit, RequestBody, cut, page_of
from rapport.api.segments import IfMatch
from rapport.api.shapes import answer, documented, jsonable
from rapport.domain.enums import TargetGroupType
from rapport.server.guard import Context
from rapport.server.routers import api_router
from rapport.services.campaigns import cards, edits, targets
from rapport.services.campaigns.cards import (
    CampaignEntryRead,
    CampaignRead,
    CampaignStatusRead,
)
from rapport.services.campaigns.targets import ActivationResult

router = api_router(tags=["campaigns"])

CampaignNo = Annotated[str, Path(min_length=1, max_length=20, examples=["CP00001"])]


class CampaignCreate(RequestBody):
    description: str = Field(max_length=100, examples=["Spring mailing"])
    starting_date: IsoDate | None = None
    ending_date: IsoDate | None = None
    salesperson_code: str = Field(default="", max_length=20)
    status_code: str = Field(default="", max_length=10)
    no: str = Field(default="", max_length=20, description="Only where the series allows it.")


class StatusCreate(RequestBody):
    code: str = Field(min_length=1, max_length=10, examples=["PLANNED"])
    description: str = Field(default="", max_length=100)


class TargetGroup(BaseModel):
    type: TargetGroupType = Field(
        description="`customer`: `no` is the company's customer no.; `contact`: its contact no."
    )
    no: str


# A campaign as its card shows it: its fields and totals, and its target groups (C3).
CampaignCard = create_model(
    "CampaignCard", __base__=documented(CampaignRead), target_groups=(list[TargetGroup], ...)
)


@router.get("/campaigns", summary="Campaigns, by no.", response_model=page_of(CampaignRead))
def list_campaigns(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    q: Annotated[str | None, Query(max_length=200, description="Plain search.")] = None,
) -> JSONResponse:
    """C2: every campaign whose no. or description contains `q`, with its totals."""
    rows = cards.get_all(ctx.sessions, search=q)
    return cut(request, rows, limit=limit, after=after, key=lambda row: row.no)


@router.post(
    "/campaigns",
    summary="Create a campaign",
    status_code=201,
    response_model=documented(CampaignRead),
)
def create_campaign(body: CampaignCreate, ctx: Context) -> JSONResponse:
    """C1: numbered from the campaign series; the starting date may not be after the
    ending date. Answers the new campaign."""
    no = cards.create_campaign(ctx.sessions, **body.model_dump())
    return answer(cards.get(ctx.sessions, no), status=201)


@router.get(
    "/campaigns/{no}",
    summary="A campaign with its totals and target groups",
    response_model=CampaignCard,
)
def get_campaign(no: CampaignNo, ctx: Context) -> JSONResponse:
    """C2/C3: the campaign, its totals and its target groups, with its ETag."""
    return _with_targets(ctx, no)


def _with_targets(ctx: Context, no: str) -> JSONResponse:
    found = cards.get_versioned(ctx.sessions, no)
    shape: dict[str, Any] = jsonable(found.value)
    groups = targets.get_target_groups(ctx.sessions, no)
    shape["target_groups"] = [{"type": kind, "no": key} for kind, key in groups]
    return JSONResponse(shape, headers={"etag": answers.etag(found.version)})


@router.patch(
    "/campaigns/{no}",
    summary="Change a campaign's fields, optionally based on an ETag",
    response_model=CampaignCard,
    responses={
        404: {"description": "No such campaign"},
        412: {"description": "Another user has modified the campaign"},
        422: {"description": "A field is not valid (RFC 9457 problem with `errors`)"},
    },
)
def update_campaign(
    no: CampaignNo,
    ctx: Context,
    body: Annotated[
        Values,
        values_body({"ending_date": "2026-06-30"}, "Fields and their new values, in this order."),
    ],
    if_match: IfMatch = None,
) -> JSONResponse:
    """C1: `rapport campaign set CP FIELD=VALUE…` (description, starting_date, ending_date,
    salesperson_code, status_code); the starting date may not be after the ending date.
    Answers the campaign as `GET` does."""
    edits.set_campaign(
        ctx.sessions, no, values=changes(body), expected_version=answers.expected_versions(if_match)
    )
    return _with_targets(ctx, no)


@router.get(
    "/campaigns/{no}/entries",
    summary="A campaign's entries",
    response_model=page_of(CampaignEntryRead),
)
def list_campaign_entries(
    no: CampaignNo,
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
) -> JSONResponse:
    """C2: one entry per logged segment, with its interactions' number, cost, duration."""
    rows = cards.get_entries(ctx.sessions, no)
    return cut(request, rows, limit=limit, after=after, key=lambda r: r.entry_no, kind=int)


@router.post(
    "/campaigns/{no}/activate",
    summary="Build the campaign's target groups",
    response_model=documented(ActivationResult),
)
def activate(no: CampaignNo, ctx: Context) -> JSONResponse:
    """C3: from its target segment lines and target interactions."""
    return answer(targets.activate(ctx.sessions, no))


@router.post(
    "/campaigns/{no}/deactivate",
    summary="Remove the campaign's target groups",
    response_model=documented(ActivationResult),
)
def deactivate(no: CampaignNo, ctx: Context) -> JSONResponse:
    """C3: every target group of the campaign goes."""
    return answer(targets.deactivate(ctx.sessions, no))


@router.get(
    "/campaign-statuses", summary="Campaign statuses", response_model=page_of(CampaignStatusRead)
)
def list_statuses(
    request: Request, ctx: Context, limit: Limit = DEFAULT_LIMIT, after: After = None
) -> JSONResponse:
    """C1: every campaign status, by code."""
    rows = cards.get_statuses(ctx.sessions)
    return cut(request, rows, limit=limit, after=after, key=lambda row: row.code)


@router.post(
    "/campaign-statuses",
    summary="Add a campaign status",
    status_code=201,
    response_model=documented(CampaignStatusRead),
)
def add_status(body: StatusCreate, ctx: Context) -> JSONResponse:
    """C1: a plain code and description."""
    created = cards.create_status(ctx.sessions, code=body.code, description=body.description)
    return answer(created, status=201)

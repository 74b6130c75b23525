"""Campaigns in the browser (C1–C3): the list with a plain search, a campaign's card with
its segments, entries and target groups, activate and deactivate. A campaign's status is
shown by its description in the Campaign Statuses (a code table the user keeps, as BC's
Campaign Status: its words are the user's), else by its code."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.campaigns import cards, targets
from rapport.services.segments import overview
from rapport.services.setup import lookups
from rapport.storage.db import Sessions
from rapport.web.lists import Filter, may_change, wants_fragment
from rapport.web.render import page

router = web_router()


def status_names(sessions: Sessions) -> dict[str, str]:
    """Each campaign status code's description (the code where it has none)."""
    found = lookups.options(sessions, ["campaign_statuses"])["campaign_statuses"]
    return {code: name or code for code, name in found}


def _words_of(item: cards.CampaignRead, statuses: dict[str, str]) -> str:
    """What a plain search looks in: the no., the description and the status (code and name)."""
    status = item.status_code
    return f"{item.no} {item.description} {status} {statuses.get(status, '')}"


@router.get("/campaigns")
def campaign_list(
    request: Request,
    ctx: Context,
    who: Who,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    del who
    found = Filter("", (q or "").strip(), None, None)
    needle = found.search.lower()
    statuses = status_names(ctx.sessions)
    items = [
        item
        for item in cards.get_all(ctx.sessions)
        if not needle or needle in _words_of(item, statuses).lower()
    ]
    template = "campaigns/_results.html" if wants_fragment(request) else "campaigns/page.html"
    return page(request, template, filter=found, items=items, statuses=statuses)


@router.get("/campaigns/{no}")
def campaign_card(request: Request, no: str, ctx: Context, who: Who) -> Response:
    campaign = cards.get(ctx.sessions, no)
    return page(
        request,
        "campaigns/card.html",
        campaign=campaign,
        entries=cards.get_entries(ctx.sessions, campaign.no),
        segments=overview.get_of_campaign(ctx.sessions, campaign.no),
        target_groups=targets.get_target_groups(ctx.sessions, campaign.no),
        statuses=status_names(ctx.sessions),
        may_change=may_change(who),
        message=request.query_params.get("message", ""),
    )


@router.post("/campaigns/{no}/activate")
def activate(no: str, ctx: Context, who: Who) -> Response:
    del who
    done = targets.activate(ctx.sessions, no)
    return RedirectResponse(f"/campaigns/{done.campaign_no}?message=activated", status_code=303)


@router.post("/campaigns/{no}/deactivate")
def deactivate(no: str, ctx: Context, who: Who) -> Response:
    del who
    done = targets.deactivate(ctx.sessions, no)
    return RedirectResponse(f"/campaigns/{done.campaign_no}?message=deactivated", status_code=303)

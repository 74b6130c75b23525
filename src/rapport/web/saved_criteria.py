"""Saved criteria in the browser (S9; SPEC §8): the list, one saved criteria with its
actions in plain language, and delete (marketers). "Save criteria" and "Reuse criteria"
are on the segment card; this page finds and tidies what was saved."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.criteria import Criteria
from rapport.errors import Invalid
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.segments import saved
from rapport.web.i18n import N_
from rapport.web.lists import may_change
from rapport.web.render import page, translator

router = web_router()

VERBS = {
    "add": N_("Add contacts"),
    "reduce": N_("Reduce contacts"),
    "refine": N_("Refine contacts"),
}


@router.get("/saved-criteria")
def saved_list(request: Request, ctx: Context, who: Who) -> Response:
    """Every saved criteria with its number of actions."""
    return page(
        request,
        "saved_criteria/page.html",
        items=saved.get_all(ctx.sessions),
        may_change=may_change(who),
        done=request.query_params.get("done", ""),
    )


def sentence(text: str, translate: Callable[[str], str]) -> str:
    """An action's criteria as a plain-language sentence in the page's language (the text
    itself if it no longer reads, e.g. a code table changed since)."""
    try:
        return Criteria.parse(text).describe(translate)
    except Invalid:
        return text


@router.get("/saved-criteria/{code}")
def saved_card(request: Request, code: str, ctx: Context, who: Who) -> Response:
    """One saved criteria: its actions in order, each in plain language and as text."""
    found = saved.get(ctx.sessions, code)
    return page(
        request,
        "saved_criteria/card.html",
        saved=found,
        sentences=[sentence(action.criteria, translator(request)) for action in found.actions],
        verbs=VERBS,
        may_change=may_change(who),
    )


@router.post("/saved-criteria/{code}/delete")
def delete_saved(code: str, ctx: Context, who: Who) -> Response:
    del who
    gone = saved.delete_criteria(ctx.sessions, code)
    return RedirectResponse(f"/saved-criteria?done={gone.code}", status_code=303)

"""Interaction log entries in the browser (L6): the list with a criteria filter (the entries'
registry), a plain search and keyset paging; cancel or uncancel an entry, evaluate it (the
list comes back at that entry and says how it was evaluated), and the totals of number,
cost and duration per template, group, campaign or contact."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.criteria import ENTRIES
from rapport.domain.codes import LARGEST_ENTRY_NO
from rapport.domain.enums import Evaluation
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.interactions import browse, entries
from rapport.web.addresses import EntryAfter, EntryNo
from rapport.web.lists import (
    PAGE_SIZE,
    listed,
    may_change,
    next_link,
    read_filter,
    wants_fragment,
)
from rapport.web.render import page, translator

router = web_router()
TotalsBy = Literal["template", "group", "campaign", "contact"]
# The entry just evaluated: the list says how, in its row (`evaluate`).
Evaluated = Annotated[int | None, Query(ge=1, le=LARGEST_ENTRY_NO)]


@router.get("/interactions")
def entry_list(
    request: Request,
    ctx: Context,
    who: Who,
    where: Annotated[str | None, Query(max_length=10_000)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    after: EntryAfter = None,
    by: TotalsBy = "template",
    evaluated: Evaluated = None,
) -> Response:
    asked = read_filter(where, q, ENTRIES, translator(request))
    found, read = listed(
        asked,
        lambda: (
            browse.entry_page(
                ctx.sessions,
                criteria=asked.criteria,
                search=asked.search,
                after=after,
                size=PAGE_SIZE,
            ),
            entries.totals(ctx.sessions, by=by, where=asked.criteria or ""),
        ),
        translator(request),
    )
    result, totals = read if read is not None else (None, None)
    context: dict[str, Any] = {
        "filter": found,
        "result": result,
        "totals": totals,
        "by": by,
        "evaluations": [e.value for e in Evaluation],
        "evaluated": evaluated,
        "may_change": may_change(who),
        "next": next_link(request, result.next_after if result else None),
    }
    template = "interactions/_results.html" if wants_fragment(request) else "interactions/page.html"
    return page(request, template, **context)


def _back(request: Request) -> Response:
    """Back to the list the form was sent from (only a path on this server)."""
    return RedirectResponse(_list_address(request), status_code=303)


def _list_address(request: Request) -> str:
    referer = request.headers.get("referer", "")
    path = referer.split(str(request.base_url).rstrip("/"), 1)[-1] if referer else ""
    return path if path.startswith("/interactions") else "/interactions"


def _back_at(request: Request, entry_no: int) -> Response:
    """Back to the list the form was sent from, at the entry just evaluated (its
    `evaluated` replacing an earlier one's)."""
    address = urlsplit(_list_address(request))
    params = [(k, v) for k, v in parse_qsl(address.query) if k != "evaluated"]
    params.append(("evaluated", str(entry_no)))
    target = f"{address.path}?{urlencode(params)}#evaluation-{entry_no}"
    return RedirectResponse(target, status_code=303)


@router.post("/interactions/{entry_no}/cancel")
def cancel(request: Request, entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    del who
    entries.cancel(ctx.sessions, [entry_no])
    return _back(request)


@router.post("/interactions/{entry_no}/uncancel")
def uncancel(request: Request, entry_no: EntryNo, ctx: Context, who: Who) -> Response:
    del who
    entries.cancel(ctx.sessions, [entry_no], canceled=False)
    return _back(request)


@router.post("/interactions/{entry_no}/evaluate")
def evaluate(
    request: Request,
    entry_no: EntryNo,
    ctx: Context,
    who: Who,
    evaluation: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    del who
    entries.evaluate(ctx.sessions, entry_no, evaluation=evaluation)
    return _back_at(request, entry_no)

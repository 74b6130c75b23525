"""Segment charts (X6; SPEC §8): a segment's composition by a contact field as a bar chart,
and the overlap between segments as a shaded matrix, both drawn on the server as SVG or
HTML from the analytics service (the same as `rapport segment stats` and `overlap`).

The card loads its chart after the page (htmx `load`), so the card's first page never waits
for a GROUP BY over all of a large segment's lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import Response

from rapport.errors import RapportError
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.segments import analytics, browse
from rapport.web.i18n import N_
from rapport.web.render import page, told, translator
from rapport.web.segments import DIMENSIONS, data

router = web_router()

BAR_WIDTH = 420  # the longest bar, in SVG units
ROW_HEIGHT = 24
LABEL_WIDTH = 170


def bars(composition: dict[str, Any], say: Callable[[str], str]) -> list[dict[str, Any]]:
    """Each group as a bar: its label, count, width and vertical place; `say` translates
    the names of the groups without a value and of the rest."""
    groups = list(composition["groups"])
    if composition["other"]:
        groups.append({"value": say(N_("(other)")), "lines": composition["other"]})
    top = max((group["lines"] for group in groups), default=0) or 1
    return [
        {
            "label": group["value"] or say(N_("(none)")),
            "lines": group["lines"],
            "width": max(1, round(BAR_WIDTH * group["lines"] / top)),
            "y": index * ROW_HEIGHT,
        }
        for index, group in enumerate(groups)
    ]


@router.get("/segments/{no}/chart")
def composition(request: Request, who: Who, ctx: Context, no: str, by: str = "country") -> Response:
    """X6: the segment's composition by `by`, as an SVG bar chart with its numbers."""
    del who
    try:
        found = data(analytics.stats(ctx.sessions, no, by=by, accelerator=ctx.accelerator))
    except RapportError as exc:
        return page(request, "segments/_chart.html", 422, error=told(request, exc), chart=None)
    drawn = bars(found, translator(request))
    return page(
        request,
        "segments/_chart.html",
        error=None,
        chart=found,
        bars=drawn,
        label_width=LABEL_WIDTH,
        height=max(1, len(drawn)) * ROW_HEIGHT,
        width=LABEL_WIDTH + BAR_WIDTH + 70,
        dimensions=dict(DIMENSIONS),
    )


def shade(count: int, top: int) -> int:
    """The shade class (0–5) of a matrix cell."""
    return 0 if not count or not top else min(5, 1 + (5 * count - 1) // top)


@router.get("/segment-overlap")
def overlap(
    request: Request,
    who: Who,
    ctx: Context,
    no: Annotated[list[str] | None, Query()] = None,
    compare: str = "",
) -> Response:
    """X6: contacts in common between every pair of the chosen segments. Arriving with one
    segment chosen (from its card's "Compare with other segments") shows the form with it
    ticked and what to do; a form sent (`compare`) with too few or too many is refused."""
    del who
    chosen = list(dict.fromkeys(text.strip().upper() for text in no or [] if text.strip()))
    listed = data(browse.get_page(ctx.sessions, limit=browse.MAX_PAGE).items)
    values: dict[str, Any] = {
        "segments": listed,
        "chosen": chosen,
        "most": analytics.MAX_OVERLAP,
        "matrix": None,
        "error": None,
        "too_few": False,
        "too_many": len(chosen) > analytics.MAX_OVERLAP,
    }
    if len(chosen) < 2:
        values["too_few"] = bool(compare)
    elif not values["too_many"]:
        try:
            found = data(analytics.overlap(ctx.sessions, chosen, accelerator=ctx.accelerator))
            values["matrix"] = matrix(found)
        except RapportError as exc:
            values["error"] = told(request, exc)
    return page(request, "segments/overlap.html", **values)


def matrix(found: dict[str, Any]) -> dict[str, Any]:
    """The overlap's counts as the shaded matrix shows them."""
    top = max((max(row) for row in found["counts"]), default=0)
    return {
        "nos": found["segment_nos"],
        "rows": [[{"count": n, "shade": shade(n, top)} for n in row] for row in found["counts"]],
    }

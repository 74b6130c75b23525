"""The start page: where a signed-in user lands. It starts a segment in one step (for those
who may change segments), and shows the segments created last and the user's own jobs."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.jobs import queue as jobs
from rapport.services.segments import header
from rapport.web.render import page
from rapport.web.segments import can_change

router = web_router()

# How many segments and jobs the start page shows (the rest are a link away).
LATEST = 5


@router.get("/")
def home(request: Request, ctx: Context, who: Who) -> Response:
    return page(
        request,
        "home.html",
        segments=header.get_latest(ctx.sessions, limit=LATEST),
        jobs=jobs.get_all(ctx.sessions, limit=LATEST, by=who.account.name),
        can_change=can_change(who),
    )

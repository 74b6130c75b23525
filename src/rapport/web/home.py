"""The start page: where a signed-in user lands."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from rapport.server.guard import Who
from rapport.server.routers import web_router
from rapport.web.render import page

router = web_router()


@router.get("/")
def home(request: Request, who: Who) -> Response:
    del who
    return page(request, "home.html")

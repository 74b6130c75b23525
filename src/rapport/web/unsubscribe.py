"""The one-click unsubscribe link of an e-mail (X7, RFC 8058): no sign-in needed.

`GET /unsubscribe/{token}` shows what following the link does and a button; the mail
client's one-click `POST` (body `List-Unsubscribe=One-Click`), or that button, records the
opt-out of e-mail (audited). A GET never changes anything, so link scanners cannot opt
people out. A token not signed by this installation is refused.
"""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from rapport.errors import Invalid
from rapport.server.guard import Context
from rapport.server.routers import web_router
from rapport.services.contacts import consent
from rapport.web.render import page

router = web_router()


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, token: str) -> Response:
    return page(request, "consent/unsubscribe.html", token=token, done=False, error=None)


@router.post("/unsubscribe/{token}")
def unsubscribe(request: Request, token: str, ctx: Context) -> Response:
    try:
        consent.unsubscribe(ctx.sessions, token=token, settings=ctx.settings)
    except Invalid:
        message = "This link is not valid: it was changed or comes from another installation."
        return page(
            request, "consent/unsubscribe.html", 400, token=token, done=False, error=message
        )
    return page(request, "consent/unsubscribe.html", token=token, done=True, error=None)

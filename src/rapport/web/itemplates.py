"""Interaction templates in the browser (L1): the list with a plain search; a template's card
with its language variants; a marketer uploads a variant's e-mail body or Word template, its
merge fields checked by the service (a refusal is shown beside the file input)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.errors import N_, Invalid, RapportError
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.templates import cards
from rapport.web.lists import Filter, may_change, wants_fragment
from rapport.web.render import page, told_with_field

router = web_router()


@router.get("/templates")
def template_list(
    request: Request,
    ctx: Context,
    who: Who,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    del who
    found = Filter("", (q or "").strip(), None, None)
    needle = found.search.lower()
    items = [
        item
        for item in cards.get_all(ctx.sessions)
        if not needle or needle in f"{item.code} {item.description}".lower()
    ]
    template = "itemplates/_results.html" if wants_fragment(request) else "itemplates/page.html"
    return page(request, template, filter=found, items=items)


def _card(request: Request, ctx: Context, who: Who, code: str, **extra: Any) -> Response:
    return page(
        request,
        "itemplates/card.html",
        status_code=extra.pop("status_code", 200),
        card=cards.get(ctx.sessions, code),
        may_change=may_change(who),
        uploaded=request.query_params.get("uploaded", ""),
        **extra,
    )


@router.get("/templates/{code}")
def template_card(request: Request, code: str, ctx: Context, who: Who) -> Response:
    return _card(request, ctx, who, code)


@router.post("/templates/{code}/attachment")
async def upload(
    request: Request,
    code: str,
    ctx: Context,
    who: Who,
    file: Annotated[UploadFile, Form()],
    language_code: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """L1: create or replace the variant of the language (default: the template's own)."""
    content = await file.read(ctx.max_upload_bytes + 1)
    try:
        if len(content) > ctx.max_upload_bytes:
            raise Invalid(N_("larger than {limit} bytes", limit=ctx.max_upload_bytes), field="file")
        variant = cards.attach(
            ctx.sessions,
            code,
            file_name=file.filename or "",
            content=content,
            language_code=language_code.strip() or None,
        )
    except RapportError as exc:
        return _card(request, ctx, who, code, status_code=422, error=told_with_field(request, exc))
    target = f"/templates/{code.strip().upper()}?uploaded={variant.language_code}"
    return RedirectResponse(target, status_code=303)

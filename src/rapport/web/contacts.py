"""Contacts in the browser (K1, K2): the list with a criteria filter, a plain search and
keyset paging; the contact card with its groups, relations, profile answers, opt-outs, the
segments it is on and its interactions; a marketer edits the card's main fields."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.criteria import CONTACTS
from rapport.domain.enums import CorrespondenceType
from rapport.errors import RapportError
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.contacts import browse, cards
from rapport.web.captions import choice_captions
from rapport.web.lists import (
    PAGE_SIZE,
    listed,
    may_change,
    next_link,
    read_filter,
    wants_fragment,
)
from rapport.web.render import page, told_with_field, translator

router = web_router()

# The fields the card's form edits, in the order of the card (SPEC §5 names).
EDITABLE = (
    "name",
    "address",
    "post_code",
    "city",
    "country",
    "email",
    "phone",
    "mobile",
    "salesperson",
    "language",
    "correspondence_type",
    "job_title",
)
FLAGS = ("excluded",)
# The form's choices: the domain's enumerations, the blank choice first.
CHOICES = {"correspondence_type": tuple(CorrespondenceType)}


@router.get("/contacts")
def contact_list(
    request: Request,
    ctx: Context,
    who: Who,
    where: Annotated[str | None, Query(max_length=10_000)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    after: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    asked = read_filter(where, q, CONTACTS, translator(request))
    found, result = listed(
        asked,
        lambda: browse.page(
            ctx.sessions, criteria=asked.criteria, search=asked.search, after=after, size=PAGE_SIZE
        ),
        translator(request),
    )
    context: dict[str, Any] = {
        "filter": found,
        "result": result,
        "next": next_link(request, result.next_after if result else None),
    }
    del who
    template = "contacts/_results.html" if wants_fragment(request) else "contacts/page.html"
    return page(request, template, **context)


def _card(request: Request, ctx: Context, who: Who, no: str, **extra: Any) -> Response:
    card = cards.get(ctx.sessions, no)
    return page(
        request,
        "contacts/card.html",
        status_code=extra.pop("status_code", 200),
        card=card,
        extras=browse.extras(ctx.sessions, card.no),
        editable=EDITABLE,
        choices={field: choice_captions(field, codes) for field, codes in CHOICES.items()},
        may_change=may_change(who),
        **extra,
    )


@router.get("/contacts/{no}")
def contact_card(request: Request, no: str, ctx: Context, who: Who) -> Response:
    return _card(request, ctx, who, no)


@router.post("/contacts/{no}")
async def edit_contact(request: Request, no: str, ctx: Context, who: Who) -> Response:
    """K1: change the card's fields; a refusal is shown beside the form, nothing changed."""
    form = await request.form()
    fields: dict[str, str | bool | None] = {}
    for name in EDITABLE:
        value = form.get(name)
        if isinstance(value, str):
            fields[name] = value.strip()[:100]
    for name in FLAGS:
        fields[name] = form.get(name) == "on"
    try:
        cards.edit_contact(ctx.sessions, no, fields=fields, by=who.account.name)
    except RapportError as exc:
        return _card(
            request,
            ctx,
            who,
            no,
            status_code=422,
            error=told_with_field(request, exc),
            given=fields,
        )
    return RedirectResponse(f"/contacts/{no.strip().upper()}?saved=1", status_code=303)

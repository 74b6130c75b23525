"""Duplicate contacts in the browser (K5; SPEC §8): the pairs the duplicate search finds,
with their score and the values that matched, filtered by a minimum score; a merge asks
first, showing the values that differ under one key (the contact that stays keeps its own),
and then merges through the same service as `rapport contacts merge`. Everyone signed in
reads the pairs; marketers and admins merge (the role table, as for the API).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import Response

from rapport.errors import N_, Invalid, RapportError
from rapport.server.guard import Context, Who
from rapport.server.problems import status_of
from rapport.server.routers import web_router
from rapport.services.contacts import duplicates, merge
from rapport.web.lists import may_change
from rapport.web.render import page, told

router = web_router()


def _min_score(text: str) -> int | None:
    """The minimum score typed in the filter (blank: the marketing setup's)."""
    if not text.strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise Invalid(
            N_("{value!r} is not a whole number", value=text), field="min_score"
        ) from None


@router.get("/contact-duplicates")
def duplicates_page(request: Request, ctx: Context, who: Who, min_score: str = "") -> Response:
    """The likely duplicates, best first (`rapport contacts duplicates`)."""
    values: dict[str, Any] = {"min_score": min_score, "found": None, "error": None}
    try:
        values["found"] = duplicates.find_duplicates(ctx.sessions, min_score=_min_score(min_score))
    except RapportError as exc:
        values["error"] = told(request, exc)
    status = 422 if values["error"] else 200
    return page(request, "contacts/duplicates.html", status, may_change=may_change(who), **values)


@router.get("/contact-duplicates/merge")
def merge_question(request: Request, ctx: Context, who: Who, keep: str, other: str) -> Response:
    """K5: the merge asked first: which contact stays, and the values that differ."""
    del who
    values: dict[str, Any] = {"keep": keep.strip().upper(), "other": other.strip().upper()}
    try:
        values["differences"] = merge.differences(ctx.sessions, keep, other_no=other)
    except RapportError as exc:
        status = status_of(exc)
        return page(request, "contacts/merge.html", status, error=told(request, exc), **values)
    return page(request, "contacts/merge.html", error=None, **values)


@router.post("/contact-duplicates/merge")
async def merge_contacts(request: Request, ctx: Context, who: Who) -> Response:
    """K5: merge OTHER into KEEP (one transaction), then show what moved and what stayed."""
    del who
    form = await request.form()
    keep, other = str(form.get("keep") or ""), str(form.get("other") or "")
    values: dict[str, Any] = {"keep": keep.strip().upper(), "other": other.strip().upper()}
    try:
        merged = merge.merge_contacts(ctx.sessions, keep, other_no=other)
    except RapportError as exc:
        status = status_of(exc)
        return page(request, "contacts/merge.html", status, error=told(request, exc), **values)
    return page(request, "contacts/merged.html", merged=merged)

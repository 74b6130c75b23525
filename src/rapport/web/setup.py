"""Setup in the browser (SPEC §2 Setup, §8): the marketing setup (number series, defaults,
inheritance) and the number series; on the setup page, marketers also "Update ratings"
(K3, the automatic profile ratings), shown with what changed. Everyone signed in reads
them; only an admin sees the setup forms and may post them (the role table refuses anyone
else). A refusal is shown beside the form with nothing changed. The code tables are in
`web/codes.py`; both name fields with the captions of `web/captions.py`.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.domain.enums import Role
from rapport.errors import RapportError
from rapport.server.auth import Identity
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.contacts import ratings
from rapport.services.setup import forms, marketing, series
from rapport.services.setup.forms import FieldForm
from rapport.web.captions import caption_of, choice_captions
from rapport.web.lists import may_change
from rapport.web.render import page, told, told_with_field

router = web_router()


def may_set_up(who: Identity) -> bool:
    """Only an admin changes the setup and the code tables."""
    return who.account.role.allows(Role.ADMIN)


async def form_pairs(request: Request, fields: tuple[FieldForm, ...]) -> list[tuple[str, str]]:
    """FIELD=VALUE pairs of the posted form, in field order; an unticked box is false."""
    form = await request.form()
    pairs = []
    for field in fields:
        given = form.get(field.name)
        if field.kind == "bool":
            pairs.append((field.name, "true" if given == "true" else "false"))
        elif isinstance(given, str):
            pairs.append((field.name, given))
    return pairs


def field_rows(fields: tuple[FieldForm, ...], values: dict[str, Any]) -> list[dict[str, Any]]:
    """What the field macro draws: name, caption, kind, length, choices (with their
    captions, `options`) and the value."""
    return [
        {
            **asdict(field),
            "caption": caption_of(field.name),
            "options": choice_captions(field.name, field.choices),
            "value": values.get(field.name),
        }
        for field in fields
    ]


def _setup_page(request: Request, ctx: Context, who: Identity, **extra: Any) -> Response:
    read = asdict(marketing.get(ctx.sessions))
    values = read | extra.pop("posted", {})
    # A field the setup's reading does not give is neither shown (blank, as if unset) nor
    # sent back by the form (a blank number would be refused).
    fields = tuple(field for field in forms.setup_fields() if field.name in read)
    return page(
        request,
        "setup/marketing.html",
        status_code=422 if extra.get("error") else 200,
        fields=field_rows(fields, values),
        may_change=may_set_up(who),
        may_rate=may_change(who),
        done=request.query_params.get("done", ""),
        **extra,
    )


@router.get("/setup")
def setup_page(request: Request, ctx: Context, who: Who) -> Response:
    """The marketing setup, field by field (a form for an admin)."""
    return _setup_page(request, ctx, who)


@router.post("/setup")
async def set_setup(request: Request, ctx: Context, who: Who) -> Response:
    """Change the marketing setup; a bad value or unknown code is shown, nothing changed."""
    pairs = await form_pairs(request, forms.setup_fields())
    try:
        marketing.set_setup(ctx.sessions, values=pairs)
    except RapportError as exc:
        return _setup_page(
            request, ctx, who, error=told_with_field(request, exc), posted=dict(pairs)
        )
    return RedirectResponse("/setup?done=1", status_code=303)


@router.post("/setup/update-ratings")
async def update_ratings(request: Request, ctx: Context, who: Who) -> Response:
    """K3: "Update ratings" recomputes every contact's automatic profile ratings (all
    rating questionnaires, or the one named) and shows what changed."""
    form = await request.form()
    questionnaire = str(form.get("questionnaire") or "").strip() or None
    try:
        result = ratings.update_ratings(ctx.sessions, questionnaire=questionnaire)
    except RapportError as exc:
        return _setup_page(request, ctx, who, ratings_error=told(request, exc))
    return _setup_page(request, ctx, who, ratings=result)


def _series_page(request: Request, ctx: Context, who: Identity, **extra: Any) -> Response:
    posted = extra.pop("posted", {})
    return page(
        request,
        "setup/series.html",
        status_code=extra.pop("status_code", 200),
        items=series.get_all(ctx.sessions),
        fields=field_rows(forms.series_fields(), posted),
        code=posted.get("code", ""),
        may_change=may_set_up(who),
        done=request.query_params.get("done", ""),
        **extra,
    )


@router.get("/setup/number-series")
def series_page(request: Request, ctx: Context, who: Who) -> Response:
    """The number series with the number each gives next, and a form to add one."""
    return _series_page(request, ctx, who)


@router.post("/setup/number-series")
async def add_series(request: Request, ctx: Context, who: Who) -> Response:
    form = await request.form()
    code = str(form.get("code") or "")
    pairs = await form_pairs(request, forms.series_fields())
    try:
        made = series.add_series(ctx.sessions, code, values=pairs)
    except RapportError as exc:
        posted = dict(pairs) | {"code": code}
        return _series_page(
            request, ctx, who, status_code=422, error=told_with_field(request, exc), posted=posted
        )
    return RedirectResponse(f"/setup/number-series?done={made.code}", status_code=303)


def _one_series(request: Request, ctx: Context, who: Identity, code: str, **extra: Any) -> Response:
    found = series.get(ctx.sessions, code)
    values = asdict(found) | extra.pop("posted", {})
    return page(
        request,
        "setup/series_card.html",
        status_code=422 if extra.get("error") else 200,
        series=found,
        fields=field_rows(forms.series_fields(), values),
        may_change=may_set_up(who),
        **extra,
    )


@router.get("/setup/number-series/{code}")
def series_card(request: Request, code: str, ctx: Context, who: Who) -> Response:
    """One number series (a form for an admin)."""
    return _one_series(request, ctx, who, code)


@router.post("/setup/number-series/{code}")
async def set_series(request: Request, code: str, ctx: Context, who: Who) -> Response:
    pairs = await form_pairs(request, forms.series_fields())
    try:
        changed = series.set_series(ctx.sessions, code, values=pairs)
    except RapportError as exc:
        return _one_series(
            request, ctx, who, code, error=told_with_field(request, exc), posted=dict(pairs)
        )
    return RedirectResponse(f"/setup/number-series?done={changed.code}", status_code=303)

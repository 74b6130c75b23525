"""The segment card's criteria actions (S3, S4, S8, X1, X2, X4, X5; SPEC §8): add, reduce
and refine with their options, the live preview as the user types, the criteria builder's
JSON, undo (the last action, or every action after one) and a dynamic segment's refresh.

The builder (static/criteria-builder.js) reads the field and relation registry from
`/criteria-builder/fields` and converts both ways through the server, so the text it writes
is the canonical text: `/criteria-builder/tree` turns criteria text into the JSON tree and
`/criteria-builder/text` turns the tree back into text. Both answer 200 with `error` (the
message at its position) for what does not parse: a half-typed text is not a failed request.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from rapport.criteria import fields as registry
from rapport.criteria import from_json, parse, render, to_json
from rapport.errors import Invalid, RapportError
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.segments import actions, dynamic, header, history
from rapport.services.setup import lookups
from rapport.web.i18n import N_
from rapport.web.render import beside_input, page, told, translator
from rapport.web.segments import (
    ACTIONS_TAKEN,
    BUILD,
    back_to_card,
    card,
    counts_of,
    data,
    question,
)

router = web_router()

ADD_OPTIONS = ("allow_existing", "expand_companies", "related_companies", "ignore_exclusion")
FLAGS = (*ADD_OPTIONS, "entire_companies")
VERBS = ("add", "reduce", "refine")
# The criteria fields (a relation's as `relation.field`) whose codes the builder offers.
CODE_FIELDS = (
    "salesperson",
    "territory",
    "country",
    "language",
    "organizational_level",
    "mailing_group.code",
    "job_responsibility.code",
    "web_source.code",
    "industry_group.code",
    "business_relation.code",
)


def options_of(form: dict[str, str]) -> dict[str, bool]:
    return {name: form.get(name) == "true" for name in FLAGS}


def run_action(ctx: Context, no: str, verb: str, form: dict[str, str], **kw: Any) -> Any:
    """The one call site of add contacts, reduce and refine (preview or not)."""
    criteria = form.get("criteria", "")
    flags = options_of(form)
    user = kw.pop("user")
    if kw.get("preview"):
        kw["accelerator"] = ctx.accelerator  # X2: counted in memory where it can be
    if verb == "add":
        options = actions.AddOptions(**{name: flags[name] for name in ADD_OPTIONS})
        return actions.add_contacts(
            ctx.sessions, no, criteria=criteria, options=options, user=user, **kw
        )
    remove = actions.reduce if verb == "reduce" else actions.refine
    return remove(
        ctx.sessions,
        no,
        criteria=criteria,
        entire_companies=flags["entire_companies"],
        user=user,
        **kw,
    )


@router.post("/segments/{no}/actions")
async def segment_action(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S3/S4: "Add contacts", "Reduce contacts" or "Refine contacts" (the button pressed).
    A removal that would empty the segment first asks BC's "Do you want to reset number of
    criteria actions?" (default Yes)."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    verb = form.get("action", "")
    segment = header.get(ctx.sessions, no)
    kept: dict[str, Any] = {"criteria_text": form.get("criteria", ""), "options": options_of(form)}
    try:
        if verb not in VERBS:
            raise Invalid(f"the action must be one of {', '.join(VERBS)}", where="action")
        answer = form.get("reset_criteria")
        if verb != "add" and answer not in ("yes", "no"):
            would = run_action(ctx, no, verb, form, user=who.account.name, preview=True)
            if would.criteria_reset:  # BC asks before the reset its default answer makes
                asked = question(
                    N_(
                        "Your Segment is now empty. Do you want to reset number of criteria "
                        "actions?"
                    ),
                    action=f"/segments/{segment.no}/actions#{BUILD}",
                    name="reset_criteria",
                    default="yes",
                    form=form,
                )
                return card(request, ctx, who, segment.no, question=asked, at=BUILD, **kept)
        extra = {"keep_criteria": answer == "no"} if verb != "add" else {}
        done = run_action(ctx, no, verb, form, user=who.account.name, **extra)
    except RapportError as exc:
        error = beside_input(exc, translator(request))
        return card(request, ctx, who, segment.no, 422, criteria_error=error, at=BUILD, **kept)
    return back_to_card(segment.no, "action", counts=counts_of(done))


@router.get("/segments/{no}/preview")
def preview(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """X2: what each action would do with the criteria typed so far; changes nothing."""
    form = dict(request.query_params)
    values: dict[str, Any] = {"error": None, "empty": not form.get("criteria", "").strip()}
    if not values["empty"]:
        try:
            for verb in VERBS:
                values[verb] = data(
                    run_action(ctx, no, verb, form, user=who.account.name, preview=True)
                )
        except RapportError as exc:
            values["error"] = beside_input(exc, translator(request))
    return page(request, "segments/_preview.html", **values)


def builder_registry(say: Callable[[str], str]) -> dict[str, Any]:
    """The criteria fields and relations as the builder offers them (from the registry),
    their labels in the page's language (`say`)."""

    def field(item: registry.Field) -> dict[str, Any]:
        return {
            "name": item.name,
            "label": say(item.label),
            "type": item.type.value,
            "operators": list(item.operators),
            "choices": list(item.choices),
        }

    return {
        "fields": [field(item) for item in registry.CONTACT_FIELDS.values()],
        "relations": [
            {
                "name": rel.name,
                "label": say(rel.label),
                "shorthand": rel.shorthand,
                "fields": [field(item) for item in rel.fields.values()],
            }
            for rel in registry.RELATIONS.values()
        ],
        "memberships": [
            {"name": name, "label": say(label)} for name, label in registry.MEMBERSHIPS.items()
        ],
    }


@router.get("/criteria-builder/fields")
def builder_fields(request: Request, who: Who, ctx: Context) -> JSONResponse:
    """The builder's fields, relations and the code values each code field offers."""
    del who
    found = lookups.options(ctx.sessions, {lookups.FIELD_LOOKUPS[name] for name in CODE_FIELDS})
    offered = {
        name: [
            {"code": code, "description": label}
            for code, label in found[lookups.FIELD_LOOKUPS[name]]
        ]
        for name in CODE_FIELDS
    }
    return JSONResponse({**builder_registry(translator(request)), "codes": offered})


@router.get("/criteria-builder/tree")
def builder_tree(request: Request, who: Who, criteria: str = "") -> JSONResponse:
    """Criteria text → the JSON tree the builder draws (or the error at its position)."""
    del who
    if not criteria.strip():
        return JSONResponse({"tree": None})
    try:
        return JSONResponse({"tree": to_json(parse(criteria))})
    except Invalid as exc:
        return JSONResponse({"error": beside_input(exc, translator(request))})


@router.get("/criteria-builder/text")
def builder_text(request: Request, who: Who, tree: str = "") -> JSONResponse:
    """The builder's JSON tree → canonical criteria text (or the error naming its place)."""
    del who
    try:
        return JSONResponse({"text": render(from_json(json.loads(tree)))})
    except json.JSONDecodeError as exc:
        return JSONResponse({"error": f"the tree is not JSON: {exc.msg}"})
    except Invalid as exc:
        return JSONResponse({"error": told(request, exc)})


@router.post("/segments/{no}/undo")
def undo(
    request: Request,
    who: Who,
    ctx: Context,
    no: str,
    to: Annotated[int | None, Form()] = None,
) -> Response:
    """S8: "Undo" undoes the last action; X5: "Undo after this action" undoes every action
    after action `to`."""
    segment = header.get(ctx.sessions, no)
    try:
        history.go_back(ctx.sessions, no, to=to, user=who.account.name)
    except RapportError as exc:
        error = told(request, exc)
        return card(request, ctx, who, segment.no, 422, error=error, at=ACTIONS_TAKEN)
    return back_to_card(segment.no, "undone" if to is None else "undone-to")


@router.post("/segments/{no}/refresh")
def refresh(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """X4: "Refresh" on a dynamic segment's card applies what changed since its last
    refresh, as one action in the list of actions taken."""
    segment = header.get(ctx.sessions, no)
    try:
        dynamic.refresh(ctx.sessions, no, user=who.account.name)
    except RapportError as exc:
        return card(request, ctx, who, segment.no, 422, error=told(request, exc))
    return back_to_card(segment.no, "refreshed")

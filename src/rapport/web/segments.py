"""The segment pages (S1, S2, S7, S8, X5; SPEC §8): the list with a search box and keyset
paging, the new-segment form, and the segment card with its editable header, the "Undo"
button, the criteria pane (each action in plain language with "Undo after this action")
and the lines grid.

The card's other parts live beside this module by sub-noun: `segment_criteria` (the actions
form, the live preview and the criteria builder's JSON), `segment_lines` (the grid, line
edits, explain, membership history) and `segment_outputs` (save and reuse criteria, log,
export, mailing group, opportunities and tasks). Every page calls the services directly
through `services` below, and turns their results into template values with `data`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from rapport.domain.enums import Role
from rapport.errors import Invalid, RapportError, Text, said
from rapport.server.auth import Identity
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.segments import browse, dynamic, header, history
from rapport.services.segments.header import PROPAGATED_FIELDS
from rapport.storage.db import Sessions
from rapport.web.addresses import LineAfter
from rapport.web.i18n import N_
from rapport.web.render import page, told, translator

router = web_router()

LINES_PER_PAGE = 25
HISTORY_SHOWN = 100
# The header fields the card edits, in the order of Business Central's page: (field, label,
# kind). The kinds pick the input: text, code, date, amount, flag or a choice.
HEADER_FORM: tuple[tuple[str, str, str], ...] = (
    ("description", N_("Description"), "text"),
    ("date", N_("Date"), "date"),
    ("salesperson_code", N_("Salesperson"), "code"),
    ("campaign_no", N_("Campaign"), "code"),
    ("interaction_template_code", N_("Interaction template"), "code"),
    ("language_code_default", N_("Language (default)"), "code"),
    ("subject_default", N_("Subject (default)"), "text"),
    ("correspondence_type_default", N_("Correspondence type (default)"), "correspondence"),
    ("unit_cost", N_("Unit cost"), "amount"),
    ("unit_duration", N_("Unit duration (min.)"), "amount"),
    ("information_flow", N_("Information flow"), "flow"),
    ("initiated_by", N_("Initiated by"), "initiated"),
    ("campaign_target", N_("Campaign target"), "flag"),
    ("campaign_response", N_("Campaign response"), "flag"),
    ("ignore_contact_corres_type", N_("Ignore contact correspondence type"), "flag"),
    ("send_word_docs_as_attmt", N_("Send Word documents as attachment"), "flag"),
)
# What a composition can be shown by: (criteria field or relation, label).
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("country", N_("Country/region")),
    ("salesperson", N_("Salesperson")),
    ("language", N_("Language")),
    ("type", N_("Contact type")),
    ("correspondence_type", N_("Correspondence type")),
    ("territory", N_("Territory")),
    ("city", N_("City")),
    ("organizational_level", N_("Organizational level")),
    ("industry_group", N_("Industry group")),
    ("business_relation", N_("Business relation")),
    ("mailing_group", N_("Mailing group")),
    ("job_responsibility", N_("Job responsibility")),
    ("web_source", N_("Web source")),
)
CHOICES = {
    "correspondence": ("", "hard_copy", "email"),
    "flow": ("", "outbound", "inbound"),
    "initiated": ("", "us", "them"),
}
# A change of these asks BC's "Do you want to update the segment lines?" (the description
# is propagated without the question, as Business Central does).
ASKS_UPDATE_LINES = (set(PROPAGATED_FIELDS) | {"interaction_template_code", "subject_default"}) - {
    "description"
}


def data(result: Any) -> Any:
    """A service result as plain template values (dataclasses become dicts)."""
    if is_dataclass(result) and not isinstance(result, type):
        return asdict(result)
    if isinstance(result, list):
        return [data(item) for item in result]
    return result


def can_change(who: Identity) -> bool:
    return who.account.role.allows(Role.MARKETER)


def form_text(value: Any) -> str:
    """A header value as the text its form field shows and the service reads back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@router.get("/segments")
def segment_list(
    request: Request, who: Who, ctx: Context, q: str = "", after: str = "", limit: int = 25
) -> Response:
    """The segments, searched by a word of their no. or description, a page at a time."""
    found = browse.get_page(ctx.sessions, q=q, after=after, limit=limit)
    values = {
        "segments": data(found.items),
        "next_after": found.next_after,
        "q": q,
        "after": after,
        "limit": limit,
        "can_change": can_change(who),
    }
    if request.headers.get("hx-request"):
        return page(request, "segments/_list.html", **values)
    return page(request, "segments/page.html", **values, error=None, form={})


@router.post("/segments")
async def create_segment(request: Request, who: Who, ctx: Context) -> Response:
    """S1: a new segment from the form; the card opens on it."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    given = [
        (field, form.get(field, "").strip())
        for field in ("date", "salesperson_code", "campaign_no", "interaction_template_code")
        if form.get(field, "").strip()
    ]
    try:
        description = form.get("description", "").strip()
        if not description:
            raise Invalid("You must fill in the Description field.", where="description")
        made = header.create_segment(
            ctx.sessions, description=description, user=who.account.name, values=given
        )
    except RapportError as exc:
        found = browse.get_page(ctx.sessions)
        return page(
            request,
            "segments/page.html",
            422,
            segments=data(found.items),
            next_after=found.next_after,
            q="",
            after="",
            can_change=True,
            error=told(request, exc),
            form=form,
        )
    return RedirectResponse(f"/segments/{made.no}", status_code=303)


def card_values(
    sessions: Sessions,
    no: str,
    who: Identity,
    *,
    filter_text: str = "",
    after: int = 0,
    limit: int = LINES_PER_PAGE,
    translate: Callable[[str], str] = str,
) -> dict[str, Any]:
    """Everything the card shows: header, criteria pane, a page of lines, recent history;
    the criteria actions' sentences and any error in the language of `translate`."""
    segment = data(header.get(sessions, no))
    values: dict[str, Any] = {
        "segment": segment,
        "header_form": HEADER_FORM,
        "dimensions": DIMENSIONS,
        "choices": CHOICES,
        "header_values": {field: form_text(segment[field]) for field, _, _ in HEADER_FORM},
        "actions": criteria_pane(sessions, no, translate),
        "can_change": can_change(who),
        "filter_text": filter_text,
        "filter_error": None,
        "lines": [],
        "next_after": None,
        "after": after,
        "limit": limit,
        "message": None,
        "at": None,
        "error": None,
        "question": None,
        "criteria_text": "",
        "empty": True,
        "options": {},
    }
    try:
        lines = browse.get_lines_page(sessions, no, criteria=filter_text, after=after, limit=limit)
        values["lines"], values["next_after"] = lines.items, lines.next_after
    except Invalid as exc:
        values["filter_error"] = exc.said(translate)
    return values


def criteria_pane(
    sessions: Sessions, no: str, translate: Callable[[str], str]
) -> list[dict[str, Any]]:
    """The segment's criteria actions, each with its sentence in the page's language."""
    return [
        {**data(line), "description": history.sentence(line, translate=translate)}
        for line in history.criteria(sessions, no)
    ]


def spoken(text: str | Text, translate: Callable[[str], str]) -> str:
    """A question's text (marked N_ here, or a service's Text) in the page's language."""
    return said(text, translate) if isinstance(text, Text) else translate(text)


def question(
    text: str | Text, *, action: str, name: str, default: str, form: dict[str, str]
) -> dict[str, Any]:
    """One of Business Central's confirmations, asked on the card: answering posts the form
    again with `name` = yes or no; `default` is BC's default answer."""
    hidden = {k: v for k, v in form.items() if k not in ("csrf_token", name)}
    return {"text": text, "action": action, "name": name, "default": default, "hidden": hidden}


def card(
    request: Request, ctx: Context, who: Identity, no: str, status_code: int = 200, **extra: Any
) -> Response:
    """The card of segment `no`, with `extra` values (a message, an error, a question, said
    in the section `at` whose form was posted, where the form's address brings the browser
    back; at the top without one)."""
    values = card_values(ctx.sessions, no, who, translate=translator(request))
    values.update(extra)
    if values.get("question"):
        asked = values["question"]
        values["question"] = {**asked, "text": spoken(asked["text"], translator(request))}
    return page(request, "segments/card.html", status_code, **values)


def back_to_card(
    no: str,
    done: str = "",
    *,
    at: str | None = None,
    lines_page: Mapping[str, str | int] | None = None,
) -> Response:
    """The card after one of its forms was carried out (Post/Redirect/Get), saying `done`
    and scrolled to the section whose form it was (`at`, else the one `done` is said in),
    on the page of lines `lines_page` names (its `filter` and `after`, encoded as query
    values). The section and the message are this module's keys and ids, never the
    request's."""
    section = at or DONE_AT.get(done)
    query: dict[str, str | int] = {"done": done} if done else {}
    query |= {name: value for name, value in (lines_page or {}).items() if value}
    target = f"/segments/{no}" + (f"?{urlencode(query)}" if query else "")
    return RedirectResponse(target + (f"#{section}" if section else ""), status_code=303)


DONE_MESSAGES = {
    "created": N_("The segment has been created."),
    "header": N_("The header has been changed."),
    "undone": N_("The last action has been undone."),
    "undone-to": N_("The actions after the chosen one have been undone."),
    "action": N_("The action has been carried out."),
    "line": N_("The line has been removed."),
    "saved": N_("The criteria have been saved."),
    "reused": N_("The criteria have been reused."),
    "mailing-group": N_("The mailing group has been applied."),
    "opportunities": N_("The opportunities have been created."),
    "tasks": N_("The tasks have been created."),
    "refreshed": N_("The segment has been refreshed."),
}
# The sections of the card whose forms change the segment, by their ids in the templates.
# After an action the browser lands on the section whose form did it, and the card says what
# happened in that section (on a phone the lower sections are far below the top); a message
# not listed in DONE_AT is said at the top of the card.
GENERAL, ACTIONS_TAKEN, BUILD, LINES, USE = (
    "general-pane",
    "actions-pane",
    "build-pane",
    "lines-pane",
    "use-pane",
)
DONE_AT = {
    "header": GENERAL,
    "undone": ACTIONS_TAKEN,
    "undone-to": ACTIONS_TAKEN,
    "action": BUILD,
    "line": LINES,
    "saved": USE,
    "reused": USE,
    "mailing-group": USE,
    "opportunities": USE,
    "tasks": USE,
}


@router.get("/segments/{no}")
def segment_card(
    request: Request,
    who: Who,
    ctx: Context,
    no: str,
    filter: str = "",
    after: LineAfter = 0,
    limit: int = LINES_PER_PAGE,
    done: str = "",
) -> Response:
    """The segment card (S7, SPEC §8)."""
    values = card_values(
        ctx.sessions,
        no,
        who,
        filter_text=filter,
        after=after,
        limit=limit,
        translate=translator(request),
    )
    values["message"] = DONE_MESSAGES.get(done)
    values["at"] = DONE_AT.get(done)
    return page(request, "segments/card.html", **values)


@router.post("/segments/{no}/header")
async def set_header(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S2: the changed header fields, with BC's "update the segment lines?" question asked
    (default Yes) when a changed field propagates and the segment has lines."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    current = header.get(ctx.sessions, no)
    changes = changed_fields(form, data(current))
    answer = form.get("update_lines")
    if not changes:
        return back_to_card(current.no, at=GENERAL)
    asks = current.no_of_lines > 0 and any(field in ASKS_UPDATE_LINES for field, _ in changes)
    if asks and answer not in ("yes", "no"):
        asked = question(
            N_("You have modified the header. Do you want to update the segment lines?"),
            action=f"/segments/{current.no}/header#{GENERAL}",
            name="update_lines",
            default="yes",
            form=form,
        )
        return card(request, ctx, who, current.no, question=asked, at=GENERAL)
    try:
        header.set_header(ctx.sessions, no, values=changes, update_lines=answer != "no")
    except RapportError as exc:
        error = told(request, exc)
        return card(request, ctx, who, current.no, 422, error=error, header_error=True, at=GENERAL)
    return back_to_card(current.no, "header")


def changed_fields(form: dict[str, str], current: dict[str, Any]) -> list[tuple[str, str]]:
    """The header fields whose submitted text differs from the segment's, in form order; an
    unticked flag is absent from the form and means false."""
    changes = []
    for field, _label, kind in HEADER_FORM:
        if kind == "flag":
            given = "true" if form.get(field) == "true" else "false"
        elif field in form:
            given = form[field]
        else:
            continue
        if given.strip() != form_text(current[field]).strip():
            changes.append((field, given))
    return changes


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

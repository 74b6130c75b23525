"""The segment pages (S1, S2, S7, S8, X5; SPEC §8): the list with a search box and keyset
paging, the new-segment form, and the segment card with its editable header, the "Undo"
button, the criteria pane (each action in plain language with "Undo after this action")
and the lines grid.

The card's other parts live beside this module by sub-noun: `segment_header` (the header
form's fields and how a posted header is read), `segment_criteria` (the actions form, the
live preview, the criteria builder's JSON, undo and refresh), `segment_lines` (the grid,
line edits, explain, membership history) and `segment_outputs` (save and reuse criteria,
log, export, mailing group, opportunities and tasks). Every page calls the services
directly through `services` below, and turns their results into template values with
`data`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import RedirectResponse
from pydantic import Field, create_model
from starlette.responses import Response

from rapport.domain.enums import Role
from rapport.domain.skip_reasons import REASON_NAMES
from rapport.errors import Invalid, RapportError, Text, said
from rapport.server.auth import Identity
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.segments import browse, header, history
from rapport.services.segments.results import AddResult, RemovalResult
from rapport.storage.db import Sessions
from rapport.web.addresses import LINES_PER_PAGE, LineAfter, LinesLimit
from rapport.web.i18n import N_
from rapport.web.render import page, told, translator
from rapport.web.segment_header import (
    ASKS_UPDATE_LINES,
    CHOICES,
    changed_fields,
    form_text,
    posted_values,
    refusal,
)
from rapport.web.segment_header import HEADER_FORM as HEADER_FORM  # the card's, and tests'

router = web_router()

HISTORY_SHOWN = 100
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


def data(result: Any) -> Any:
    """A service result as plain template values (dataclasses become dicts)."""
    if is_dataclass(result) and not isinstance(result, type):
        return asdict(result)
    if isinstance(result, list):
        return [data(item) for item in result]
    return result


def can_change(who: Identity) -> bool:
    return who.account.role.allows(Role.MARKETER)


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
        "counted": None,
        "error_field": None,
        "criteria_text": "",
        "logged_segment": "",
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
    counts: Mapping[str, int] | None = None,
) -> Response:
    """The card after one of its forms was carried out (Post/Redirect/Get), saying `done`
    and scrolled to the section whose form it was (`at`, else the one `done` is said in),
    on the page of lines `lines_page` names (its `filter`, `after` and `limit`, encoded as
    query values), with the `counts` the message says (`counts_of`). The section and the message
    are this module's keys and ids, never the request's."""
    section = at or DONE_AT.get(done)
    query: dict[str, str | int] = {"done": done} if done else {}
    query |= dict(counts or {})
    query |= {name: value for name, value in (lines_page or {}).items() if value}
    target = f"/segments/{no}" + (f"?{urlencode(query)}" if query else "")
    return RedirectResponse(target + (f"#{section}" if section else ""), status_code=303)


def counts_of(result: object) -> dict[str, int] | None:
    """What an add, a reduce, a refine or a reuse of a logged segment did (S3, S4, S10), as
    the card's address carries it to the message: the lines added or removed, the lines
    now on the segment, an add's candidates left out by reason (X7) and a removal's reset
    of the criteria; None for another result."""
    if isinstance(result, AddResult):
        left_out = {reason: n for reason, n in asdict(result.skipped).items() if n}
        return {"added": result.added, "lines": result.no_of_lines, **left_out}
    if isinstance(result, RemovalResult):
        reset = {"reset": 1} if result.criteria_reset else {}
        return {"removed": result.removed, "lines": result.no_of_lines, **reset}
    return None


# The counts the card's address carries to its message (`counts_of`): the lines added or
# removed, the lines now on the segment, an add's candidates left out by each reason of
# `domain.skip_reasons` (by its name) and a removal's reset of the criteria.
COUNTED = ("added", "removed", "lines", *REASON_NAMES, "reset")
_COUNT: Any = (Annotated[int | None, Field(ge=0, le=2**53)], None)


class Counted(create_model("_Counted", **dict.fromkeys(COUNTED, _COUNT))):  # type: ignore[misc]
    """What an action did (`counts_of`), as the card's address says it."""


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
    counts: Annotated[Counted, Query()],
    filter: str = "",
    after: LineAfter = 0,
    limit: LinesLimit = LINES_PER_PAGE,
    done: str = "",
) -> Response:
    """The segment card (S7, SPEC §8); after an action, what it did (`counts_of`)."""
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
    counted = counts.model_dump()
    one_action = (counted["added"] is None) != (counted["removed"] is None)
    if done == "action" and counted["lines"] is not None and one_action:
        values["counted"] = counted
    return page(request, "segments/card.html", **values)


@router.post("/segments/{no}/header")
async def set_header(request: Request, who: Who, ctx: Context, no: str) -> Response:
    """S2: the changed header fields, each first read as its input's kind (Business Central
    checks a field's value when it is entered, before its question), then BC's "update the
    segment lines?" (default Yes) when a changed field propagates and the segment has lines.
    A refusal names its field and the form comes back as it was posted."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    current = header.get(ctx.sessions, no)
    posted = posted_values(form, data(current))
    changes = changed_fields(posted, data(current))
    answer = form.get("update_lines")
    if not changes:
        return back_to_card(current.no, at=GENERAL)
    try:
        header.check_values(ctx.sessions, changes)
        asks = current.no_of_lines > 0 and any(field in ASKS_UPDATE_LINES for field, _ in changes)
        if asks and answer not in ("yes", "no"):
            asked = question(
                N_("You have modified the header. Do you want to update the segment lines?"),
                action=f"/segments/{current.no}/header#{GENERAL}",
                name="update_lines",
                default="yes",
                form=form,
            )
            return card(
                request, ctx, who, current.no, question=asked, at=GENERAL, header_values=posted
            )
        header.set_header(ctx.sessions, no, values=changes, update_lines=answer != "no")
    except RapportError as exc:
        refused = refusal(request, exc)
        return card(request, ctx, who, current.no, 422, at=GENERAL, header_values=posted, **refused)
    return back_to_card(current.no, "header")

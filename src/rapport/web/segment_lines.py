"""The segment card's lines (S5, X3, X5, L3; SPEC §8): the grid a page at a time by keyset,
filtered with criteria; a line edited in place (htmx swaps the row for its form and back)
or removed; explain a line (in a row right after it); the membership history; a line's
letter previewed before logging, and sent as a test e-mail to an address of the marketer's
choice. Explain and the history name each action as the card's criteria pane does.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.responses import Response

from rapport.domain.codes import LARGEST_LINE_NO
from rapport.domain.enums import CorrespondenceType, Evaluation
from rapport.errors import N_, NotFound, RapportError
from rapport.server.guard import Context, Who
from rapport.server.routers import web_router
from rapport.services.delivery import preview
from rapport.services.segments import browse, header, history, line_edits, manual
from rapport.services.segments import explain as explaining
from rapport.storage.db import Sessions
from rapport.web.addresses import LINES_PER_PAGE, ActionAfter, LineAfter, LineNo, LinesLimit
from rapport.web.captions import SKIP_REASONS, moment
from rapport.web.lists import wants_fragment
from rapport.web.render import language_of, page, told, translator
from rapport.web.segment_header import form_text
from rapport.web.segments import (
    HISTORY_SHOWN,
    LINES,
    back_to_card,
    can_change,
    card,
    criteria_pane,
    data,
)

router = web_router()

# The line fields edited in place: (field, label, kind).
LINE_FORM: tuple[tuple[str, str, str], ...] = (
    ("salesperson_code", "Salesperson", "code"),
    ("correspondence_type", "Correspondence type", "correspondence_type"),
    ("language_code", "Language", "code"),
    ("subject", "Subject", "text"),
    ("description", "Description", "text"),
    ("evaluation", "Evaluation", "evaluation"),
)
LINE_CHOICES = {
    "correspondence_type": tuple(CorrespondenceType),
    "evaluation": tuple(Evaluation),
}


@dataclass(frozen=True)
class LinesPage:
    """The page of lines a row is on, which the row's links and forms carry on
    (segments/_lines_query.html) and the card comes back to after a removal."""

    filter_text: str
    after: int
    limit: int

    def address(self) -> dict[str, str | int]:
        """Its values as the card's address carries them: the lines per page only when
        they are not the default, blank ones left out by `back_to_card`."""
        limit = self.limit if self.limit != LINES_PER_PAGE else ""
        return {"filter": self.filter_text, "limit": limit, "after": self.after}


def lines_page(
    filter: str = "", after: LineAfter = 0, limit: LinesLimit = LINES_PER_PAGE
) -> LinesPage:
    return LinesPage(filter_text=filter, after=after, limit=limit)


OnPage = Annotated[LinesPage, Depends(lines_page)]


def one_line(sessions: Sessions, no: str, line_no: int) -> dict[str, Any]:
    """Line `line_no` of the segment, or NotFound."""
    found = browse.get_lines_page(sessions, no, after=line_no - 1, limit=1).items
    if not found or found[0]["line_no"] != line_no:
        no = no.strip().upper()
        raise NotFound(N_("Segment {no} has no line {line_no}.", no=no, line_no=line_no))
    return found[0]


@router.get("/segments/{no}/lines")
def lines_grid(
    request: Request,
    who: Who,
    ctx: Context,
    no: str,
    filter: str = "",
    after: LineAfter = 0,
    limit: LinesLimit = LINES_PER_PAGE,
) -> Response:
    """A page of lines (the grid's body and pager), filtered with criteria."""
    segment = header.get(ctx.sessions, no)
    values: dict[str, Any] = {
        "segment": data(segment),
        "filter_text": filter,
        "filter_error": None,
        "lines": [],
        "next_after": None,
        "after": after,
        "limit": limit,
        "can_change": can_change(who),
    }
    try:
        found = browse.get_lines_page(ctx.sessions, no, criteria=filter, after=after, limit=limit)
        values["lines"], values["next_after"] = found.items, found.next_after
    except RapportError as exc:
        values["filter_error"] = told(request, exc)
    return page(request, "segments/_lines.html", **values)


def row(request: Request, ctx: Context, who: Any, no: str, line_no: int, **extra: Any) -> Response:
    values = {
        "segment": {"no": no.strip().upper()},
        "line": one_line(ctx.sessions, no, line_no),
        "can_change": can_change(who),
        "line_form": LINE_FORM,
        "line_choices": LINE_CHOICES,
        **extra,
    }
    template = "segments/_line_edit.html" if extra.get("editing") else "segments/_line.html"
    status = 422 if extra.get("error") else 200
    return page(request, template, status, **values)


@router.get("/segments/{no}/lines/{line_no}")
def line_row(
    request: Request, who: Who, ctx: Context, no: str, line_no: LineNo, on_page: OnPage
) -> Response:
    """One line's row (what "Cancel" of an edit swaps back)."""
    return row(request, ctx, who, no, line_no, **asdict(on_page))


@router.get("/segments/{no}/lines/{line_no}/edit")
def line_edit(
    request: Request, who: Who, ctx: Context, no: str, line_no: LineNo, on_page: OnPage
) -> Response:
    """One line's row as a form ("Edit")."""
    return row(request, ctx, who, no, line_no, editing=True, error=None, **asdict(on_page))


@router.post("/segments/{no}/lines/{line_no}")
async def line_save(
    request: Request, who: Who, ctx: Context, no: str, line_no: LineNo, on_page: OnPage
) -> Response:
    """S5: the changed fields of one line, each validated; the row comes back, on the page
    of lines it was edited on."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    current = one_line(ctx.sessions, no, line_no)
    changes = [
        (field, form[field])
        for field, _label, _kind in LINE_FORM
        if field in form and form[field].strip() != form_text(current[field]).strip()
    ]
    try:
        if changes:
            line_edits.set_line(ctx.sessions, no, line_no, values=changes, user=who.account.name)
    except RapportError as exc:
        error = told(request, exc)
        return row(request, ctx, who, no, line_no, editing=True, error=error, **asdict(on_page))
    return row(request, ctx, who, no, line_no, **asdict(on_page))


@router.post("/segments/{no}/lines/{line_no}/remove")
def line_remove(
    request: Request,
    who: Who,
    ctx: Context,
    no: str,
    line_no: LineNo,
    on_page: OnPage,
) -> Response:
    """S5: remove the line's contact by hand, recorded as its own undoable action; the card
    comes back on the page of lines the line was on (its filter, its cursor and its lines
    per page when they are not the default)."""
    line = one_line(ctx.sessions, no, line_no)
    try:
        manual.remove_contact(
            ctx.sessions, no, contact_no=line["contact_no"], user=who.account.name
        )
    except RapportError as exc:
        error = told(request, exc)
        return card(request, ctx, who, no.strip().upper(), 422, error=error, at=LINES)
    return back_to_card(no.strip().upper(), "line", lines_page=on_page.address())


def actions_said(request: Request, ctx: Context, no: str) -> dict[int, dict[str, Any]]:
    """The segment's criteria actions by no., each in the words of the card's criteria pane
    (its sentence) with its user and its time, in the page's language."""
    language = language_of(request)
    return {
        action["action_no"]: {
            **action,
            "at": moment(action["created_at"], language) if action["created_at"] else "",
        }
        for action in criteria_pane(ctx.sessions, no, translator(request))
    }


@router.get("/segments/{no}/explain")
def explain(
    request: Request,
    who: Who,
    ctx: Context,
    no: str,
    contact: str = "",
    line: Annotated[int | None, Query(ge=1, le=LARGEST_LINE_NO)] = None,
) -> Response:
    """X3: which action put the contact on the segment and which parts of it matched; with
    the `line` it is shown for, as the row after that line in the grid."""
    del who
    # The card's "Explain a contact" form sent without script asks for a whole page.
    whole = line is None and not wants_fragment(request)
    template = "segments/explain.html" if whole else "segments/_explain.html"
    segment = {"no": no.strip().upper()}
    try:
        found = data(explaining.explain(ctx.sessions, no, contact))
    except RapportError as exc:
        error = told(request, exc)
        return page(request, template, 404, line_no=line, error=error, segment=segment)
    return page(
        request,
        template,
        line_no=line,
        explanation=found,
        actions=actions_said(request, ctx, no),
        skip_reasons=SKIP_REASONS,
        segment=segment,
    )


@router.get("/segments/{no}/history")
def membership(
    request: Request,
    who: Who,
    ctx: Context,
    no: str,
    contact: str = "",
    after_action: ActionAfter = 0,
    after_line: LineAfter = 0,
) -> Response:
    """X5: the entries and exits of the segment's contacts (of one contact when given), by
    the action that made them, a page of them at a time: those after the event of action
    `after_action`, line `after_line` (the page before's last) when given."""
    del who
    after = (after_action, after_line) if after_action else None
    events = list(
        history.membership_log(
            ctx.sessions, no, contact_no=contact or None, after=after, limit=HISTORY_SHOWN + 1
        )
    )
    shown = events[:HISTORY_SHOWN]
    following = history.event_key(shown[-1]) if len(events) > HISTORY_SHOWN else None
    return page(
        request,
        "segments/_history.html",
        history=shown,
        following=following,
        from_start=after is not None,
        contact=contact,
        actions=actions_said(request, ctx, no),
        segment={"no": no.strip().upper()},
    )


def letter_page(
    request: Request, ctx: Context, who: Any, no: str, line_no: int, **extra: Any
) -> Response:
    """A line's merged letter (L3), or the reason it cannot be merged."""
    values: dict[str, Any] = {
        "segment": {"no": no.strip().upper()},
        "line_no": line_no,
        "letter": None,
        "error": None,
        "can_change": can_change(who),
        "to": "",
        "sent_to": None,
        "send_error": None,
        **extra,
    }
    status = 422 if extra.get("send_error") else 200
    try:
        merged = preview.preview_letter(ctx.sessions, no, line_no, settings=ctx.settings)
        values["letter"] = data(merged.preview)
    except NotFound as exc:
        return page(request, "segments/letter.html", 404, **{**values, "error": told(request, exc)})
    except RapportError as exc:
        return page(request, "segments/letter.html", 422, **{**values, "error": told(request, exc)})
    return page(request, "segments/letter.html", status, **values)


@router.get("/segments/{no}/lines/{line_no}/preview")
def letter(request: Request, who: Who, ctx: Context, no: str, line_no: LineNo) -> Response:
    """L3: the e-mail or Word letter the line's contact would receive, before logging."""
    return letter_page(request, ctx, who, no, line_no)


@router.post("/segments/{no}/lines/{line_no}/test-email")
async def test_email(
    request: Request, who: Who, ctx: Context, no: str, line_no: LineNo
) -> Response:
    """L3: the line's merged e-mail sent to the address given; the page says where it went,
    or why it was not sent beside the address."""
    form = await request.form()
    to = form.get("to")
    to = to if isinstance(to, str) else ""
    try:
        sent = preview.send_test_email(ctx.sessions, no, line_no, to=to, settings=ctx.settings)
    except RapportError as exc:
        return letter_page(request, ctx, who, no, line_no, to=to, send_error=told(request, exc))
    return letter_page(request, ctx, who, no, line_no, sent_to=sent.to)

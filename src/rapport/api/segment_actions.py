"""Changing a segment's membership over HTTP (S3–S5, S8–S10, X2, X5; SPEC §7): the criteria
actions add / reduce / refine with criteria as text or as the JSON tree and `preview`,
contacts added and removed by hand, undo (to any earlier action), and reuse of saved
criteria and of a logged segment. Each answers the JSON of the matching `segment` command.

Pinned for scripts (issue 12): `POST /api/segments/{no}/actions` takes
`{"type": "add"|"reduce"|"refine", "criteria": <text or tree>, "preview": false}` plus the
options in snake_case; an option of another action type is a 422.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictBool, create_model

from rapport.api.answers import answer
from rapport.api.criteria_input import read_criteria
from rapport.api.pages import JSON_INTEGER, RequestBody
from rapport.api.segments import PROBLEMS, Code, ShortCode
from rapport.domain.codes import LARGEST_ENTRY_NO
from rapport.errors import Invalid
from rapport.server.guard import Context, Who
from rapport.server.problems import fields_named
from rapport.server.routers import api_router
from rapport.services.segments import actions, history, manual, reuse
from rapport.services.segments.results import Skipped

router = api_router(tags=["segment actions"])

ADD_OPTIONS = ("allow_existing", "expand_companies", "related_companies", "ignore_exclusion")
REMOVE_OPTIONS = ("entire_companies", "keep_criteria")
ACTION_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    409: {"description": "The segment's state forbids the action"},
}


class SampleContact(BaseModel):
    no: str
    name: str
    type: str
    company_no: str


# A count for each reason of `domain.skip_reasons`, in the order of the answer (`Skipped`).
_SKIPPED_FIELDS: dict[str, Any] = {field.name: (int, ...) for field in dataclasses.fields(Skipped)}


class SkippedCounts(create_model("_SkippedCounts", **_SKIPPED_FIELDS)):  # type: ignore[misc]
    """Candidates an add left out, by reason (X7)."""


# What a removal that empties a segment did (or, previewed, would do) to its criteria.
CRITERIA_RESET = (
    "The segment was left empty and its criteria actions and history were reset (BC's "
    "default; `keep_criteria` keeps them); `action_no` is then 0."
)


class ActionAnswer(BaseModel):
    """`segment add|reduce|refine --json`: `added` and `skipped` for add, `removed` and
    `criteria_reset` for reduce and refine; a preview also has `preview: true` and a
    `sample` of the contacts."""

    action_no: int
    added: int | None = None
    removed: int | None = None
    no_of_lines: int
    criteria_reset: bool | None = Field(default=None, description=CRITERIA_RESET)
    skipped: SkippedCounts | None = None
    preview: bool | None = None
    sample: list[SampleContact] | None = None


class ContactAdded(BaseModel):
    """What adding one contact by hand did (`segment add-contact --json`, one item)."""

    action_no: int
    added: int
    no_of_lines: int
    skipped: SkippedCounts


class ContactRemoved(BaseModel):
    """What removing one contact by hand did (`segment remove-contact --json`, one item)."""

    action_no: int
    removed: int
    no_of_lines: int
    criteria_reset: bool = Field(description=CRITERIA_RESET)


class ActionBody(RequestBody):
    type: Literal["add", "reduce", "refine"]
    criteria: str | dict[str, Any] = Field(
        description="The criteria language as text, or the JSON tree.",
        examples=["country = BE and industry_group = RETAIL"],
    )
    preview: StrictBool = Field(default=False, description="X2: count and sample; change nothing.")
    allow_existing: StrictBool | None = Field(
        default=None, description="add: contacts already on it."
    )
    expand_companies: StrictBool | None = Field(default=None, description="add: whole companies.")
    related_companies: StrictBool | None = Field(
        default=None, description="add: a person's company."
    )
    ignore_exclusion: StrictBool | None = Field(default=None, description="add: excluded ones too.")
    entire_companies: StrictBool | None = Field(
        default=None, description="reduce/refine: match and remove whole companies."
    )
    keep_criteria: StrictBool | None = Field(
        default=None, description="reduce/refine: keep the criteria when the segment empties."
    )

    def check_options(self) -> None:
        """An option that does not apply to the action type is an error, not ignored."""
        foreign = REMOVE_OPTIONS if self.type == "add" else ADD_OPTIONS
        for name in foreign:
            if name in self.model_fields_set:
                raise Invalid(f"'{name}' is not an option of {self.type}", field=name)

    def flag(self, name: str) -> bool:
        return bool(getattr(self, name))


class ContactsBody(RequestBody):
    contacts: list[Code] = Field(min_length=1, max_length=1000, examples=[["CT000012"]])


class UndoBody(RequestBody):
    to: Annotated[int, Field(strict=True, ge=0), JSON_INTEGER] | None = Field(
        default=None, description="Undo every action after this one (0: all)."
    )


class UndoAnswer(BaseModel):
    undone: list[int]
    no_of_lines: int
    no_of_criteria_actions: int


class ReuseCriteriaBody(RequestBody):
    code: ShortCode
    yes: StrictBool = Field(
        default=False, description="Go ahead although the segment has criteria."
    )


class ReuseAnswer(BaseModel):
    actions: int
    added: int
    removed: int
    no_of_lines: int
    warnings: list[str] = Field(
        description="codes the saved criteria name that were deleted since they were saved"
    )


class ReuseLoggedBody(RequestBody):
    entry_no: Annotated[int, Field(strict=True, ge=1, le=LARGEST_ENTRY_NO), JSON_INTEGER]
    allow_existing: StrictBool = False
    ignore_exclusion: StrictBool = False
    yes: StrictBool = False


@router.post(
    "/segments/{no}/actions",
    summary="Add, reduce or refine with criteria (S3, S4), or preview it (X2)",
    response_model=ActionAnswer,
    responses=ACTION_PROBLEMS,
)
def post_action(no: str, body: ActionBody, ctx: Context, who: Who) -> JSONResponse:
    body.check_options()
    criteria = read_criteria(body.criteria, field="criteria")
    user = who.account.name
    if body.type == "add":
        options = actions.AddOptions(**{name: body.flag(name) for name in ADD_OPTIONS})
        added = actions.add_contacts(
            ctx.sessions,
            no,
            criteria=criteria,
            options=options,
            user=user,
            preview=body.preview,
            accelerator=ctx.accelerator,
        )
        return answer(added)
    remove = actions.reduce if body.type == "reduce" else actions.refine
    result = remove(
        ctx.sessions,
        no,
        criteria=criteria,
        entire_companies=body.flag("entire_companies"),
        keep_criteria=body.flag("keep_criteria"),
        user=user,
        preview=body.preview,
        accelerator=ctx.accelerator,
    )
    return answer(result)


@router.post(
    "/segments/{no}/contacts",
    summary="Add contacts by hand (S5), each as its own undoable action; all or nothing",
    response_model=list[ContactAdded],
    responses=ACTION_PROBLEMS,
)
def add_contacts(no: str, body: ContactsBody, ctx: Context, who: Who) -> JSONResponse:
    with fields_named(contact_nos="contacts"):
        added = manual.add_contacts_by_hand(
            ctx.sessions, no, contact_nos=body.contacts, user=who.account.name
        )
    return answer(added)


@router.delete(
    "/segments/{no}/contacts/{contact}",
    summary="Remove a contact by hand (S5), as its own undoable action",
    response_model=ContactRemoved,
    responses=ACTION_PROBLEMS,
)
def remove_contact(
    no: str,
    contact: str,
    ctx: Context,
    who: Who,
    keep_criteria: Annotated[
        bool, Query(description="Keep the criteria actions when the segment becomes empty.")
    ] = False,
) -> JSONResponse:
    result = manual.remove_contact(
        ctx.sessions, no, contact_no=contact, user=who.account.name, keep_criteria=keep_criteria
    )
    return answer(result)


@router.post(
    "/segments/{no}/undo",
    summary="Undo the last action, or every action after `to` (S8, X5)",
    response_model=UndoAnswer,
    responses=PROBLEMS,
)
def undo(no: str, ctx: Context, who: Who, body: UndoBody | None = None) -> JSONResponse:
    to = body.to if body else None
    return answer(history.go_back(ctx.sessions, no, to=to, user=who.account.name))


@router.post(
    "/segments/{no}/reuse-criteria",
    summary="Replay saved criteria on the segment (S9)",
    response_model=ReuseAnswer,
    responses=ACTION_PROBLEMS,
)
def reuse_criteria(no: str, body: ReuseCriteriaBody, ctx: Context, who: Who) -> JSONResponse:
    result = reuse.reuse_criteria(
        ctx.sessions, no, code=body.code, user=who.account.name, yes=body.yes
    )
    return answer(result)


@router.post(
    "/segments/{no}/reuse-logged",
    summary="The contacts of a logged segment become lines of this one (S10)",
    response_model=ActionAnswer,
    responses=ACTION_PROBLEMS,
)
def reuse_logged(no: str, body: ReuseLoggedBody, ctx: Context, who: Who) -> JSONResponse:
    result = reuse.reuse_logged(
        ctx.sessions,
        no,
        entry_no=body.entry_no,
        user=who.account.name,
        allow_existing=body.allow_existing,
        ignore_exclusion=body.ignore_exclusion,
        yes=body.yes,
    )
    return answer(result)

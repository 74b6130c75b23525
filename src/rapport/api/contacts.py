"""Contacts over HTTP (K1, K2): the keyset-paged list with criteria and a plain search, the
contact card, add / change / delete, and the assignments of groups, relations,
responsibilities, web sources and profile answers.

Bodies name fields as the criteria language does (SPEC §5), as `rapport contacts add
FIELD=VALUE…` takes them; answers are the JSON of `rapport contacts … --json`.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from fastapi import Body, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, create_model

from rapport.api.pages import DEFAULT_LIMIT, After, Limit, RequestBody, decode_cursor, page, page_of
from rapport.api.shapes import answer, documented, jsonable
from rapport.server.guard import Context, Who
from rapport.server.routers import api_router
from rapport.services.contacts import cards, consent, relations
from rapport.services.contacts.results import (
    AltAddressRead,
    ContactCard,
    ContactRead,
    InteractionRead,
)

router = api_router(tags=["contacts"])

Relation = Literal[
    "mailing_group",
    "industry_group",
    "business_relation",
    "job_responsibility",
    "web_source",
    "profile",
]
ContactNo = Annotated[str, Path(min_length=1, max_length=20, examples=["CT000001"])]
Fields = dict[str, StrictStr | StrictBool | None]
ASSIGNMENT_LISTS = (
    "mailing_groups",
    "industry_groups",
    "business_relations",
    "job_responsibilities",
    "web_sources",
    "profile_answers",
)
FIELDS_EXAMPLE = {"type": "person", "name": "Ann Smith", "company_no": "CT000001"}


CorrespondenceType = Literal["email", "hard_copy"]


class OptOut(RequestBody):
    type: CorrespondenceType = Field(examples=["email"])


class Assignment(RequestBody):
    relation: Relation = Field(examples=["mailing_group"])
    code: str = Field(min_length=1, max_length=20, description="For profile: the questionnaire.")
    values: dict[str, str] = Field(
        default_factory=dict,
        description="business_relation: link_to_table, link_no; web_source: search_word; "
        "profile: answer_line.",
    )


class AssignedRead(BaseModel):
    """One assignment on the contact card: the code, its description and, beside them, the
    link's own fields (a business relation's `link_to_table` and `link_no`, a web source's
    `search_word`, a profile answer's `answer_line` …)."""

    model_config = ConfigDict(extra="allow")

    code: str
    description: str


class AssignmentRead(AssignedRead):
    """An assignment just made, with the contact and the relation it is of."""

    contact_no: str
    relation: Relation


class AssignmentRemoved(BaseModel):
    contact_no: str
    relation: Relation
    code: str
    removed: bool


class ContactDeleted(BaseModel):
    no: str
    deleted: bool


# The contact card (K1/K2): the contact's fields, then what is kept about it.
_CARD_FIELDS: dict[str, Any] = {
    **dict.fromkeys(ASSIGNMENT_LISTS, (list[AssignedRead], ...)),
    "alt_addresses": (list[documented(AltAddressRead)], ...),  # type: ignore[misc]
    "recent_interactions": (list[documented(InteractionRead)], ...),  # type: ignore[misc]
    "opted_out": (list[str], ...),
}
ContactCardRead = create_model("ContactCardRead", __base__=documented(ContactRead), **_CARD_FIELDS)


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    """An assignment with its link's own fields beside its code and description."""
    return {"code": item["code"], "description": item["description"], **item["values"]}


def card_json(card: ContactCard) -> dict[str, Any]:
    shape: dict[str, Any] = jsonable(card)
    for name in ASSIGNMENT_LISTS:
        shape[name] = [_flat(item) for item in shape[name]]
    return shape


@router.get("/contacts", summary="Contacts, by no.", response_model=page_of(ContactRead))
def list_contacts(
    request: Request,
    ctx: Context,
    limit: Limit = DEFAULT_LIMIT,
    after: After = None,
    where: Annotated[
        str | None, Query(max_length=10_000, examples=["country = BE and type = person"])
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Plain search.")] = None,
) -> JSONResponse:
    """K1: the contacts the criteria `where` select (SPEC §5) and whose no., name, company
    name or e-mail contains `q`, every field."""
    rows = cards.get_all(
        ctx.sessions,
        where=where,
        search=q,
        after=decode_cursor(after, str),
        limit=limit + 1,
    )
    return page(request, rows, limit=limit, key=lambda row: row.no)


@router.post(
    "/contacts", summary="Add a contact", status_code=201, response_model=documented(ContactRead)
)
def add_contact(
    ctx: Context, body: Annotated[Fields, Body(examples=[FIELDS_EXAMPLE])]
) -> JSONResponse:
    """K1: a company unless type is person; without `no` the number comes from the
    contact number series."""
    return answer(cards.add_contact(ctx.sessions, fields=body), status=201)


@router.get("/contacts/{no}", summary="A contact card", response_model=ContactCardRead)
def get_contact(no: ContactNo, ctx: Context) -> JSONResponse:
    """K1/K2: the contact with its groups, relations, responsibilities, web sources,
    profile answers, alternate addresses and latest interactions."""
    return JSONResponse(card_json(cards.get(ctx.sessions, no)))


@router.patch(
    "/contacts/{no}", summary="Change a contact's fields", response_model=documented(ContactRead)
)
def edit_contact(
    no: ContactNo,
    ctx: Context,
    who: Who,
    body: Annotated[Fields, Body(min_length=1, examples=[FIELDS_EXAMPLE])],
) -> JSONResponse:
    """K1: a company's new name reaches its persons; a new company no. is refused while
    the contact is on an unlogged segment."""
    return answer(cards.edit_contact(ctx.sessions, no, fields=body, by=who.account.name))


@router.delete("/contacts/{no}", summary="Delete a contact")
def delete_contact(no: ContactNo, ctx: Context) -> ContactDeleted:
    """K1: refused while it is on an unlogged segment, has interactions, opportunities or
    tasks, or (a company) still has persons."""
    key = no.strip().upper()
    cards.delete_contact(ctx.sessions, key)
    return ContactDeleted(no=key, deleted=True)


@router.post(
    "/contacts/{no}/assignments",
    summary="Assign a group, relation or answer",
    status_code=201,
    response_model=AssignmentRead,
)
def assign(no: ContactNo, body: Assignment, ctx: Context) -> JSONResponse:
    """K2: a mailing group, industry group, business relation, job responsibility, web
    source or profile answer for the contact."""
    done = relations.assign(
        ctx.sessions, no, relation=body.relation, code=body.code, values=body.values
    )
    shape = {"contact_no": no.strip().upper(), "relation": done.relation}
    return answer({**shape, **_flat(jsonable(dataclasses.asdict(done)))}, status=201)


@router.delete("/contacts/{no}/assignments/{relation}/{code}", summary="Take an assignment away")
def unassign(
    no: ContactNo,
    relation: Annotated[Relation, Path(examples=["mailing_group"])],
    code: Annotated[str, Path(max_length=20)],
    ctx: Context,
    answer_line: Annotated[
        str | None, Query(max_length=10, description="For profile: the answer's line no.")
    ] = None,
) -> AssignmentRemoved:
    """K2: remove the assignment; a profile answer is named by its questionnaire and line."""
    values = {"answer_line": answer_line} if answer_line is not None else {}
    relations.unassign(ctx.sessions, no, relation=relation, code=code, values=values)
    return AssignmentRemoved(
        contact_no=no.strip().upper(), relation=relation, code=code.strip().upper(), removed=True
    )


@router.post(
    "/contacts/{no}/opt-outs",
    summary="Opt a contact out of a correspondence type",
    status_code=201,
    response_model=documented(consent.ConsentRead),
)
def opt_out(no: ContactNo, body: OptOut, ctx: Context, who: Who) -> JSONResponse:
    """X7: the contact no longer gets this correspondence type (no change if it already
    opted out): segments skip it for lines of that type, and delivery skips it even if it
    is already on a segment. The answer is its consent, as `rapport contacts opt-out
    --json` prints it."""
    done = consent.opt_out(ctx.sessions, no, correspondence_type=body.type, by=who.account.name)
    return answer(done, status=201)


@router.delete(
    "/contacts/{no}/opt-outs/{type}",
    summary="Take back an opt-out",
    response_model=documented(consent.ConsentRead),
)
def opt_in(
    no: ContactNo,
    type: Annotated[CorrespondenceType, Path(examples=["email"])],
    ctx: Context,
    who: Who,
) -> JSONResponse:
    """X7: take back the contact's opt-out of a correspondence type (no change if there was
    none); the answer is its consent, as `rapport contacts opt-in --json` prints it."""
    done = consent.opt_in(ctx.sessions, no, correspondence_type=type, by=who.account.name)
    return answer(done)

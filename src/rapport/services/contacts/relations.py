"""What is kept about a contact (K2): groups, relations, responsibilities, sources, profile.

One table, `RELATIONS` (in `_relations`, on the Core tables), says for each kind of
assignment which link table holds it, the code table its code must exist in, which contact
type may carry it and its extra fields. `assign` and `unassign` read that table, so the six
kinds share one code path. As in
Business Central, industry groups and business relations are kept on the company contact
(persons inherit their company's, reference §1.10) and job responsibilities on persons.

Profile answers are assigned through the same two functions as relation `profile`
(code: the questionnaire, value `answer_line`); their rules are in `contact_profiles`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from rapport.domain.enums import ContactType
from rapport.errors import CODE_FIELD, N_, Conflict, Invalid, NotFound, Text, does_not_exist
from rapport.services.contacts import _relations
from rapport.services.contacts._fields import Assigned, find_contact, relation_code
from rapport.services.contacts._relations import PROFILE, RELATION_NAMES, RELATIONS, Relation
from rapport.services.contacts.profiles import answer_profile, remove_profile_answer
from rapport.storage.db import Sessions
from rapport.storage.tables import Contact, folded


def relation_spec(name: str) -> Relation:
    if name in RELATIONS:
        return RELATIONS[name]
    close = difflib.get_close_matches(name, RELATION_NAMES, n=1)
    hint = N_(" — did you mean {name!r}?", name=close[0]) if close else Text("")
    raise Invalid(
        N_(
            "unknown relation '{name}'{hint} (one of: {names})",
            name=name,
            hint=hint,
            names=", ".join(RELATION_NAMES),
        )
    )


def _check_kind(contact: Contact, spec: Relation) -> None:
    if spec.only is not None and contact.type != spec.only:
        # a contact is a company or a person: the one the relation is not kept on
        if spec.only is ContactType.COMPANY:
            raise Invalid(
                N_(
                    "{caption} is kept on companies; contact {no} is a person",
                    caption=Text(spec.caption),
                    no=contact.no,
                )
            )
        raise Invalid(
            N_(
                "{caption} is kept on persons; contact {no} is a company",
                caption=Text(spec.caption),
                no=contact.no,
            )
        )


def _extras(spec: Relation, values: Mapping[str, str], name: str) -> dict[str, str]:
    unknown = sorted(set(values) - set(spec.extras))
    if unknown:
        allowed = ", ".join(spec.extras) or "none"
        raise Invalid(
            N_(
                "unknown field(s) {unknown} for {name} (allowed: {allowed})",
                unknown=", ".join(unknown),
                name=name,
                allowed=allowed,
            )
        )
    return {key: convert(key, values[key]) for key, convert in spec.extras.items() if key in values}


def _link_exists(session: Session, spec: Relation, contact_id: int, code: str) -> bool:
    table = spec.link
    query = select(table.c.contact_id).where(
        table.c.contact_id == contact_id, table.c[spec.code_column] == code
    )
    return session.execute(query).first() is not None


def assign(
    sessions: Sessions,
    contact_no: str,
    *,
    relation: str,
    code: str,
    values: Mapping[str, str] | None = None,
) -> Assigned:
    """K2: give the contact a mailing group, industry group, business relation, job
    responsibility, web source or (`profile`, code = questionnaire, values `answer_line`) a
    profile answer. The code must exist (NotFound naming `code`: the contact is there); an
    existing assignment is a Conflict."""
    values = dict(values or {})
    if relation == PROFILE:
        _profile_values(values)
        return answer_profile(
            sessions, contact_no, questionnaire=code, answer_line=values["answer_line"]
        )
    spec = relation_spec(relation)
    code = relation_code(code, relation)
    extras = _extras(spec, values, relation)
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        _check_kind(contact, spec)
        described = session.scalar(
            select(spec.codes.c.description).where(spec.codes.c.code == code)
        )
        if described is None:
            raise does_not_exist(Text(spec.caption), (CODE_FIELD, code), field="code")
        if _link_exists(session, spec, contact.id, code):
            raise Conflict(
                N_(
                    "Contact {no} already has {caption} {code}.",
                    no=contact.no,
                    caption=Text(spec.caption),
                    code=code,
                )
            )
        row = {"contact_id": contact.id, spec.code_column: code, **extras}
        session.execute(insert(spec.link).values(row | folded(row, spec.link.name)))
        defaults = dict.fromkeys(spec.extras, "")
        return Assigned(relation, code, described, defaults | extras)


def _profile_values(values: Mapping[str, str]) -> None:
    unknown = sorted(set(values) - {"answer_line"})
    if unknown:
        raise Invalid(
            N_(
                "unknown field(s) {unknown} for profile (allowed: answer_line)",
                unknown=", ".join(unknown),
            )
        )
    if not str(values.get("answer_line", "")).strip():
        raise Invalid(N_("a profile answer needs answer_line=LINE_NO"), field="profile")


def unassign(
    sessions: Sessions,
    contact_no: str,
    *,
    relation: str,
    code: str,
    values: Mapping[str, str] | None = None,
) -> None:
    """K2: take an assignment away from the contact; NotFound when it has none."""
    values = dict(values or {})
    if relation == PROFILE:
        _profile_values(values)
        remove_profile_answer(
            sessions, contact_no, questionnaire=code, answer_line=values["answer_line"]
        )
        return
    spec = relation_spec(relation)
    code = relation_code(code, relation)
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        table = spec.link
        done = session.execute(
            delete(table).where(table.c.contact_id == contact.id, table.c[spec.code_column] == code)
        )
        if not cast(Any, done).rowcount:
            raise NotFound(
                N_(
                    "Contact {no} has no {caption} {code}.",
                    no=contact.no,
                    caption=Text(spec.caption),
                    code=code,
                )
            )


# What a contact has of a relation that only its current type may keep, as a change of its
# type names it
KEPT_AS = {
    "industry_group": N_("industry groups"),
    "business_relation": N_("business relations"),
    "job_responsibility": N_("job responsibilities"),
}


def kept_for_type(session: Session, contact: Contact) -> Text | None:
    """What the contact has that only its current type may keep (None when nothing)."""
    for name, spec in RELATIONS.items():
        if spec.only is None or spec.only != contact.type:
            continue
        table = spec.link
        if session.execute(
            select(table.c.contact_id).where(table.c.contact_id == contact.id)
        ).first():
            return KEPT_AS[name]
    return None


# --- Reading -----------------------------------------------------------------------------


def assignments(session: Session, contact: Contact) -> dict[str, tuple[Assigned, ...]]:
    """Every assignment of the contact by relation name (`_relations.assignments`)."""
    return _relations.assignments(
        session.connection(), contact.id, type=contact.type, company_id=contact.company_id
    )

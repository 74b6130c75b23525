"""The checks of logging a segment (L7), with Business Central's messages (reference §3).

Logging stops at the first problem, so these checks find it set-based: one query over the
segment's active lines computes, for each line with a contact, the first failing check of
BC's CheckSegmentLine in BC's order (date, contact, salesperson, template, campaign, e-mail
address, attachment to deliver) and returns the lowest-numbered offending line. The same
joins give each line's *effective* correspondence type, the e-mail rule of reference §3:
an e-mail line whose contact has no e-mail address is logged without a correspondence type
unless the line's alternate address has one.

That query runs only when a line fails. Before it, one aggregate over the lines counts them
and their problems; without delivery it leaves the contacts out (a probe of the contacts
per line, at 100,000 lines most of the checks' cost), and the entries' INSERT, which joins
the contacts anyway, confirms that every line's contact was there (`confirm_contacts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    and_,
    case,
    false,
    func,
    literal,
    null,
    or_,
    select,
)

from rapport.domain.enums import CorrespondenceType
from rapport.errors import CODE_FIELD, N_, NO_FIELD, Conflict, Invalid, NotFound, missing_record
from rapport.storage import schema
from rapport.storage.segment_lines import on_segment

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

EMAIL = CorrespondenceType.EMAIL.value


lines = schema.segment_lines
contacts = schema.contacts
alt_addresses = schema.contact_alt_addresses
templates = schema.interaction_templates
salespeople = schema.salespeople
campaigns = schema.campaigns


def logged_lines(segment_id: int) -> list[ColumnElement[bool]]:
    """The lines that become interactions: on the segment and with a contact (reference
    §2.11: lines without a contact are dropped silently; removed lines are not on it)."""
    return [
        on_segment(segment_id),
        lines.c.contact_id.is_not(None),
    ]


def line_joins(*, with_template: bool = True, contact_required: bool = False) -> FromClause:
    """Lines with their contact (only the lines that have one, when `contact_required`),
    their alternate address and (when asked) their template."""
    on_contact = contacts.c.id == lines.c.contact_id
    joins = (
        lines.join(contacts, on_contact)
        if contact_required
        else lines.outerjoin(contacts, on_contact)
    ).outerjoin(
        alt_addresses,
        and_(
            alt_addresses.c.contact_id == lines.c.contact_id,
            alt_addresses.c.code == lines.c.contact_alt_address_code,
            lines.c.contact_alt_address_code != "",
        ),
    )
    if not with_template:
        return joins
    return joins.outerjoin(templates, templates.c.code == lines.c.interaction_template_code)


def has_email_address() -> ColumnElement[bool]:
    return or_(
        contacts.c.email != "", and_(alt_addresses.c.code.is_not(None), alt_addresses.c.email != "")
    )


def effective_correspondence_type() -> ColumnElement[str]:
    """CheckSegmentLine's e-mail rule: blank when e-mail has no address to go to."""
    return case(
        (and_(lines.c.correspondence_type == EMAIL, ~has_email_address()), literal("")),
        else_=lines.c.correspondence_type,
    )


def to_deliver(deliver: bool) -> ColumnElement[bool]:
    """Whether a line is queued for delivery: Deliver, and its (effective) correspondence
    type or its template's default is not blank (reference §2.11 step 6)."""
    if not deliver:
        return false()
    return or_(
        effective_correspondence_type() != "",
        and_(templates.c.code.is_not(None), templates.c.correspondence_type_default != ""),
    )


def check_header(session: Db, header: SegmentHeader) -> None:
    """Already logged, then a description, then at least one line with a contact."""
    logged = session.scalar(
        select(schema.logged_segments.c.entry_no)
        .where(schema.logged_segments.c.segment_no == header.no)
        .limit(1)
    )
    if logged is not None:
        raise Conflict(N_("Logged Segment for Segment No. {no} already exists.", no=header.no))
    if not header.description.strip():
        raise Invalid(
            N_(
                "Description must have a value in Segment Header: No.={no}. It cannot be zero or "
                "empty.",
                no=header.no,
            )
        )
    first = session.scalar(select(lines.c.line_no).where(*logged_lines(header.id)).limit(1))
    if first is None:
        raise Invalid(N_("Segment {no} is empty.", no=header.no))


@dataclass(frozen=True)
class Problem:
    """The first failing check of the first offending line."""

    check: str
    line_no: int
    contact_no: str
    salesperson_code: str
    interaction_template_code: str
    campaign_no: str


def code_joins(lines_and_contacts: FromClause) -> FromClause:
    """The lines' salesperson and campaign, beside what `lines_and_contacts` joins."""
    return lines_and_contacts.outerjoin(
        salespeople, salespeople.c.code == lines.c.salesperson_code
    ).outerjoin(campaigns, campaigns.c.no == lines.c.campaign_no)


def first_problem(check: ColumnElement[Any], segment_id: int) -> Any:
    return (
        select(
            check.label("check"),
            lines.c.line_no,
            contacts.c.no.label("contact_no"),
            lines.c.salesperson_code,
            lines.c.interaction_template_code,
            lines.c.campaign_no,
        )
        .select_from(code_joins(line_joins()))
        .where(*logged_lines(segment_id), check.is_not(None))
        .order_by(lines.c.line_no)
        .limit(1)
    )


def line_check(deliver: bool, *, contact: bool = True) -> ColumnElement[Any]:
    """The first failing check of a line, in CheckSegmentLine's order, else NULL; without
    `contact` (and without `deliver`), none of the checks that read the line's contact."""
    no_address = and_(
        lines.c.correspondence_type == EMAIL,
        contacts.c.email == "",
        alt_addresses.c.code.is_(None),
    )
    no_attachment = and_(
        to_deliver(deliver), lines.c.word_template_code == "", lines.c.attachment_no == 0
    )
    exists = [(contacts.c.id.is_(None), literal("contact"))] if contact or deliver else []
    return case(
        (lines.c.date.is_(None), literal("date")),
        *exists,
        (lines.c.salesperson_code == "", literal("salesperson_blank")),
        (salespeople.c.code.is_(None), literal("salesperson_missing")),
        (lines.c.interaction_template_code == "", literal("template_blank")),
        (templates.c.code.is_(None), literal("template_missing")),
        (and_(lines.c.campaign_no != "", campaigns.c.no.is_(None)), literal("campaign_missing")),
        *(
            [(no_address, literal("email")), (no_attachment, literal("attachment"))]
            if deliver
            else []
        ),
        else_=null(),
    )


@dataclass(frozen=True)
class Checked:
    """The lines to log, and the lowest and highest attachment no. they carry (0 and 0 when
    none carries one)."""

    lines: int
    lowest_attachment: int
    highest_attachment: int


def check_lines(session: Db, header: SegmentHeader, *, deliver: bool) -> Checked:
    """Raise BC's error for the first line that cannot be logged (CheckSegmentLine), else
    count the lines to log. One aggregate counts the lines and the failing ones (without
    delivery, leaving the contacts' existence to `confirm_contacts`), and finds the lowest
    and highest attachment no. of the lines (the log makes their attachments read-only,
    by that no. alone when every line that carries one carries the same); the first
    offending line is looked for, in line order, only when one fails."""
    check = line_check(deliver, contact=False)
    joins = code_joins(
        line_joins()
        if deliver
        else lines.outerjoin(templates, templates.c.code == lines.c.interaction_template_code)
    )
    attached = case((lines.c.attachment_no != 0, lines.c.attachment_no))
    total, failing, lowest, highest = session.execute(
        select(func.count(), func.count(check), func.min(attached), func.max(attached))
        .select_from(joins)
        .where(*logged_lines(header.id))
    ).one()
    if failing:
        raise_first_problem(session, header, deliver=deliver)
    return Checked(int(total), int(lowest or 0), int(highest or 0))


def confirm_contacts(session: Db, header: SegmentHeader, *, lines_to_log: int, logged: int) -> None:
    """After the entries' INSERT (which joins each line's contact): when it wrote fewer
    entries than there are lines to log, a line's contact is gone, and BC's error for the
    first offending line is raised (the caller's transaction then undoes the log)."""
    if logged < lines_to_log:
        raise_first_problem(session, header, deliver=False)


def raise_first_problem(session: Db, header: SegmentHeader, *, deliver: bool) -> None:
    """BC's error for the lowest-numbered line that cannot be logged."""
    row = session.execute(first_problem(line_check(deliver), header.id)).first()
    if row is None:  # the lines changed between the two reads: none is left to blame
        raise Conflict(
            N_("The lines of segment {no} changed while it was logged; log it again.", no=header.no)
        )
    values = dict(row._mapping)
    values["contact_no"] = values["contact_no"] or ""
    raise line_error(header.no, Problem(**values))


def line_error(segment_no: str, problem: Problem) -> Invalid | NotFound:
    where = N_(
        "Segment Line: Segment No.={segment_no}, Line No.={line_no}",
        segment_no=segment_no,
        line_no=problem.line_no,
    )
    context = N_("({where}, Contact No.={contact_no})", where=where, contact_no=problem.contact_no)
    must_have = {
        "date": N_("Date"),
        "salesperson_blank": N_("Salesperson Code"),
        "template_blank": N_("Interaction Template Code"),
        "attachment": N_("Attachment No."),
    }
    if problem.check in must_have:
        return Invalid(
            N_(
                "{caption} must have a value in {where}. It cannot be zero or empty.",
                caption=must_have[problem.check],
                where=where,
            )
        )
    missing = {
        # The line keeps its contact's id only: a contact that is gone has no no. to name
        # (BC's line keeps the no.; here `No.=''` would name a contact that never was).
        "contact": N_("The Contact does not exist."),
        "salesperson_missing": missing_record(
            N_("Salesperson/Purchaser"), (CODE_FIELD, problem.salesperson_code)
        ),
        "template_missing": missing_record(
            N_("Interaction Template"), (CODE_FIELD, problem.interaction_template_code)
        ),
        "campaign_missing": missing_record(N_("Campaign"), (NO_FIELD, problem.campaign_no)),
    }
    if problem.check in missing:
        return NotFound([missing[problem.check], context], joined=" ")
    return Invalid(
        N_(
            "Make sure that the E-Mail field is specified for either contact no. {contact_no} or "
            "the contact alternative address. {context}",
            contact_no=problem.contact_no,
            context=context,
        )
    )

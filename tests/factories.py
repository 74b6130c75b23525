"""Plain keyword builders for tests: make_company(session, no="C1", ...) → the stored row.

They write rows directly with the storage models (the services are what the tests test);
for a million rows use the demo generator's bulk path, never these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import Session

from rapport.criteria.fields import CONTACT_FIELDS
from rapport.storage import tables as t
from tests.line_counts import count_lines


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def make_code(session: Session, model: type[Any], code: str, description: str = "") -> Any:
    """A setup code (industry group, mailing group, language, …) unless it exists."""
    existing = session.get(model, code)
    if existing is not None:
        return existing
    fields = (
        {"name": description or code}
        if hasattr(model, "name")
        else {"description": description or code}
    )
    return _add(session, model(code=code, **fields))


def make_salutation_languages(session: Session) -> None:
    """Salutation MR ("Dear Mr.") and the languages NLB and FRB, for its formulas."""
    session.add(t.Salutation(code="MR", description="Mister", formal_greeting="Dear Mr."))
    for language in ("NLB", "FRB"):
        make_code(session, t.Language, language)


def _codes_of(session: Session, fields: dict[str, Any]) -> None:
    """The code rows the contact's code fields name (its country, salesperson, language …),
    made unless they exist, as a contact made through the product would find them."""
    for field in CONTACT_FIELDS.values():
        value = fields.get(field.column)
        if field.codes is None or not value:
            continue
        codes = field.codes
        if session.scalar(select(codes).where(codes == value)) is None:
            session.execute(insert(codes.table).values({codes.name: value}))


def make_company(session: Session, no: str, name: str = "", **fields: Any) -> t.Contact:
    _codes_of(session, fields)
    contact = t.Contact(
        no=no,
        type="company",
        name=name or f"Company {no}",
        search_name=(name or f"Company {no}").upper(),
        company_no=no,
        company_name=name or f"Company {no}",
        created=dt.date(2026, 1, 1),
        **fields,
    )
    _add(session, contact)
    contact.company_id = contact.id
    session.flush()
    return contact


def make_person(
    session: Session, no: str, name: str = "", *, company: t.Contact | None = None, **fields: Any
) -> t.Contact:
    _codes_of(session, fields)
    return _add(
        session,
        t.Contact(
            no=no,
            type="person",
            name=name or f"Person {no}",
            search_name=(name or f"Person {no}").upper(),
            company_no=company.no if company else "",
            company_id=company.id if company else None,
            company_name=company.name if company else "",
            created=dt.date(2026, 1, 1),
            **fields,
        ),
    )


def link(session: Session, model: type[Any], contact: t.Contact, code: str, **fields: Any) -> Any:
    """A contact↔group row (ContactMailingGroup, ContactIndustryGroup, …), creating the code."""
    code_field, code_model = {
        t.ContactMailingGroup: ("mailing_group_code", t.MailingGroup),
        t.ContactIndustryGroup: ("industry_group_code", t.IndustryGroup),
        t.ContactJobResponsibility: ("job_responsibility_code", t.JobResponsibility),
        t.ContactBusinessRelation: ("business_relation_code", t.BusinessRelation),
        t.ContactWebSource: ("web_source_code", t.WebSource),
    }[model]
    make_code(session, code_model, code)
    return _add(session, model(contact_id=contact.id, **{code_field: code}, **fields))


def make_salesperson(session: Session, code: str, name: str = "", email: str = "") -> t.Salesperson:
    return _add(session, t.Salesperson(code=code, name=name or code, email=email))


def put_on_segment(
    session: Session,
    contact: t.Contact,
    *,
    segment_no: str = "SEG09999",
    removed_action: int | None = None,
) -> t.SegmentLine:
    """A segment line for `contact` (on a segment made if missing); `removed_action` set
    means the line was removed from the segment and is kept only for undo."""
    header = session.query(t.SegmentHeader).filter_by(no=segment_no).one_or_none()
    if header is None:
        header = _add(session, t.SegmentHeader(no=segment_no, description="Test segment"))
    line_no = 10000 * (1 + session.query(t.SegmentLine).filter_by(segment_id=header.id).count())
    line = _add(
        session,
        t.SegmentLine(
            segment_id=header.id,
            line_no=line_no,
            contact_id=contact.id,
            contact_company_no=contact.company_no,
            added_action=1,
            removed_action=removed_action,
        ),
    )
    count_lines(session, header.id)
    session.expire(header, ["no_of_lines"])
    return line


def make_segment(session: Session, no: str, *, lines: Any = (), **fields: Any) -> t.SegmentHeader:
    """A segment header and its lines written directly. Each line is a dict with `contact`
    (a Contact, or None for a line without contact) and any segment line field; the rest
    takes the header's values, as a freshly added line does (reference §2.1)."""
    values: dict[str, Any] = {"description": f"Segment {no}", "date": dt.date(2026, 3, 2)}
    values.update(fields)
    header = _add(session, t.SegmentHeader(no=no, **values))
    for index, line in enumerate(lines, start=1):
        given = dict(line)
        contact = given.pop("contact", None)
        row: dict[str, Any] = {
            "segment_id": header.id,
            "line_no": 10000 * index,
            "contact_id": contact.id if contact is not None else None,
            "contact_company_no": contact.company_no if contact is not None else "",
            "added_action": 1,
            "correspondence_type": contact.correspondence_type if contact is not None else "",
            "language_code": contact.language if contact is not None else "",
            **{
                name: getattr(header, name)
                for name in (
                    "description",
                    "date",
                    "salesperson_code",
                    "interaction_template_code",
                    "interaction_group_code",
                    "campaign_no",
                    "campaign_target",
                    "campaign_response",
                    "information_flow",
                    "initiated_by",
                )
            },
            "cost": header.unit_cost,
            "duration": header.unit_duration,
        }
        row.update(given)
        session.add(t.SegmentLine(**row))
    session.flush()
    count_lines(session, header.id)
    session.expire(header, ["no_of_lines"])
    return header


def build_log_world(session: Session) -> dict[str, t.Contact]:
    """Setup for logging tests (L1–L7): salespeople JO and KIM (user ADMIN is JO), templates
    ABSTRACT (e-mail, with an HTML body in ENU) and CALL (no correspondence type), campaigns
    CP1 and CP2, and contacts: ACME (company, e-mail), its persons P1 Ann (e-mail), P2 Bob
    (e-mail type, no address), P3 Cas (e-mail type, no address, alternate address HOME with
    an e-mail), P4 Dee (hard copy); returns the contacts by no."""
    make_salesperson(session, "JO", "Jo Smith", "jo@example.com")
    make_salesperson(session, "KIM", "Kim Lee", "kim@example.com")
    for code in ("ENU", "NLB"):
        make_code(session, t.Language, code)
    session.add(t.User(name="ADMIN", salesperson_code="JO"))
    body = _add(
        session,
        t.Attachment(
            file_name="abstract-enu.html",
            file_extension="html",
            content=b"<p>Dear {{ contact.name }}</p>",
        ),
    )
    make_letter_templates(session)
    session.add_all(
        [
            t.Campaign(no="CP1", description="Spring"),
            t.Campaign(no="CP2", description="Autumn"),
        ]
    )
    session.flush()
    session.add(
        t.InteractionTemplateLanguage(
            interaction_template_code="ABSTRACT",
            language_code="ENU",
            description="Abstract ENU",
            attachment_no=body.no,
        )
    )
    acme = make_company(
        session, "ACME", "Acme", email="info@acme.test", correspondence_type="email", language="ENU"
    )
    ann = make_person(
        session,
        "P1",
        "Ann",
        company=acme,
        email="ann@acme.test",
        correspondence_type="email",
        language="ENU",
    )
    bob = make_person(session, "P2", "Bob", company=acme, correspondence_type="email")
    cas = make_person(session, "P3", "Cas", company=acme, correspondence_type="email")
    session.add(t.ContactAltAddress(contact_id=cas.id, code="HOME", email="cas@home.test"))
    dee = make_person(session, "P4", "Dee", company=acme, correspondence_type="hard_copy")
    session.flush()
    return {c.no: c for c in (acme, ann, bob, cas, dee)}


def make_stored_attachment(
    session: Session, content: bytes, *, extension: str = "html", file_name: str = ""
) -> t.Attachment:
    """An attachment row (an e-mail body or a Word template) with its content."""
    return _add(
        session,
        t.Attachment(
            file_name=file_name or f"body.{extension}", file_extension=extension, content=content
        ),
    )


def make_queued_interaction(
    session: Session,
    contact: t.Contact,
    *,
    logged_segment: int = 1,
    channel: str = "email",
    attachment: t.Attachment | None = None,
    status: str | None = "pending",
    **fields: Any,
) -> t.InteractionLogEntry:
    """An interaction log entry of logged segment `logged_segment` (made if missing) with its
    delivery queue row in `status` (None: no queue row), as logging with deliver leaves it."""
    if session.get(t.LoggedSegment, logged_segment) is None:
        _add(
            session,
            t.LoggedSegment(
                entry_no=logged_segment,
                segment_no="SEG00001",
                description="Spring mailing",
                creation_date=dt.date(2026, 3, 2),
            ),
        )
    entry_no = 1 + (session.query(t.InteractionLogEntry).count())
    values: dict[str, Any] = {
        "date": dt.date(2026, 3, 2),
        "description": "Spring mailing",
        "segment_no": "SEG00001",
        "subject": "Our spring offer",
        "interaction_template_code": "ABSTRACT",
        "salesperson_code": "",
        "delivery_status": status or "",
    }
    values.update(fields)
    entry = _add(
        session,
        t.InteractionLogEntry(
            entry_no=entry_no,
            contact_id=contact.id,
            contact_company_no=contact.company_no,
            correspondence_type=channel,
            logged_segment_entry_no=logged_segment,
            attachment_no=attachment.no if attachment is not None else 0,
            **values,
        ),
    )
    if status is not None:
        _add(session, t.Delivery(entry_no=entry_no, channel=channel, status=status))
    return entry


def make_profile_answer(
    session: Session, contact: t.Contact, questionnaire: str, line_no: int, answer: str = ""
) -> t.ContactProfileAnswer:
    """A contact's answer to a questionnaire line, creating the questionnaire and line."""
    if session.get(t.ProfileQuestionnaire, questionnaire) is None:
        _add(session, t.ProfileQuestionnaire(code=questionnaire, description=questionnaire))
    if session.get(t.ProfileQuestionnaireLine, (questionnaire, line_no)) is None:
        _add(
            session,
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code=questionnaire,
                line_no=line_no,
                type="answer",
                description=answer or f"Answer {line_no}",
            ),
        )
    return _add(
        session,
        t.ContactProfileAnswer(
            contact_id=contact.id, profile_questionnaire_code=questionnaire, line_no=line_no
        ),
    )


def make_interaction(session: Session, contact: t.Contact, **fields: Any) -> t.InteractionLogEntry:
    """An interaction log entry for `contact` with the next entry no.; fields as the table's."""
    last = (
        session.query(t.InteractionLogEntry.entry_no)
        .order_by(t.InteractionLogEntry.entry_no.desc())
        .limit(1)
        .scalar()
    )
    return _add(
        session,
        t.InteractionLogEntry(
            entry_no=(last or 0) + 1,
            contact_id=contact.id,
            contact_company_no=contact.company_no,
            **fields,
        ),
    )


def make_letter_templates(session: Session) -> None:
    """The LETTER interaction group with its ABSTRACT (e-mail, ENU default) and CALL (no
    correspondence type) templates."""
    make_code(session, t.InteractionGroup, "LETTER")
    session.add_all(
        [
            t.InteractionTemplate(
                code="ABSTRACT",
                interaction_group_code="LETTER",
                description="Abstract",
                unit_cost=2,
                unit_duration=5,
                information_flow="outbound",
                initiated_by="us",
                correspondence_type_default="email",
                language_code_default="ENU",
            ),
            t.InteractionTemplate(
                code="CALL",
                interaction_group_code="LETTER",
                description="Call",
                unit_cost=1,
                unit_duration=10,
                correspondence_type_default="",
            ),
        ]
    )
    session.flush()


@contextmanager
def statements(sessions: Any) -> Iterator[list[tuple[str, list[object]]]]:
    """The SQL statements run on the sessions' engine meanwhile, each with its parameters
    in the order they are written (positional on SQLite, named in order on PostgreSQL)."""
    seen: list[tuple[str, list[object]]] = []
    engine = sessions.kw["bind"]

    def watch(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        seen.append((statement, list(values)))

    event.listen(engine, "before_cursor_execute", watch)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", watch)

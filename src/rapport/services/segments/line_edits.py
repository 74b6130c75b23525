"""Editing one segment line by hand (S5, S15): its contact, template, language and fields.

A changed contact is two recorded actions (the old contact's line out, the new one's in at
the same line no.), as in Business Central. A changed template takes the template's
defaults (reference §2.2); a changed language takes the segment's variant of that language
(reference §2.3). Other fields are validated and stored.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from rapport.domain.enums import SegmentAction
from rapport.errors import N_, NO_FIELD, Invalid, does_not_exist
from rapport.services.segments._after import changed, sync_campaign_targets
from rapport.services.segments._dependencies import lines_changed
from rapport.services.segments._fields import check_reference, convert_line_value
from rapport.services.segments._lines import contacts, insert_lines, lines
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import missing_line
from rapport.services.segments._recording import count_action, record_action
from rapport.services.segments.results import MANUAL
from rapport.services.segments.versions import check_version
from rapport.storage.db import Sessions
from rapport.storage.segment_lines import lines_moved, on_segment
from rapport.storage.tables import (
    Contact,
    InteractionTemplate,
    InteractionTemplateLanguage,
    SegmentHeader,
    SegmentInteractionLanguage,
    SegmentLine,
)

RESET_ON_TEMPLATE = {
    "attachment_no": 0,
    "language_code": "",
    "subject": "",
    "interaction_group_code": "",
    "information_flow": "",
    "initiated_by": "",
    "campaign_target": False,
    "campaign_response": False,
    "correspondence_type": "",
}


def set_line(
    sessions: Sessions,
    segment_no: str,
    line_no: int,
    *,
    values: Sequence[tuple[str, str]],
    user: str,
    expected_version: Collection[str] | None = None,
) -> None:
    """S5: change fields of line `line_no` in the order given, each validated. With
    `expected_version`, the line must still be at one of those versions (else Stale).
    The edit is reported as one `segment.changed` event (X9)."""
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        check_version(
            _get_line(session, header, line_no), expected_version, what=N_("Segment Line")
        )
        for field, text in values:
            line = _get_line(session, header, line_no)
            value = convert_line_value(field, text)
            check_reference(session, field, value)
            if field == "contact_no":
                _change_line_contact(session, header, line, value, user=user)
            elif field == "interaction_template_code":
                _change_line_template(session, header, line, value)
            elif field == "language_code":
                _change_line_language(session, header, line, value)
            else:
                setattr(line, field, value)
            session.flush()
        sync_campaign_targets(session, header)
        fields = list(dict.fromkeys(field for field, _ in values))
        changed(session, header, action="line_edit", user=user, line_no=line_no, fields=fields)


def _get_line(session: Session, header: SegmentHeader, line_no: int) -> SegmentLine:
    line = session.scalars(
        select(SegmentLine).where(
            SegmentLine.segment_id == header.id,
            SegmentLine.line_no == line_no,
            on_segment(),
        )
    ).one_or_none()
    if line is None:
        raise missing_line(header.no, line_no)
    return line


def _change_line_language(
    session: Session, header: SegmentHeader, line: SegmentLine, language: str
) -> None:
    """Reference §2.3: needs a template; takes the segment variant's attachment and subject."""
    if not line.interaction_template_code:
        raise Invalid(
            N_(
                "Interaction Template Code must have a value in Segment Line: Segment No.={no}, "
                "Line No.={line_no}.",
                no=header.no,
                line_no=line.line_no,
            )
        )
    if language == line.language_code:
        return
    variant = session.get(SegmentInteractionLanguage, (header.id, 0, language))
    line.language_code = language
    line.attachment_no = variant.attachment_no if variant else 0
    line.subject = variant.subject if variant else ""
    line.word_template_code = variant.word_template_code if variant else line.word_template_code


def _change_line_template(
    session: Session, header: SegmentHeader, line: SegmentLine, code: str
) -> None:
    """Reference §2.2: the line's own template; its defaults replace the line's."""
    if line.contact_id is None:
        raise Invalid(
            N_(
                "Contact No. must have a value in Segment Line: Segment No.={no}, Line "
                "No.={line_no}.",
                no=header.no,
                line_no=line.line_no,
            )
        )
    contact = session.get(Contact, line.contact_id)
    old = line.interaction_template_code
    for name, blank in RESET_ON_TEMPLATE.items():
        setattr(line, name, blank)
    line.cost = line.duration = 0  # type: ignore[assignment]
    line.interaction_template_code = code
    template = session.get(InteractionTemplate, code) if code else None
    if template is None:
        return
    line.language_code = _template_language(session, template, contact)
    variant = session.get(InteractionTemplateLanguage, (code, line.language_code))
    line.attachment_no = variant.attachment_no if variant else 0
    line.word_template_code = variant.word_template_code if variant else template.word_template_code
    _copy_template(line, template, old=old)
    line.correspondence_type = _line_correspondence_type(header, template, contact)
    line.campaign_no = header.campaign_no or template.campaign_no


def _template_language(session: Session, template: InteractionTemplate, contact: Any) -> str:
    """FindLanguage without segment variants: the contact's language when the template has
    it, else the template's default language."""
    language = contact.language if contact else ""
    if language and session.get(InteractionTemplateLanguage, (template.code, language)):
        return str(language)
    return template.language_code_default


def _copy_template(line: SegmentLine, template: InteractionTemplate, *, old: str) -> None:
    line.interaction_group_code = template.interaction_group_code
    if not line.description or (old and old != template.code):
        line.description = template.description
    line.cost = template.unit_cost
    line.duration = template.unit_duration
    line.information_flow = template.information_flow
    line.initiated_by = template.initiated_by
    line.campaign_target = template.campaign_target
    line.campaign_response = template.campaign_response


def _line_correspondence_type(
    header: SegmentHeader, template: InteractionTemplate, contact: Any
) -> str:
    """SetCorrespondenceType of reference §2.2 for one line."""
    if header.ignore_contact_corres_type and header.correspondence_type_default:
        return header.correspondence_type_default
    own = str(contact.correspondence_type) if contact else ""
    if template.ignore_contact_corres_type or (not own and template.correspondence_type_default):
        return template.correspondence_type_default
    return own


def _change_line_contact(
    session: Session, header: SegmentHeader, line: Any, contact_no: str, *, user: str
) -> None:
    """S5: a line's contact changed = the old contact's line removed and the new contact's
    line inserted at the same line no., two actions as in Business Central. Runs inside the
    line edit's transaction."""
    # The criteria engine loads only for this edit, not for every reader of the lines.
    from rapport.criteria.value import contact_nos, no_contact

    new_id = session.scalar(select(contacts.c.id).where(contacts.c.no == contact_no))
    if new_id is None:
        raise does_not_exist(N_("Contact"), (NO_FIELD, contact_no), field="contact_no")
    old_no = session.scalar(select(contacts.c.no).where(contacts.c.id == line.contact_id)) or ""
    removal = record_action(
        session,
        header,
        action=SegmentAction.REDUCE,
        criteria=contact_nos(old_no) if old_no else no_contact(),
        user=user,
        manual=True,
    )
    session.execute(update(lines).where(lines.c.id == line.id).values(removed_action=removal))
    count_action(session, header.id, removal, removed=1)
    lines_moved(session, header.id, by=-1)
    addition = record_action(
        session,
        header,
        action=SegmentAction.ADD,
        criteria=contact_nos(contact_no),
        user=user,
        options=MANUAL,
        manual=True,
    )
    added = insert_lines(
        session,
        header,
        candidates=select(contacts.c.id).where(contacts.c.id == new_id),
        action_no=addition,
        options=MANUAL,
        line_no=line.line_no,
    )
    count_action(session, header.id, addition, added=added)
    lines_changed(session, header)  # segments that read this one re-evaluate it (X4)

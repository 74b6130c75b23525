"""Consent (X7): a contact's opt-outs per correspondence type and its privacy block, set by
hand (`opt_out`, `opt_in`) or by the one-click unsubscribe link of an e-mail
(`unsubscribe`, RFC 8058). Segments skip such contacts when adding lines, and delivery skips
them again, so an opt-out recorded after a contact was put on a segment still holds. The
audit log (SPEC §10) gets, in the same transaction, an opt-out or opt-in that changed
something (`consent.opted_out`, `consent.opted_in`) and every unsubscribe
(`consent.unsubscribed`), the contact as subject and the correspondence type as detail; a
privacy block set or lifted is audited there too (`consent.privacy_blocked`,
`consent.privacy_unblocked`: `audit.privacy_action`), by a contact's edit
(`cards.edit_contact`) and by an import that updates contacts (`audit.record_privacy_changes`,
one statement for all)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.orm import Session

from rapport.domain.enums import CorrespondenceType, not_one_of, parse_enum
from rapport.domain.rules import OPT_OUT_TYPE
from rapport.domain.unsubscribe import BadToken, make_token, read_token
from rapport.errors import Invalid
from rapport.services.contacts import card
from rapport.services.contacts._fields import find_contact
from rapport.services.users import audit
from rapport.settings import Settings, secret_key
from rapport.storage.db import Sessions
from rapport.storage.tables import Contact, ContactOptOut

UNSUBSCRIBE_PATH = "/unsubscribe/"


@dataclass(frozen=True)
class ConsentRead:
    """What a contact agreed to: the correspondence types it opted out of, and whether it is
    privacy blocked (then nothing is sent to it at all)."""

    contact_no: str
    opted_out: tuple[str, ...]
    privacy_blocked: bool


def _type(value: str) -> str:
    try:
        kind = parse_enum(CorrespondenceType, value, field="type")
    except ValueError as exc:
        raise Invalid(not_one_of(CorrespondenceType, value), where="type") from exc
    OPT_OUT_TYPE.check(kind.value, field="type")
    return kind.value


def opted_out_of(session: Session, contact_id: int) -> tuple[str, ...]:
    return card.opted_out_of(session.connection(), contact_id)


def _read(session: Session, contact: Contact) -> ConsentRead:
    return ConsentRead(contact.no, opted_out_of(session, contact.id), contact.privacy_blocked)


def _record_opt_out(session: Session, contact: Contact, kind: str) -> bool:
    """Opt the contact out of `kind`; whether that changed anything."""
    if kind in opted_out_of(session, contact.id):
        return False
    session.add(ContactOptOut(contact_id=contact.id, correspondence_type=kind))
    session.flush()
    return True


def opt_out(
    sessions: Sessions, contact_no: str, *, correspondence_type: str, by: str
) -> ConsentRead:
    """X7: the contact no longer gets this correspondence type (no change if it already
    opted out); it is skipped when added to segments and at delivery. The change is audited
    (`consent.opted_out`, by the user `by`), in the same transaction."""
    kind = _type(correspondence_type)
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        if _record_opt_out(session, contact, kind):
            audit.record(
                session, user_name=by, action="consent.opted_out", subject=contact.no, detail=kind
            )
        return _read(session, contact)


def opt_in(
    sessions: Sessions, contact_no: str, *, correspondence_type: str, by: str
) -> ConsentRead:
    """X7: take an opt-out back (no change if there was none). The change is audited
    (`consent.opted_in`, by the user `by`), in the same transaction."""
    kind = _type(correspondence_type)
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        if kind in opted_out_of(session, contact.id):
            session.execute(
                delete(ContactOptOut).where(
                    ContactOptOut.contact_id == contact.id,
                    ContactOptOut.correspondence_type == kind,
                )
            )
            audit.record(
                session, user_name=by, action="consent.opted_in", subject=contact.no, detail=kind
            )
        return _read(session, contact)


def get_consent(sessions: Sessions, contact_no: str) -> ConsentRead:
    with sessions.begin() as session:
        return _read(session, find_contact(session, contact_no))


def unsubscribe_url(settings: Settings, contact_no: str) -> str | None:
    """The one-click unsubscribe link of a contact (`{{ unsubscribe_url }}`, RFC 8058), or
    None when the server's base URL or the secret key is not configured."""
    if not settings.base_url:
        return None
    token = make_token(secret_key(settings), contact_no)
    return f"{settings.base_url.rstrip('/')}{UNSUBSCRIBE_PATH}{token}"


def unsubscribe(sessions: Sessions, *, token: str, settings: Settings | None = None) -> ConsentRead:
    """X7: the one-click unsubscribe link of an e-mail was followed: the contact it was
    made for opts out of e-mail. Invalid when the token was not signed with this
    installation's secret key (RAPPORT_SECRET_KEY); following a link twice changes nothing."""
    secret = secret_key(settings or Settings.load())
    try:
        contact_no = read_token(secret, token)
    except BadToken as exc:
        raise Invalid(str(exc), where="token") from exc
    with sessions.begin() as session:
        contact = find_contact(session, contact_no, lock=True)
        _record_opt_out(session, contact, CorrespondenceType.EMAIL.value)
        audit.record(
            session, user_name="", action="consent.unsubscribed", subject=contact.no, detail="email"
        )
        return _read(session, contact)

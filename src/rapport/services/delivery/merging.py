"""The merge record of an interaction (L3): one row with everything its e-mail or letter
needs (the contact, the address an e-mail goes to, the salesperson, the salutation, the
segment), selected the same way for an interaction log entry that is delivered and for a
segment line whose letter is previewed before the segment is logged.

A `MergeSource` names where the interaction's own values come from (the entry's columns,
or the line's and its segment's); `merge_select` adds the rest. The e-mail of an entry
goes to the contact's alternate address active on the interaction's date when it has an
e-mail, else to the contact's.

The greeting is the contact's salutation (or the marketing setup's default) in the
interaction's language, as Business Central's `Contact.GetSalutation(Formal, Language Code)`
takes the Salutation Formula of that language. Where the salutation has no formula (with a
greeting) for the language, the salutation's own formal greeting is used: Business Central
stops the merge there (Text021, "You have to set up formal and informal salutation formulas
in %1 language…"), which would hold back every letter of a logged segment for one missing
greeting text; the letter goes out greeting as the salutation does in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import FromClause, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from rapport.storage.tables import (
    Contact,
    ContactAltAddress,
    ContactAltAddressDateRange,
    MarketingSetup,
    Salesperson,
    Salutation,
    SalutationFormula,
)


@dataclass(frozen=True)
class MergeSource:
    """The rows interactions come from and the column of each interaction value;
    `correlate` is the table the date and the contact are read from, `language_code` the
    interaction's language (its salutation formula greets the contact)."""

    rows: FromClause
    correlate: Any
    entry_no: Any
    date: Any
    subject: Any
    description: Any
    segment_no: Any
    attachment_no: Any
    send_word_docs_as_attmt: Any
    salesperson_code: Any
    channel: Any
    contact_id: Any
    segment_description: Any
    language_code: Any


def _alt_email(source: MergeSource) -> Any:
    rng, alt = ContactAltAddressDateRange, ContactAltAddress
    return (
        select(alt.email)
        .join(rng, and_(rng.contact_id == alt.contact_id, rng.contact_alt_address_code == alt.code))
        .where(
            rng.contact_id == source.contact_id,
            rng.starting_date <= source.date,
            or_(rng.ending_date.is_(None), rng.ending_date >= source.date),
        )
        .order_by(rng.starting_date.desc())
        .limit(1)
        .correlate(source.correlate)
        .scalar_subquery()
    )


def merge_select(session: Session, source: MergeSource) -> Select[Any]:
    """One merge row per row of `source` (`render.merge_fields` reads it)."""
    default_salutation = session.scalar(select(MarketingSetup.default_salutation_code)) or ""
    salutation_code = case((Contact.salutation != "", Contact.salutation), else_=default_salutation)
    return select(
        source.entry_no.label("entry_no"),
        source.date.label("date"),
        source.subject.label("subject"),
        source.description.label("description"),
        source.segment_no.label("segment_no"),
        source.attachment_no.label("attachment_no"),
        source.send_word_docs_as_attmt.label("send_word_docs_as_attmt"),
        source.salesperson_code.label("salesperson_code"),
        source.channel.label("channel"),
        Contact.no.label("contact_no"),
        Contact.name.label("contact_name"),
        Contact.company_name,
        Contact.email.label("contact_email"),
        Contact.address,
        Contact.post_code,
        Contact.city,
        Contact.country,
        func.coalesce(_alt_email(source), "").label("alt_email"),
        Salesperson.name.label("salesperson_name"),
        _greeting().label("formal_greeting"),
        source.segment_description.label("segment_description"),
    ).select_from(
        source.rows.join(Contact, Contact.id == source.contact_id)
        .outerjoin(Salesperson, Salesperson.code == source.salesperson_code)
        .outerjoin(Salutation, Salutation.code == salutation_code)
        .outerjoin(
            SalutationFormula,
            and_(
                SalutationFormula.salutation_code == salutation_code,
                SalutationFormula.language_code == source.language_code,
            ),
        )
    )


def _greeting() -> Any:
    """The formal greeting of the salutation formula of the interaction's language, the
    salutation's own where that formula is missing or blank."""
    formula = SalutationFormula.formal_greeting
    return case((formula != "", formula), else_=Salutation.formal_greeting)

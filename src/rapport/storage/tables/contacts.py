"""The ORM classes of contacts and what is kept about them (opt-outs, addresses, codes,
profiles); see the package's docstring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Mapped

from rapport.storage import schema
from rapport.storage.tables._base import Base

# --- Contacts ----------------------------------------------------------------------------


class Contact(Base):
    """A company or a person; a company's `company_no` is its own `no` (reference §1.10)."""

    __table__ = schema.contacts
    id: Mapped[int]
    no: Mapped[str]
    type: Mapped[str]
    name: Mapped[str]
    search_name: Mapped[str]
    company_no: Mapped[str]
    company_id: Mapped[int | None]
    company_name: Mapped[str]
    address: Mapped[str]
    post_code: Mapped[str]
    city: Mapped[str]
    county: Mapped[str]
    country: Mapped[str]
    territory: Mapped[str]
    salesperson: Mapped[str]
    language: Mapped[str]
    email: Mapped[str]
    phone: Mapped[str]
    mobile: Mapped[str]
    correspondence_type: Mapped[str]
    excluded: Mapped[bool]
    privacy_blocked: Mapped[bool]
    job_title: Mapped[str]
    organizational_level: Mapped[str]
    vat_no: Mapped[str]
    salutation: Mapped[str]
    created: Mapped[dt.date | None]
    name_folded: Mapped[str]
    company_name_folded: Mapped[str]
    city_folded: Mapped[str]
    county_folded: Mapped[str]
    email_folded: Mapped[str]
    phone_folded: Mapped[str]
    mobile_folded: Mapped[str]
    job_title_folded: Mapped[str]


class ContactOptOut(Base):
    """Consent (X7): the contact opted out of a correspondence type."""

    __table__ = schema.contact_opt_outs
    contact_id: Mapped[int]
    correspondence_type: Mapped[str]


class ContactAltAddress(Base):
    __table__ = schema.contact_alt_addresses
    contact_id: Mapped[int]
    code: Mapped[str]
    company_name: Mapped[str]
    address: Mapped[str]
    post_code: Mapped[str]
    city: Mapped[str]
    country: Mapped[str]
    email: Mapped[str]
    phone: Mapped[str]


class ContactAltAddressDateRange(Base):
    __table__ = schema.contact_alt_address_date_ranges
    contact_id: Mapped[int]
    starting_date: Mapped[dt.date]
    ending_date: Mapped[dt.date | None]
    contact_alt_address_code: Mapped[str]


class WebSource(Base):
    __table__ = schema.web_sources
    code: Mapped[str]
    description: Mapped[str]
    url: Mapped[str]


class ContactWebSource(Base):
    __table__ = schema.contact_web_sources
    contact_id: Mapped[int]
    web_source_code: Mapped[str]
    search_word: Mapped[str]


# --- Profiling ---------------------------------------------------------------------------


class IndustryGroup(Base):
    __table__ = schema.industry_groups
    code: Mapped[str]
    description: Mapped[str]


class ContactIndustryGroup(Base):
    """Kept on the company contact; persons inherit their company's (reference §2.5)."""

    __table__ = schema.contact_industry_groups
    contact_id: Mapped[int]
    industry_group_code: Mapped[str]


class BusinessRelation(Base):
    __table__ = schema.business_relations
    code: Mapped[str]
    description: Mapped[str]


class ContactBusinessRelation(Base):
    """Kept on the company contact; links it to a customer, vendor, bank account, employee."""

    __table__ = schema.contact_business_relations
    contact_id: Mapped[int]
    business_relation_code: Mapped[str]
    link_to_table: Mapped[str]
    link_no: Mapped[str]


class MailingGroup(Base):
    __table__ = schema.mailing_groups
    code: Mapped[str]
    description: Mapped[str]


class ContactMailingGroup(Base):
    __table__ = schema.contact_mailing_groups
    contact_id: Mapped[int]
    mailing_group_code: Mapped[str]


class JobResponsibility(Base):
    __table__ = schema.job_responsibilities
    code: Mapped[str]
    description: Mapped[str]


class ContactJobResponsibility(Base):
    __table__ = schema.contact_job_responsibilities
    contact_id: Mapped[int]
    job_responsibility_code: Mapped[str]


class ProfileQuestionnaire(Base):
    __table__ = schema.profile_questionnaires
    code: Mapped[str]
    description: Mapped[str]
    contact_type: Mapped[str]
    business_relation_code: Mapped[str]
    priority: Mapped[str]


class ProfileQuestionnaireLine(Base):
    """A question or an answer; an automatic rating carries the answer range (K3)."""

    __table__ = schema.profile_questionnaire_lines
    profile_questionnaire_code: Mapped[str]
    line_no: Mapped[int]
    type: Mapped[str]
    description: Mapped[str]
    multiple_answers: Mapped[bool]
    auto_contact_classification: Mapped[bool]
    from_value: Mapped[Decimal | None]
    to_value: Mapped[Decimal | None]
    priority: Mapped[str]


class Rating(Base):
    """BC's Rating (table 5111): the points an answer line of another question gives
    towards a rating question's score (K3). The rating question's answer is the one whose
    from_value..to_value holds the contact's score."""

    __table__ = schema.ratings
    profile_questionnaire_code: Mapped[str]
    profile_question_line_no: Mapped[int]
    rating_profile_questionnaire_code: Mapped[str]
    rating_profile_question_line_no: Mapped[int]
    points: Mapped[Decimal]


class ContactProfileAnswer(Base):
    __table__ = schema.contact_profile_answers
    contact_id: Mapped[int]
    profile_questionnaire_code: Mapped[str]
    line_no: Mapped[int]
    last_date_updated: Mapped[dt.date | None]

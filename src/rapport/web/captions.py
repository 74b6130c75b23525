"""The captions of the setup pages' fields and code tables, Business Central's where it has
one (No. Series, Marketing Setup), the names of the codes pages show (a role, a job's
kind and state, each choice of an enumeration: BC's option captions) and a moment in the
page's language. They are marked with `N_` so that `make messages` extracts them (babel.cfg
reads the web's Python files) and translated when a page shows them (`_(caption)` in the
templates).

A template names a code with the pages' global `code_caption(kind, code)` and translates
it: `{{ _(code_caption("evaluation", entry.evaluation)) if entry.evaluation }}`. A blank
code has no caption (BC shows the blank option as nothing): guard it with `if`, since
gettext of an empty text gives the catalog's header. Forms still send the code:
`<option value="{{ code }}">{{ _(code_caption(kind, code)) if code else "—" }}</option>`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from babel.dates import format_date, format_time, get_datetime_format

from rapport.domain import skip_reasons
from rapport.errors import Text
from rapport.web.i18n import CATALOG_OF, DEFAULT, N_

FIELD_CAPTIONS = {
    "contact_nos": N_("Contact Nos."),
    "segment_nos": N_("Segment Nos."),
    "campaign_nos": N_("Campaign Nos."),
    "opportunity_nos": N_("Opportunity Nos."),
    "task_nos": N_("Task Nos."),
    "default_language_code": N_("Default Language Code"),
    "default_correspondence_type": N_("Default Correspondence Type"),
    "default_salutation_code": N_("Default Salutation Code"),
    "default_sales_cycle_code": N_("Default Sales Cycle Code"),
    "default_salesperson_code": N_("Default Salesperson Code"),
    "inherit_salesperson_code": N_("Inherit Salesperson Code"),
    "inherit_territory_code": N_("Inherit Territory Code"),
    "inherit_country_region_code": N_("Inherit Country/Region Code"),
    "inherit_language_code": N_("Inherit Language Code"),
    "inherit_address_details": N_("Inherit Address Details"),
    "inherit_communication_details": N_("Inherit Communication Details"),
    # Marketing Setup's Duplicates: BC has "Search Hit %" (the least score of a pair shown,
    # 60 by default); its weights per value are Rapport's (BC sets up search strings).
    # "%%": the pages' gettext formats every text it translates (Jinja's new style).
    "duplicate_name_weight": N_("Duplicate Name Weight"),
    "duplicate_email_weight": N_("Duplicate E-Mail Weight"),
    "duplicate_phone_weight": N_("Duplicate Phone No. Weight"),
    "duplicate_vat_no_weight": N_("Duplicate VAT Registration No. Weight"),
    "duplicate_address_weight": N_("Duplicate Address Weight"),
    "duplicate_min_score": N_("Search Hit %%"),
    "code": N_("Code"),
    "description": N_("Description"),
    "starting_no": N_("Starting No."),
    "last_no_used": N_("Last No. Used"),
    "manual_nos": N_("Manual Nos."),
    "next_no": N_("Next No."),
    "name": N_("Name"),
    "email": N_("E-mail"),
    "blocked": N_("Blocked"),
    "formal_greeting": N_("Formal Greeting"),
    "url": N_("URL"),
    # Salutation Formula (BC 5069): a salutation's greeting in a language.
    "salutation_code": N_("Salutation Code"),
    "language_code": N_("Language Code"),
}

# The tables of the setup's code tables and of the import, by their page names in BC.
TABLE_CAPTIONS = {
    "business_relations": N_("Business Relations"),
    "campaign_statuses": N_("Campaign Statuses"),
    "campaigns": N_("Campaigns"),
    "contact_alt_addresses": N_("Contact Alt. Addresses"),
    "contact_business_relations": N_("Contact Business Relations"),
    "contact_industry_groups": N_("Contact Industry Groups"),
    "contact_job_responsibilities": N_("Contact Job Responsibilities"),
    "contact_mailing_groups": N_("Contact Mailing Groups"),
    "contact_opt_outs": N_("Contact Opt-Outs"),
    "contact_profile_answers": N_("Contact Profile Answers"),
    "contact_web_sources": N_("Contact Web Sources"),
    "contacts": N_("Contacts"),
    "countries": N_("Countries/Regions"),
    "industry_groups": N_("Industry Groups"),
    "interaction_groups": N_("Interaction Groups"),
    "interaction_log_entries": N_("Interaction Log Entries"),
    "interaction_templates": N_("Interaction Templates"),
    "job_responsibilities": N_("Job Responsibilities"),
    "languages": N_("Languages"),
    "mailing_groups": N_("Mailing Groups"),
    "organizational_levels": N_("Organizational Levels"),
    "profile_questionnaire_lines": N_("Profile Questionnaire Lines"),
    "profile_questionnaires": N_("Profile Questionnaires"),
    "ratings": N_("Ratings"),
    "sales_cycles": N_("Sales Cycles"),
    "salespeople": N_("Salespeople/Purchasers"),
    "salutation_formulas": N_("Salutation Formulas"),
    "salutations": N_("Salutations"),
    "territories": N_("Territories"),
    "web_sources": N_("Web Sources"),
}

# The choices of the enumerations (domain/enums.py), by BC's option captions (Interaction
# Template and Interaction Log Entry, Contact, Contact Business Relation, Campaign Target
# Group); the blank choice has none.
CORRESPONDENCE_TYPES = {"hard_copy": N_("Hard Copy"), "email": N_("Email")}
CHOICE_CAPTIONS = {
    "information_flow": {"outbound": N_("Outbound"), "inbound": N_("Inbound")},
    "initiated_by": {"us": N_("Us"), "them": N_("Them")},
    "correspondence_type": CORRESPONDENCE_TYPES,
    "evaluation": {
        "very_positive": N_("Very Positive"),
        "positive": N_("Positive"),
        "neutral": N_("Neutral"),
        "negative": N_("Negative"),
        "very_negative": N_("Very Negative"),
    },
    "delivery_status": {
        "pending": N_("Pending"),
        "sending": N_("Sending"),
        "sent": N_("Sent"),
        "failed": N_("Failed"),
        "skipped": N_("Skipped"),
        "uncertain": N_("Uncertain"),
    },
    "contact_type": {"company": N_("Company"), "person": N_("Person")},
    "link_to_table": {
        "customer": N_("Customer"),
        "vendor": N_("Vendor"),
        "bank_account": N_("Bank Account"),
        "employee": N_("Employee"),
    },
    "target_group_type": {"customer": N_("Customer"), "contact": N_("Contact")},
}

# X3, X7: why an add leaves a contact out (the reasons of an add's `skipped`), in the words
# of `domain.skip_reasons`, by name.
SKIP_REASONS = {reason.name: reason.sentence.template for reason in skip_reasons.SKIP_REASONS}


def left_out(skipped: object) -> Text | None:
    """X7: the sentence of the candidates an add left out, by reason (`skipped`: an add's
    `Skipped`, or the counts the card's address carried, by name); None when it left none
    out. Templates say it (`said(left_out_sentence(…))`, a global of the pages)."""
    if isinstance(skipped, Mapping):
        counts = {name: skipped.get(name) for name in skip_reasons.REASON_NAMES}
    else:
        counts = {name: getattr(skipped, name) for name in skip_reasons.REASON_NAMES}
    return skip_reasons.left_out(counts) if skip_reasons.any_left_out(counts) else None


# The names of codes a page shows; the code stays what the forms send and the API gives.
VALUE_CAPTIONS = {
    "role": {"admin": N_("admin"), "marketer": N_("marketer"), "viewer": N_("viewer")},
    "job_kind": {
        "deliver": N_("delivery"),
        "import": N_("import"),
        "export": N_("export"),
        "refresh": N_("refresh"),
    },
    "job_state": {
        "queued": N_("queued"),
        "running": N_("running"),
        "done": N_("done"),
        "failed": N_("failed"),
    },
    "table": TABLE_CAPTIONS,
    **CHOICE_CAPTIONS,
}

# A field (a form's, a table's column) whose choices are those of another kind.
CHOICES_OF_FIELD = {
    "default_correspondence_type": "correspondence_type",
    "correspondence_type_default": "correspondence_type",
}


def value_caption(kind: str, value: str) -> str:
    """The caption of a code of `kind` (of `VALUE_CAPTIONS`), the code itself when it has
    none ('' for the blank choice); templates translate it (`_(code_caption("role", …))`, a
    global of the pages)."""
    return VALUE_CAPTIONS[kind].get(value, value)


def choice_captions(field: str, choices: tuple[str, ...]) -> list[tuple[str, str]]:
    """(code, caption) of each choice of `field`, a form's enumeration: its caption where
    the field's kind has them, else the code ('' for the blank choice)."""
    names = VALUE_CAPTIONS.get(CHOICES_OF_FIELD.get(field, field), {})
    return [(code, names.get(code, code)) for code in choices]


def caption_of(field: str) -> str:
    """The caption of `field` (its name with spaces when it has none)."""
    return FIELD_CAPTIONS.get(field, field.replace("_", " "))


def table_caption(table: str) -> str:
    return TABLE_CAPTIONS.get(table, table.replace("_", " "))


def moment(value: dt.datetime | str, language: str) -> str:
    """A moment kept in UTC (a datetime or its ISO text) as a reader of `language` writes
    it: "8 December 2026, 16:01 UTC", "8 december 2026, 16:01 UTC"."""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    locale = CATALOG_OF.get(language, CATALOG_OF[DEFAULT])
    date = format_date(when, "long", locale=locale)
    time = format_time(when, "short", tzinfo=dt.UTC, locale=locale)
    return str(get_datetime_format("long", locale=locale)).format(f"{time} UTC", date)

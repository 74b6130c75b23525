"""The captions of the setup pages' fields and code tables, Business Central's where it has
one (No. Series, Marketing Setup), and the names of the codes pages show (a role, a job's
kind and state). They are marked with `N_` so that `make messages`
extracts them (babel.cfg reads the web's Python files) and translated when a page shows
them (`_(caption)` in the templates)."""

from __future__ import annotations

from rapport.web.i18n import N_

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
}

TABLE_CAPTIONS = {
    "business_relations": N_("Business Relations"),
    "campaign_statuses": N_("Campaign Statuses"),
    "countries": N_("Countries/Regions"),
    "industry_groups": N_("Industry Groups"),
    "interaction_groups": N_("Interaction Groups"),
    "job_responsibilities": N_("Job Responsibilities"),
    "languages": N_("Languages"),
    "mailing_groups": N_("Mailing Groups"),
    "organizational_levels": N_("Organizational Levels"),
    "sales_cycles": N_("Sales Cycles"),
    "salespeople": N_("Salespeople/Purchasers"),
    "salutations": N_("Salutations"),
    "territories": N_("Territories"),
    "web_sources": N_("Web Sources"),
}


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
}


def value_caption(kind: str, value: str) -> str:
    """The caption of a code of `kind` (of `VALUE_CAPTIONS`), the code itself when it has
    none; templates translate it (`_(code_caption("role", …))`, a global of the pages)."""
    return VALUE_CAPTIONS[kind].get(value, value)


def caption_of(field: str) -> str:
    """The caption of `field` (its name with spaces when it has none)."""
    return FIELD_CAPTIONS.get(field, field.replace("_", " "))


def table_caption(table: str) -> str:
    return TABLE_CAPTIONS.get(table, table.replace("_", " "))

"""The segment card's header form (S2; SPEC §8): its fields with their inputs in the order
of Business Central's page, the values as posted, the fields that changed, each read as
its input's kind before Business Central's question is asked, and a refusal as the form
shows it (the field's label first, the field marked, what was typed kept)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from rapport.domain.enums import CorrespondenceType, InformationFlow, InitiatedBy
from rapport.errors import Invalid, RapportError
from rapport.services.segments.header import PROPAGATED_FIELDS
from rapport.web.i18n import N_
from rapport.web.render import told, told_with_field, translator

# The header fields the card edits, in the order of Business Central's page: (field, label,
# kind). The kinds pick the input: text, code, date, amount, flag or a choice.
HEADER_FORM: tuple[tuple[str, str, str], ...] = (
    ("description", N_("Description"), "text"),
    ("date", N_("Date"), "date"),
    ("salesperson_code", N_("Salesperson"), "code"),
    ("campaign_no", N_("Campaign"), "code"),
    ("interaction_template_code", N_("Interaction template"), "code"),
    ("language_code_default", N_("Language (default)"), "code"),
    ("subject_default", N_("Subject (default)"), "text"),
    ("correspondence_type_default", N_("Correspondence type (default)"), "correspondence_type"),
    ("unit_cost", N_("Unit cost"), "amount"),
    ("unit_duration", N_("Unit duration (min.)"), "amount"),
    ("information_flow", N_("Information flow"), "information_flow"),
    ("initiated_by", N_("Initiated by"), "initiated_by"),
    ("campaign_target", N_("Campaign target"), "flag"),
    ("campaign_response", N_("Campaign response"), "flag"),
    ("ignore_contact_corres_type", N_("Ignore contact correspondence type"), "flag"),
    ("send_word_docs_as_attmt", N_("Send Word documents as attachment"), "flag"),
)
CHOICES = {
    "correspondence_type": tuple(CorrespondenceType),
    "information_flow": tuple(InformationFlow),
    "initiated_by": tuple(InitiatedBy),
}
# A change of these asks BC's "Do you want to update the segment lines?" (the description
# is propagated without the question, as Business Central does).
ASKS_UPDATE_LINES = (set(PROPAGATED_FIELDS) | {"interaction_template_code", "subject_default"}) - {
    "description"
}


def form_text(value: Any) -> str:
    """A header value as the text its form field shows and the service reads back."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def posted_values(form: dict[str, str], current: dict[str, Any]) -> dict[str, str]:
    """The header form's values as posted (a field left out keeps the segment's; an unticked
    flag is absent from the form and means false), as the card's `header_values` show them."""
    values = {}
    for field, _label, kind in HEADER_FORM:
        if kind == "flag":
            values[field] = "true" if form.get(field) == "true" else "false"
        else:
            values[field] = form.get(field, form_text(current[field]))
    return values


def changed_fields(posted: dict[str, str], current: dict[str, Any]) -> list[tuple[str, str]]:
    """The header fields whose posted text differs from the segment's, in form order."""
    return [
        (field, given)
        for field, given in posted.items()
        if given.strip() != form_text(current[field]).strip()
    ]


def refusal(request: Request, exc: RapportError) -> dict[str, Any]:
    """A refused header change as the header form shows it: the message after the label of
    the field it is about (in the page's language), and that field marked."""
    field = exc.field if isinstance(exc, Invalid) else None
    labels = {name: label for name, label, _kind in HEADER_FORM}
    if field in labels:
        message = f"{translator(request)(labels[field])}: {told(request, exc)}"
    else:
        message = told_with_field(request, exc)
    return {"error": message, "header_error": True, "error_field": field}

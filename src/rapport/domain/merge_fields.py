"""The merge fields an e-mail body or Word template may use (SPEC §6), declared once.

A merge field is written `{{ contact.name }}`: a record (`contact`, `salesperson`,
`segment`, `interaction`) and one of its fields. Attaching a template checks its fields
against this list, and delivery merges exactly these, so a misspelt field is refused when
the template is attached, not when every delivery of a logged segment fails.
"""

from __future__ import annotations

import difflib

from rapport.errors import N_, Text

MERGE_FIELDS: dict[str, tuple[str, ...]] = {
    "contact": (
        "name",
        "company_name",
        "salutation",
        "no",
        "email",
        "address",
        "post_code",
        "city",
        "country",
    ),
    "salesperson": ("name", "code"),
    "segment": ("description", "no"),
    "interaction": ("subject", "description", "date", "entry_no"),
}

# Merge fields that stand alone, not on a record: the one-click unsubscribe link (X7).
PLAIN_MERGE_FIELDS: tuple[str, ...] = ("unsubscribe_url",)

ALL_MERGE_FIELDS: tuple[str, ...] = (
    *(f"{record}.{name}" for record, names in MERGE_FIELDS.items() for name in names),
    *PLAIN_MERGE_FIELDS,
)


def unknown_field_message(written: str) -> Text:
    """The error for a merge field that does not exist: a did-you-mean and the list."""
    close = difflib.get_close_matches(written, ALL_MERGE_FIELDS, n=1, cutoff=0.6)
    fields = ", ".join(ALL_MERGE_FIELDS)
    if close:
        return N_(
            "unknown merge field {written}; did you mean {close}? The merge fields are: {fields}.",
            written=written,
            close=close[0],
            fields=fields,
        )
    return N_(
        "unknown merge field {written}. The merge fields are: {fields}.",
        written=written,
        fields=fields,
    )

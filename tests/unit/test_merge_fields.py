"""The merge fields attaching checks are the ones delivery merges (SPEC §6, L1, L3)."""

from __future__ import annotations

from types import SimpleNamespace

from rapport.domain.merge_fields import ALL_MERGE_FIELDS, MERGE_FIELDS
from rapport.services.delivery.render import merge_fields


def test_l3_delivery_merges_exactly_the_declared_merge_fields():
    row = SimpleNamespace(
        **dict.fromkeys(
            [
                "formal_greeting",
                "contact_no",
                "contact_name",
                "company_name",
                "contact_email",
                "address",
                "post_code",
                "city",
                "country",
                "salesperson_code",
                "salesperson_name",
                "segment_no",
                "segment_description",
                "description",
                "entry_no",
                "subject",
                "date",
            ],
            "x",
        )
    )
    merged = merge_fields(row)
    assert {record: tuple(sorted(values)) for record, values in merged.items()} == {
        record: tuple(sorted(names)) for record, names in MERGE_FIELDS.items()
    }


def test_l1_the_spec_merge_fields_are_declared():
    for field in (
        "contact.name",
        "contact.company_name",
        "contact.salutation",
        "salesperson.name",
        "segment.description",
        "interaction.subject",
    ):
        assert field in ALL_MERGE_FIELDS

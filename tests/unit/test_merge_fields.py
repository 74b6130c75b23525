"""The merge fields attaching checks are the ones delivery merges (SPEC §6, L1, L3)."""

from __future__ import annotations

from types import SimpleNamespace

from rapport.domain.merge_fields import ALL_MERGE_FIELDS, MERGE_FIELDS, PLAIN_MERGE_FIELDS
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
    records = {name: values for name, values in merged.items() if name not in PLAIN_MERGE_FIELDS}
    assert {record: tuple(sorted(values)) for record, values in records.items()} == {
        record: tuple(sorted(names)) for record, names in MERGE_FIELDS.items()
    }
    assert set(merged) - set(records) == set(PLAIN_MERGE_FIELDS)


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


def test_x7_the_unsubscribe_link_is_a_plain_merge_field_delivery_fills():
    row = SimpleNamespace(
        formal_greeting="",
        contact_no="P1",
        contact_name="Ann",
        company_name="",
        contact_email="",
        address="",
        post_code="",
        city="",
        country="",
        salesperson_code="",
        salesperson_name="",
        segment_no="",
        segment_description="",
        description="",
        entry_no=1,
        subject="",
        date="",
    )
    merged = merge_fields(row, unsubscribe_url="https://crm.test/unsubscribe/x")
    assert set(PLAIN_MERGE_FIELDS) <= set(merged)
    assert merged["unsubscribe_url"] == "https://crm.test/unsubscribe/x"

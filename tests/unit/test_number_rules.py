"""K5, L1, S2: a `NumberRange` rule (domain/number_rules.py) says a number the way it was
written, whichever way it was read (the text a service converted, or a staging table's
`Decimal` with two places), so the service and the import refuse it in the same words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rapport.domain.number_rules import NUMBERS, NumberRange, ranges_of
from rapport.errors import Invalid

COST = NumberRange("interaction_templates", "unit_cost")
SCORE = NumberRange("marketing_setup", "duplicate_min_score", 1, 100)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (-5, "'-5' must be zero or more"),
        (Decimal("-5.00"), "'-5' must be zero or more"),
        (Decimal("-500"), "'-500' must be zero or more"),
        (Decimal("-2.50"), "'-2.5' must be zero or more"),
        (Decimal("-0.01"), "'-0.01' must be zero or more"),
    ],
)
def test_l1_a_negative_number_is_said_as_written(value, said):
    assert COST.broken(value)
    with pytest.raises(Invalid) as raised:
        COST.check(value)
    assert (raised.value.field, raised.value.message) == ("unit_cost", said)


@pytest.mark.parametrize(("value", "broken"), [(0, True), (1, False), (100, False), (101, True)])
def test_k5_a_range_holds_both_its_ends(value, broken):
    assert SCORE.broken(value) is broken


def test_k5_a_blank_number_and_zero_keep_the_rule():
    assert not COST.broken(None)
    assert not COST.broken(Decimal("0.00"))
    assert not SCORE.broken(None)


def test_k5_a_range_without_a_highest_value_starts_at_zero():
    with pytest.raises(ValueError, match="starts at zero"):
        NumberRange("marketing_setup", "duplicate_min_score", 1)


def test_k5_the_rules_of_a_table_are_found_by_field():
    assert set(ranges_of("marketing_setup")) == {
        "duplicate_name_weight",
        "duplicate_email_weight",
        "duplicate_phone_weight",
        "duplicate_vat_no_weight",
        "duplicate_address_weight",
        "duplicate_min_score",
    }
    assert ranges_of("interaction_log_entries") == {}  # BC gives them no MinValue
    assert len({(rule.table, rule.field) for rule in NUMBERS}) == len(NUMBERS)

"""K4, C1: each domain rule on a row (domain/rules.py) is declared once and enforced by both
the service that writes the row and the set-based checks of an import: importing a
campaign whose starting date is after its ending date fails as `campaign create` does
(issue 11 item 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from rapport.domain.rules import RULES, DateOrder
from rapport.errors import Invalid
from rapport.services.campaigns import cards as campaigns
from rapport.services.transfer import imports
from tests.integration.import_world import SAMPLES, build_world, count, from_dicts

EARLY, LATE = dt.date(2026, 3, 1), dt.date(2026, 5, 31)


def _create_campaign(sessions: Any, rule: DateOrder, row: dict[str, Any]) -> None:
    campaigns.create_campaign(sessions, description="Rules", **row)


# The service that writes the rows of each rule's table, given the rule's fields.
SERVICES: dict[str, Callable[[Any, DateOrder, dict[str, Any]], None]] = {
    "campaigns": _create_campaign,
}


@pytest.fixture
def world(sessions: Any) -> Any:
    with sessions.begin() as session:
        build_world(session)
    return sessions


def test_k4_every_rule_has_a_service_and_an_import_sample() -> None:
    assert {rule.table for rule in RULES} <= set(SERVICES)
    assert {rule.table for rule in RULES} <= set(SAMPLES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.table}.{rule.start}")
def test_c1_the_service_refuses_what_the_rule_forbids(world: Any, rule: DateOrder) -> None:
    before = count(world, rule.table)
    with pytest.raises(Invalid, match=rule.message(LATE, EARLY)) as raised:
        SERVICES[rule.table](world, rule, {rule.start: LATE, rule.end: EARLY})
    assert raised.value.field == rule.start
    assert count(world, rule.table) == before
    SERVICES[rule.table](world, rule, {rule.start: EARLY, rule.end: EARLY})
    assert count(world, rule.table) == before + 1


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.table}.{rule.start}")
def test_k4_the_import_refuses_what_the_rule_forbids(
    world: Any, tmp_path: Any, rule: DateOrder
) -> None:
    before = count(world, rule.table)
    row = {**SAMPLES[rule.table][0], rule.start: LATE.isoformat(), rule.end: EARLY.isoformat()}
    path = from_dicts(tmp_path / f"{rule.table}.csv", [row])
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(world, rule.table, path)
    assert f"line 2, column {rule.start}: {rule.message(LATE, EARLY)}" in str(raised.value)
    assert count(world, rule.table) == before
    same_day = {**row, rule.end: LATE.isoformat()}
    result = imports.import_table(world, rule.table, from_dicts(tmp_path / "ok.csv", [same_day]))
    assert (result.inserted, result.bad_rows) == (1, ())

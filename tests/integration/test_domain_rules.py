"""K4, C1, K1: each domain rule on a row (domain/rules.py) is declared once and enforced by
both the service that writes the row and the set-based checks of an import: importing a
campaign whose starting date is after its ending date fails as `campaign create` does, a
person whose company is a person fails as `contacts add` does (issue 11 item 4). The test
walks `RULES`: a new rule needs its case here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from rapport.domain.rules import CAMPAIGN_DATES, PERSON_COMPANY, RULES, Rule
from rapport.errors import Invalid
from rapport.services.campaigns import cards as campaigns
from rapport.services.contacts import cards as contacts
from rapport.services.transfer import imports
from tests.integration.import_world import build_world, count, from_dicts

EARLY, LATE = dt.date(2026, 3, 1), dt.date(2026, 5, 31)


@dataclass(frozen=True)
class Case:
    """How the service and a file try a row that breaks the rule (`broken`) or keeps it."""

    service: Callable[[Any, bool], object]
    row: Callable[[bool], dict[str, str]]
    message: str
    field: str


def _campaign(sessions: Any, broken: bool) -> object:
    start = LATE if broken else EARLY
    return campaigns.create_campaign(
        sessions, description="Rules", starting_date=start, ending_date=EARLY
    )


def _campaign_row(broken: bool) -> dict[str, str]:
    start = LATE if broken else EARLY
    return {
        "no": "CP9",
        "description": "Rules",
        "starting_date": start.isoformat(),
        "ending_date": EARLY.isoformat(),
    }


def _person(sessions: Any, broken: bool) -> object:
    company = "P1" if broken else "C1"  # P1 is a person, C1 a company (import_world)
    fields = {"type": "person", "name": "Nine", "company_no": company}
    return contacts.add_contact(sessions, fields=fields)


def _person_row(broken: bool) -> dict[str, str]:
    return {"no": "P9", "type": "person", "name": "Nine", "company_no": "P1" if broken else "C1"}


CASES: dict[Rule, Case] = {
    CAMPAIGN_DATES: Case(
        _campaign, _campaign_row, CAMPAIGN_DATES.message(LATE, EARLY), "starting_date"
    ),
    PERSON_COMPANY: Case(_person, _person_row, PERSON_COMPANY.message("P1"), "company_no"),
}


@pytest.fixture
def world(sessions: Any) -> Any:
    with sessions.begin() as session:
        build_world(session)
    return sessions


def test_k4_every_rule_has_its_case() -> None:
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.table}.{type(rule).__name__}")
def test_c1_k1_the_service_refuses_what_the_rule_forbids(world: Any, rule: Rule) -> None:
    case = CASES[rule]
    before = count(world, rule.table)
    with pytest.raises(Invalid) as raised:
        case.service(world, True)
    assert (raised.value.message, raised.value.field) == (case.message, case.field)
    assert count(world, rule.table) == before
    case.service(world, False)
    assert count(world, rule.table) == before + 1


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.table}.{type(rule).__name__}")
def test_k4_the_import_refuses_what_the_rule_forbids(world: Any, tmp_path: Any, rule: Rule) -> None:
    case = CASES[rule]
    before = count(world, rule.table)
    path = from_dicts(tmp_path / f"{rule.table}.csv", [case.row(True)])
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(world, rule.table, path)
    assert f"line 2, column {case.field}: {case.message}" in str(raised.value)
    assert count(world, rule.table) == before
    result = imports.import_table(
        world, rule.table, from_dicts(tmp_path / "ok.csv", [case.row(False)])
    )
    assert (result.inserted, result.bad_rows) == (1, ())

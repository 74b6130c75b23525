"""K4, K1, K2, K5, C1, L1, S2, S5: each domain rule on a row (domain/rules.py) is declared once
and enforced by both the service that writes the row and the set-based checks of an import
(issue 11 item 4): a field longer than its column, an e-mail address without its `@`, a
campaign whose starting date is after its ending date, a person whose company is a person, a
company whose company no. is another's, a code that names no record, a template whose
default language has no variant, a profile answer on a question line, a second answer to a
question that takes one (which the service takes as a replacement, K2), a negative cost or
duration of a template, a segment or its line, a negative duplicate search weight or a
minimum score outside BC's 1 to 100 (K5). The test walks `RULES`: a new rule needs its case
here, and each case proves the service refuses the row and an imported file holding it is
refused with "line N, column FIELD: …", both with the rule's own message, and that neither
changes anything; the same row kept within the rule goes through both paths. A table no file
imports (the marketing setup, segments) has the service as its one path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from rapport.domain import number_rules, rules
from rapport.domain.rules import RULES, CodeExists, NumberRange, Rule
from rapport.errors import Invalid, NotFound, Text
from rapport.services.campaigns import cards as campaigns
from rapport.services.contacts import cards as contacts
from rapport.services.contacts import consent, profiles
from rapport.services.segments import header as segments
from rapport.services.segments import line_edits
from rapport.services.setup import marketing
from rapport.services.templates import edits as templates
from rapport.services.transfer import _checks, imports
from rapport.services.transfer.tables import TABLES
from rapport.storage import tables as t
from tests.factories import make_code, make_segment
from tests.integration.import_world import build_world, from_dicts

EARLY, LATE = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
LONG_CITY = "Sint-Pieters-Leeuw-Vlaams-Brabant"  # 33 characters where a city holds 30


@dataclass(frozen=True)
class Case:
    """How the service and a file try a row that breaks the rule (`broken`) or keeps it:
    `message` is the rule's, `field` the file column it names (`service_field` the field
    the service names when it is another, None for none: a code that is not there is
    NotFound naming the field that gave it); with `update` the file changes an existing
    row; `row` None: no file imports the table."""

    service: Callable[[Any, bool], object]
    row: Callable[[bool], dict[str, str]] | None
    message: Text
    field: str
    service_field: str | None = ""
    update: bool = False
    replaces: bool = False  # the service replaces the row the rule keeps single


def _company(sessions: Any, fields: dict[str, str]) -> object:
    return contacts.add_contact(sessions, fields={"type": "company", "name": "Nine", **fields})


def _contact_case(field: str, bad: str, good: str, message: Text, **options: Any) -> Case:
    return Case(
        lambda sessions, broken: _company(sessions, {field: bad if broken else good}),
        lambda broken: {"no": "C9", "name": "Nine", field: bad if broken else good},
        message,
        field,
        **options,
    )


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


def _campaign_code(rule: CodeExists, good: str) -> Case:
    def service(sessions: Any, broken: bool) -> object:
        codes = {rule.field: "ZZ" if broken else good}
        return campaigns.create_campaign(sessions, description="Rules", **codes)

    return Case(
        service,
        lambda broken: {"no": "CP9", "description": "Rules", rule.field: "ZZ" if broken else good},
        rule.message("ZZ"),
        rule.field,
    )


def _person(sessions: Any, broken: bool) -> object:
    company = "P1" if broken else "C1"  # P1 is a person, C1 a company (import_world)
    fields = {"type": "person", "name": "Nine", "company_no": company}
    return contacts.add_contact(sessions, fields=fields)


def _person_row(broken: bool) -> dict[str, str]:
    return {"no": "P9", "type": "person", "name": "Nine", "company_no": "P1" if broken else "C1"}


def _template(field: str, bad: str, good: str, message: Text, **options: Any) -> Case:
    """A change of template ABSTR (which has an NLB variant, `world`)."""

    def service(sessions: Any, broken: bool) -> object:
        return templates.set_template(sessions, "ABSTR", values=[(field, bad if broken else good)])

    return Case(
        service,
        lambda broken: {
            "code": "ABSTR",
            "interaction_group_code": "LETTER",
            field: bad if broken else good,
        },
        message,
        field,
        update=True,
        **options,
    )


def _number(rule: NumberRange, bad: str, good: str) -> Case:
    """A number out of its range (`bad`) or within it (`good`): on template ABSTR, by the
    service and by a file; on the marketing setup, on segment SEG1 or on its line 10000
    (`world`), which no file imports, by the service alone."""
    message = rule.message(Decimal(bad))
    if rule.table in TABLES:
        return _template(rule.field, bad, good, message)

    def service(sessions: Any, broken: bool) -> object:
        values = [(rule.field, bad if broken else good)]
        if rule.table == "segment_headers":
            return segments.set_header(sessions, "SEG1", values=values)
        if rule.table == "segment_lines":
            line_edits.set_line(sessions, "SEG1", 10000, values=values, user="tester")
            return None
        return marketing.set_setup(sessions, values=values)

    return Case(service, None, message, rule.field)


def _answer(sessions: Any, broken: bool) -> object:
    line = 10 if broken else 20  # line 10 of CUSTOMER is its question, 20 an answer
    return profiles.answer_profile(sessions, "P1", questionnaire="CUSTOMER", answer_line=line)


def _answer_row(broken: bool) -> dict[str, str]:
    line = "10" if broken else "20"
    return {"contact_no": "P1", "profile_questionnaire_code": "CUSTOMER", "line_no": line}


def _for_companies(sessions: Any, broken: bool) -> object:
    contact = "P1" if broken else "C1"  # CORP is a questionnaire for companies (`world`)
    return profiles.answer_profile(sessions, contact, questionnaire="CORP", answer_line=20)


def _for_companies_row(broken: bool) -> dict[str, str]:
    contact = "P1" if broken else "C1"
    return {"contact_no": contact, "profile_questionnaire_code": "CORP", "line_no": "20"}


def _second_answer(sessions: Any, broken: bool) -> object:
    contact = "C1" if broken else "P1"  # C1 answered SIZE's question 10 with line 20 (`world`)
    return profiles.answer_profile(sessions, contact, questionnaire="SIZE", answer_line=30)


def _second_answer_row(broken: bool) -> dict[str, str]:
    contact = "C1" if broken else "P1"
    return {"contact_no": contact, "profile_questionnaire_code": "SIZE", "line_no": "30"}


def _opt_out(sessions: Any, broken: bool) -> object:
    kind = "" if broken else "email"
    return consent.opt_out(sessions, "P1", correspondence_type=kind, by="tester")


CONTACT_CODES = {
    "country": "BE",
    "territory": "FL",
    "salesperson": "JO",
    "language": "NLB",
    "organizational_level": "MGMT",
    "salutation": "FORMAL",
}
CASES: dict[Rule, Case] = {
    rules.TEXT_LENGTH: _contact_case(
        "city", LONG_CITY, "Gent", rules.TEXT_LENGTH.message(LONG_CITY, 30)
    ),
    rules.DATE_FORM: _contact_case(
        "created", "20260301", "2026-03-01", rules.DATE_FORM.message("20260301")
    ),
    rules.CONTACT_EMAIL: _contact_case(
        "email",
        "ann at example.com",
        "ann@example.com",
        rules.CONTACT_EMAIL.message("ann at example.com"),
    ),
    rules.CAMPAIGN_DATES: Case(
        _campaign, _campaign_row, rules.CAMPAIGN_DATES.message(LATE, EARLY), "starting_date"
    ),
    rules.PERSON_COMPANY: Case(
        _person, _person_row, rules.PERSON_COMPANY.message("P1"), "company_no"
    ),
    rules.COMPANY_OWN_NO: Case(
        lambda sessions, broken: _company(sessions, {"company_no": "C1" if broken else ""}),
        lambda broken: {"no": "C9", "name": "Nine", "company_no": "C1" if broken else "C9"},
        rules.COMPANY_OWN_NO.message(),
        "company_no",
    ),
    **{
        rule: _contact_case(rule.field, "ZZ", CONTACT_CODES[rule.field], rule.message("ZZ"))
        for rule in rules.CONTACT_CODES
    },
    **{
        rule: _campaign_code(rule, {"status_code": "PLAN", "salesperson_code": "JO"}[rule.field])
        for rule in rules.CAMPAIGN_CODES
    },
    rules.TEMPLATE_CODES[0]: _template(
        "language_code_default",
        "ZZ",
        "NLB",
        rules.TEMPLATE_CODES[0].message("ZZ"),
    ),
    rules.TEMPLATE_CODES[1]: _template(
        "campaign_no", "ZZ", "CP1", rules.TEMPLATE_CODES[1].message("ZZ")
    ),
    rules.TEMPLATE_LANGUAGE: _template(
        "language_code_default",
        "FRB",
        "NLB",
        rules.TEMPLATE_LANGUAGE.message("ABSTR", "FRB"),
    ),
    rules.PROFILE_ANSWER: Case(
        _answer, _answer_row, rules.PROFILE_ANSWER.message("CUSTOMER", 10), "line_no", "answer_line"
    ),
    rules.PROFILE_FOR: Case(
        _for_companies,
        _for_companies_row,
        rules.PROFILE_FOR.message("CORP", "company"),
        "contact_no",
        None,
    ),
    rules.ONE_ANSWER: Case(
        _second_answer,
        _second_answer_row,
        rules.ONE_ANSWER.existing("C1", "SIZE", 10, 20),
        "line_no",
        replaces=True,
    ),
    rules.OPT_OUT_TYPE: Case(
        _opt_out,
        lambda broken: {"contact_no": "P1", "correspondence_type": "" if broken else "email"},
        rules.OPT_OUT_TYPE.message(),
        "correspondence_type",
        "type",
    ),
    **{rule: _number(rule, "-5", "45") for rule in number_rules.DUPLICATE_WEIGHTS},
    number_rules.DUPLICATE_MIN_SCORE: _number(number_rules.DUPLICATE_MIN_SCORE, "101", "75"),
    **{
        rule: _number(rule, "-2.50", "2.5")
        for rule in (*number_rules.TEMPLATE_AMOUNTS, *number_rules.SEGMENT_AMOUNTS)
    },
}


@pytest.fixture
def world(sessions: Any) -> Any:
    """The import world, with a language FRB that template ABSTR has no variant of, an
    NLB variant of ABSTR, a questionnaire CORP for companies (line 20 an answer), and a
    questionnaire SIZE whose question 10 takes one answer (20 or 30), answered 20 by C1, and
    a segment SEG1 with one line (10000, for P1)."""
    with sessions.begin() as session:
        build_world(session)
        ann = session.scalars(select(t.Contact).where(t.Contact.no == "P1")).one()
        make_segment(session, "SEG1", lines=[{"contact": ann}])
        make_code(session, t.Language, "FRB")
        session.add(
            t.InteractionTemplateLanguage(interaction_template_code="ABSTR", language_code="NLB")
        )
        session.add(t.ProfileQuestionnaire(code="CORP", contact_type="Companies"))
        session.flush()
        session.add_all(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CORP", line_no=no, type=kind, description=kind
            )
            for no, kind in ((10, "question"), (20, "answer"))
        )
        session.add(t.ProfileQuestionnaire(code="SIZE"))
        session.flush()
        session.add_all(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="SIZE", line_no=no, type=kind, description=kind
            )
            for no, kind in ((10, "question"), (20, "answer"), (30, "answer"))
        )
    profiles.answer_profile(sessions, "C1", questionnaire="SIZE", answer_line=20)
    return sessions


def _rows(sessions: Any, table: str) -> list[tuple[Any, ...]]:
    """Every row of `table`, every column: what 'changes nothing' compares."""
    with sessions.begin() as session:
        found = session.execute(select(t.Base.metadata.tables[table])).all()
    return sorted((tuple(map(repr, row)) for row in found), key=str)


def _id(rule: Rule) -> str:
    return f"{rule.table or 'every-table'}.{type(rule).__name__}.{rule.field or 'text'}"


def test_k4_every_rule_has_its_case() -> None:
    assert set(CASES) == set(RULES)


def test_k4_every_kind_of_rule_is_applied_by_the_import() -> None:
    """A rule is rendered in SQL over the staging table or applied where the import says;
    a kind of rule that is in neither would fail every import of its table."""
    kinds = {type(rule) for rule in RULES}
    assert kinds <= set(_checks.RENDERINGS) | set(_checks.APPLIED_ELSEWHERE)
    for rule in rules.CODES:
        refs = [ref for ref in TABLES[rule.table].references if ref.rule == rule]
        assert [ref.columns for ref in refs] == [(rule.field,)]
    email = TABLES[rules.CONTACT_EMAIL.table].column(rules.CONTACT_EMAIL.field)
    assert email is not None
    assert email.email == rules.CONTACT_EMAIL


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_c1_k1_k2_l1_the_service_refuses_what_the_rule_forbids(world: Any, rule: Rule) -> None:
    case = CASES[rule]
    table = _table(rule)
    before = _rows(world, table)
    if case.replaces:
        _replaced(world, case, table, before)
        return
    with pytest.raises((Invalid, NotFound)) as raised:
        case.service(world, True)
    assert raised.value.message == str(case.message)
    field = case.field if case.service_field == "" else case.service_field
    assert getattr(raised.value, "field", None) == field
    assert _rows(world, table) == before
    case.service(world, False)
    assert _rows(world, table) != before


@pytest.mark.parametrize("rule", RULES, ids=_id)
def test_k4_the_import_refuses_what_the_rule_forbids(world: Any, tmp_path: Any, rule: Rule) -> None:
    case = CASES[rule]
    table = _table(rule)
    if case.row is None:
        _not_imported(world, tmp_path, table)
        return
    before = _rows(world, table)
    path = from_dicts(tmp_path / f"{table}.csv", [case.row(True)])
    with pytest.raises(imports.BadFile) as raised:
        imports.import_table(world, table, path, update=case.update, by="tester")
    assert f"line 2, column {case.field}: {case.message}" in str(raised.value).splitlines()
    assert _rows(world, table) == before
    result = imports.import_table(
        world,
        table,
        from_dicts(tmp_path / "ok.csv", [case.row(False)]),
        update=case.update,
        by="tester",
    )
    assert (result.inserted + result.updated, result.bad_rows) == (1, ())
    assert _rows(world, table) != before


def _not_imported(sessions: Any, tmp_path: Any, table: str) -> None:
    """No file imports `table`: asked to, the import names the tables it takes."""
    assert table not in TABLES
    path = from_dicts(tmp_path / f"{table}.csv", [{"no": "X"}])
    with pytest.raises(Invalid) as raised:
        imports.import_table(sessions, table, path, update=True, by="tester")
    assert raised.value.field == "table"


def _replaced(sessions: Any, case: Case, table: str, before: list[tuple[Any, ...]]) -> None:
    """The service keeps the row single by replacing it: as many rows, one of them new."""
    case.service(sessions, True)
    after = _rows(sessions, table)
    assert len(after) == len(before)
    assert after != before
    case.service(sessions, False)
    assert len(_rows(sessions, table)) == len(before) + 1


def _table(rule: Rule) -> str:
    """The table a case writes: the rule's, or for a rule on every table the contacts."""
    return rule.table or "contacts"

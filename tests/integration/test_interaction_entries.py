"""Interaction log entries (L6) on SQLite and PostgreSQL: the filtered list, single-entry
cancel and its un-cancel rule, evaluation, attempt failed and the totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from rapport.criteria import ENTRIES, Criteria
from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.interactions import entries as ile
from rapport.services.interactions import logged as logged_segments
from rapport.services.interactions.log import log_segment
from rapport.storage import tables as t
from tests.factories import build_log_world, make_segment


@pytest.fixture
def world(sessions):
    """Logged segment 1: P1 (CP1, cost 2), ACME (CP1, cost 3), P4 (CALL, no campaign)."""
    with sessions.begin() as session:
        contacts = build_log_world(session)
        make_segment(
            session,
            "SEG1",
            description="Mailing",
            interaction_template_code="ABSTRACT",
            interaction_group_code="LETTER",
            salesperson_code="JO",
            campaign_no="CP1",
            unit_cost=Decimal(2),
            unit_duration=Decimal(5),
            lines=[
                {"contact": contacts["P1"], "date": dt.date(2026, 1, 10)},
                {"contact": contacts["ACME"], "cost": Decimal("3.5")},
                {
                    "contact": contacts["P4"],
                    "interaction_template_code": "CALL",
                    "campaign_no": "",
                    "duration": Decimal(10),
                },
            ],
        )
    log_segment(sessions, "SEG1", user="ADMIN")
    return sessions


def nos(rows):
    return [row.entry_no for row in rows]


def test_l6_list_gives_the_spec_fields_in_entry_order(world):
    rows = list(ile.get_all(world))
    assert nos(rows) == [1, 2, 3]
    first = rows[0]
    assert {
        "entry_no",
        "contact_no",
        "date",
        "interaction_template_code",
        "interaction_group_code",
        "logged_segment",
        "segment_no",
        "campaign_no",
        "correspondence_type",
        "cost",
        "duration",
        "canceled",
        "delivery_status",
    } <= set(vars(first))
    assert (first.contact_no, first.logged_segment, first.segment_no) == ("P1", 1, "SEG1")
    assert (first.date, first.campaign_no, first.cost) == (
        dt.date(2026, 1, 10),
        "CP1",
        Decimal(2),
    )


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("campaign_no = cp1", [1, 2]),
        ("campaign_no is empty", [3]),
        ("interaction_template_code in (call, Call)", [3]),
        ("interaction_template_code not in (CALL)", [1, 2]),
        ("cost > 2 and contact_no != P1", [2]),
        ("date < 2026-02-01", [1]),
        ("date >= today - 100y", [1, 2, 3]),
        ("date <= today-100y", []),
        ("correspondence_type = EMAIL", [1, 2]),
        ("not canceled and logged_segment = 1", [1, 2, 3]),
        ("canceled", []),
        ("contact_name = 'Ann' and duration = 5", [1]),
        ('description = "Mailing"', [1, 2, 3]),
        ("", [1, 2, 3]),
    ],
)
def test_l6_where_filters_on_entry_fields(world, where, expected):
    assert nos(ile.get_all(world, where=where)) == expected


@pytest.mark.parametrize(
    ("where", "message"),
    [
        (
            "campain_no = CP1",
            "line 1, col 1: unknown field 'campain_no' — did you mean 'campaign_no'?",
        ),
        ("cost > abc", "line 1, col 8: cost: 'abc' is not a number"),
        ("cost >", "line 1, col 7: the criteria end too early; expected a quoted text or a value"),
        ("cost = 1 or", "line 1, col 12: the criteria end too early; expected"),
        ("cost", "line 1, col 1: cost is not a yes/no field; compare it, for example cost = …"),
        ("canceled = maybe", "line 1, col 12: canceled: 'maybe' is not true or false"),
        ("date = 2026-13-01", "line 1, col 8: date: '2026-13-01' is not a date"),
        ("cost is full", "line 1, col 9: unexpected 'full'; expected 'empty' or 'not'"),
        ("cost ; 1", "line 1, col 6: unexpected ';'; expected"),
        ("cost is empty", "line 1, col 1: cost does not take 'is empty'; it takes =, !=, <"),
        ("segment(SEG1)", "line 1, col 1: unknown relation 'segment'"),
        ("date >= today - 2 q", "line 1, col 19: unexpected 'q'"),
        ("interaction_template_code in (call, xyz)", "unknown template 'XYZ'"),
    ],
)
def test_l6_a_bad_filter_says_where_and_what(world, where, message):
    """L6, X1: the entries' filter is the criteria language, with its errors."""
    with pytest.raises(Invalid) as caught:
        ile.get_all(world, where=where)  # checked at the call, before any row is read
    assert caught.value.field == "where"
    assert str(caught.value).removeprefix("where: ").startswith(message)
    if message.startswith("line "):
        line, column = message.removeprefix("line ").split(":")[0].split(", col ")
        assert caught.value.position == (int(line), int(column))


def test_l6_filter_values_are_bound_parameters(world):
    assert nos(ile.get_all(world, where='contact_no = "P1\' OR 1=1 --"')) == []


def test_l6_limit_and_postponed_entries(world):
    with world.begin() as session:
        session.execute(
            update(t.InteractionLogEntry)
            .where(t.InteractionLogEntry.entry_no == 1)
            .values(postponed=True)
        )
    assert nos(ile.get_all(world, limit=1)) == [2]


def test_l6_cancel_and_uncancel_single_entries(world):
    assert ile.cancel(world, [1, 3]) == 2
    assert nos(ile.get_all(world, where="canceled")) == [1, 3]
    ile.cancel(world, [1], canceled=False)
    assert nos(ile.get_all(world, where="canceled")) == [3]
    with pytest.raises(NotFound, match=r"The Interaction Log Entry does not exist\. .*No\.='9'"):
        ile.cancel(world, [1, 9])


def test_l6_uncancel_needs_its_logged_segment_and_campaign_entry_not_canceled(world):
    logged_segments.cancel_log(world, 1)
    with pytest.raises(Conflict) as caught:
        ile.cancel(world, [2], canceled=False)
    assert caught.value.message == (
        "Canceled must be equal to 'No'  in Logged Segment: Entry No.=1. Current value is 'Yes'."
    )
    logged_segments.delete_canceled(world)
    with pytest.raises(Conflict) as caught:
        ile.cancel(world, [2], canceled=False)
    assert caught.value.message == (
        "Canceled must be equal to 'No'  in Campaign Entry: Entry No.=1. Current value is 'Yes'."
    )
    assert ile.cancel(world, [3], canceled=False) == 1  # no campaign entry, no logged segment


def test_l6_evaluate_and_attempt_failed(world):
    assert ile.evaluate(world, 2, evaluation="Very_Positive").evaluation == "very_positive"
    assert ile.evaluate(world, 2, evaluation="").evaluation == ""
    with pytest.raises(Invalid, match="evaluation"):
        ile.evaluate(world, 2, evaluation="great")
    assert ile.set_attempt_failed(world, 3).attempt_failed is True
    assert ile.set_attempt_failed(world, 3, attempt_failed=False).attempt_failed is False
    with pytest.raises(NotFound):
        ile.evaluate(world, 99, evaluation="neutral")


def test_l6_totals_count_entries_neither_canceled_nor_postponed(world):
    assert [
        (r.code, r.description, r.no_of_interactions, r.cost, r.duration)
        for r in ile.totals(world, by="template")
    ] == [
        ("ABSTRACT", "Abstract", 2, Decimal("5.5"), Decimal(10)),
        ("CALL", "Call", 1, Decimal(2), Decimal(10)),
    ]
    ile.cancel(world, [1])
    assert [(r.code, r.no_of_interactions, r.cost) for r in ile.totals(world, by="campaign")] == [
        ("CP1", 1, Decimal("3.5"))
    ]
    assert [(r.code, r.description) for r in ile.totals(world, by="contact")] == [
        ("ACME", "Acme"),
        ("P4", "Dee"),
    ]
    assert [(r.code, r.no_of_interactions) for r in ile.totals(world, by="group")] == [
        ("LETTER", 2)
    ]
    assert [r.code for r in ile.totals(world, by="contact", where="cost > 3")] == ["ACME"]
    # The service names its parameter; the CLI shows it as --by.
    with pytest.raises(Invalid, match="'planet' is not one of") as raised:
        ile.totals(world, by="planet")
    assert raised.value.field == "by"


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("campaign = CP1 or template = call", [1, 2, 3]),
        ("not (campaign = CP1 or cost > 2)", [3]),
        ("(contact_no = P1 or contact_no = P4) and not canceled", [1, 3]),
        ("template = ABSTRACT and segment = SEG1 and salesperson = jo", [1, 2]),
        ("interaction_template_code = ABSTRACT and segment_no = SEG1", [1, 2]),
        ("group = LETTER and interaction_group_code = letter", [1, 2, 3]),
        ("date >= today - 100 y and date != 2026-01-10", [2, 3]),
        ("date > today + 2w", []),
        ("date in (2026-01-10, 2026-03-02) and date not in (2026-03-02)", [1]),
        ("description matches '@mail*' and contact_name matches 'D*|Ann'", [1, 3]),
        ("campaign is not empty and cost < 3.5", [1]),
        ("logged_segment in (1, 2) and entry_no != 2", [1, 3]),
        ("correspondence_type in (email, hard_copy) and delivery_status is empty", [1, 2, 3]),
    ],
)
def test_l6_where_takes_the_whole_criteria_language_and_the_spec_names(world, where, expected):
    """L6, X1: and/or/not, parentheses, relative dates, `matches`, SPEC §5 names and their
    SPEC §6 aliases, on the interaction log entries."""
    assert nos(ile.get_all(world, where=where)) == expected


def test_l6_where_takes_the_json_tree_and_parsed_criteria(world):
    """L6, X1: the API sends criteria as JSON or text; both select the same entries."""
    tree = {
        "or": [
            {"field": "segment_no", "value": "seg1", "op": "!="},
            {"field": "cost", "op": ">", "value": "3"},
        ]
    }
    assert nos(ile.get_all(world, where=tree)) == [2]
    parsed = Criteria.parse("campaign_no = CP1", subject=ENTRIES)
    assert parsed.text == "campaign = CP1"
    assert nos(ile.get_all(world, where=parsed)) == [1, 2]
    assert [r.code for r in ile.totals(world, by="campaign", where=parsed)] == ["CP1"]
    with pytest.raises(Invalid, match="criteria on contact rows do not filter"):
        ile.get_all(world, where=Criteria.parse("country = BE"))
    with pytest.raises(Invalid, match=r"\$.or\[1\].field: unknown field 'costs'"):
        ile.get_all(world, where={"or": [tree["or"][0], {"field": "costs", "value": 1}]})

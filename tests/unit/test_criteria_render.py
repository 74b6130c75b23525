"""X1: tree → canonical text and → plain-language sentence. The canonical text reads back as
the same tree (also for hypothesis-generated trees), with parentheses only where needed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.criteria import describe, from_json, parse, render, to_json
from rapport.criteria.render import describe_which
from rapport.criteria.tree import Compare, Not, Or, SegmentMember
from tests.reference import criteria_trees

CANONICAL = [
    ("COUNTRY = be", "country = BE"),
    ("country <> BE", "country != BE"),
    ("(country = BE) AND ((type = person))", "country = BE and type = person"),
    (
        "country = BE or (country = NL and type = person)",
        "country = BE or country = NL and type = person",
    ),
    (
        "(country = BE or country = NL) and type = person",
        "(country = BE or country = NL) and type = person",
    ),
    ("not (country = BE or excluded)", "not (country = BE or excluded)"),
    ("not (not excluded)", "not not excluded"),
    ("excluded = true", "excluded"),
    ("excluded = false", "excluded = false"),
    ("mailing_group(code = news)", "mailing_group = NEWS"),
    ("mailing_group(code in (a, b))", "mailing_group in (A, B)"),
    ("mailing_group not in (a)", "not mailing_group in (A)"),
    ("mailing_group", "mailing_group()"),
    (
        "interaction(date >= today-90d and not canceled)",
        "interaction(date >= today - 90d and not canceled)",
    ),
    ("interaction(cost > 2.50)", "interaction(cost > 2.50)"),
    ('name = "O\'Brien"', "name = 'O''Brien'"),
    ("name = 'two words'", "name = 'two words'"),
    ("country = 'IN'", "country = 'IN'"),
    ("correspondence_type = ''", "correspondence_type = ''"),
    ("segment('seg 1') or segment(SEG2)", "segment('SEG 1') or segment(SEG2)"),
    ("name matches '@*bakery*'", "name matches '@*bakery*'"),
    ("created >= 2024-01-01", "created >= 2024-01-01"),
    ("email IS NOT EMPTY", "email is not empty"),
]


@pytest.mark.parametrize(("text", "canonical"), CANONICAL)
def test_x1_render_writes_the_canonical_text(text, canonical):
    assert render(parse(text)) == canonical
    assert parse(canonical) == parse(text)


SENTENCES = [
    ("country in (BE, NL)", "country/region is one of BE or NL"),
    ("type = person and not excluded", "type is person and not excluded from segments"),
    ("created >= today - 30d", "creation date is on or after today - 30d"),
    ("industry_group = RETAIL", "the contact's company has industry group RETAIL"),
    ("not mailing_group = NO_MAIL", "the contact does not have mailing group NO_MAIL"),
    ("not job_responsibility", "the contact has no job responsibility"),
    (
        "profile(questionnaire = C and answer_line = 30)",
        "the contact has at least one profile answer where questionnaire is C and answer line "
        "is 30",
    ),
    (
        "interaction(evaluation = very_positive)",
        "the contact has at least one interaction where evaluation is very positive",
    ),
    (
        "segment(SEG1) or not logged_segment(3)",
        "the contact is on segment SEG1 or the contact did not receive logged segment 3",
    ),
    (
        "email is empty or correspondence_type = ''",
        "e-mail is empty or correspondence type is blank",
    ),
    (
        "(country = BE or country = NL) and excluded",
        "(country/region is BE or country/region is NL) and excluded from segments",
    ),
    ("name matches 'A*'", "name matches the filter 'A*'"),
    # a `not` is said by the negative of what it negates, `and` and `or` swapped under it
    ("not (country = BE or excluded)", "country/region is not BE and not excluded from segments"),
    ("not (city = Gent and email is empty)", "city is not Gent or e-mail is not empty"),
    ("not not country in (BE, NL)", "country/region is one of BE or NL"),
    ("not name matches 'A*'", "name does not match the filter 'A*'"),
    (
        "not created < 2024-01-01",
        "creation date is on or after 2024-01-01 or creation date is empty",
    ),
    ("country in (BE)", "country/region is BE"),
    # prose has no precedence: an `and` inside an `or` is put in parentheses too
    (
        "country = BE or country = NL and type = person",
        "country/region is BE or (country/region is NL and type is person)",
    ),
]


@pytest.mark.parametrize(("text", "sentence"), SENTENCES)
def test_x1_describe_says_the_criteria_in_plain_language(text, sentence):
    assert describe(parse(text)) == sentence


@settings(max_examples=500, deadline=None)
@given(criteria_trees(max_leaves=8))
def test_x1_generated_trees_read_back_from_their_text_and_json(expr):
    assert parse(render(expr)) == expr
    assert from_json(to_json(expr)) == expr
    assert describe(expr)
    assert describe_which(expr)


TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)


@given(TEXT, TEXT.filter(lambda s: s.strip() == s and s and s.upper().lower() == s.lower()))
def test_x1_any_text_value_and_segment_no_survive_the_round_trip(value, no):
    expr = Or((Compare("name", "=", value), Not(SegmentMember(no.upper()))))
    assert parse(render(expr)) == expr

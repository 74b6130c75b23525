"""X1: criteria text → tree, and the errors a user sees (position, what was expected, did you
mean). Tables of text → tree; the compile tests check what the trees select."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.criteria import from_json, parse, to_json
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    InList,
    IsEmpty,
    LoggedSegmentMember,
    Matches,
    Not,
    Or,
    RelativeDate,
    SegmentMember,
)
from rapport.errors import Invalid

BE = Compare("country", "=", "BE")
NL = Compare("country", "=", "NL")
PERSON = Compare("type", "=", "person")

TREES = [
    ("country = BE", BE),
    ("Country = be", BE),
    ("country <> BE", Compare("country", "!=", "BE")),
    ("country in (be, NL)", InList("country", ("BE", "NL"))),
    ("country not in (BE)", InList("country", ("BE",), negated=True)),
    ("email is empty", IsEmpty("email")),
    ("email IS NOT EMPTY", IsEmpty("email", negated=True)),
    ("excluded", Compare("excluded", "=", True)),
    ("excluded = FALSE", Compare("excluded", "=", False)),
    ("type = Person", PERSON),
    ("correspondence_type = ''", Compare("correspondence_type", "=", "")),
    ("name = 'O''Brien'", Compare("name", "=", "O'Brien")),
    ('name = "say ""hi"""', Compare("name", "=", 'say "hi"')),
    ("name = Acme", Compare("name", "=", "Acme")),
    ("email = a.b@c.be", Compare("email", "=", "a.b@c.be")),
    ("created >= 2024-01-31", Compare("created", ">=", dt.date(2024, 1, 31))),
    ("created >= today", Compare("created", ">=", RelativeDate())),
    ("created >= TODAY - 90d", Compare("created", ">=", RelativeDate(-90, "d"))),
    ("created < today+2W", Compare("created", "<", RelativeDate(2, "w"))),
    ("created > today - 1y", Compare("created", ">", RelativeDate(-1, "y"))),
    ("created <= today + 0m", Compare("created", "<=", RelativeDate())),
    ("name matches '@*bakery*'", Matches("name", "@*bakery*")),
    ("post_code matches '1000..1999|3000..3999'", Matches("post_code", "1000..1999|3000..3999")),
    # relations and their shorthand
    ("mailing_group = news", Exists("mailing_group", Compare("code", "=", "NEWS"))),
    (
        "industry_group in (RETAIL, WHOLESALE)",
        Exists("industry_group", InList("code", ("RETAIL", "WHOLESALE"))),
    ),
    (
        "mailing_group not in (A)",
        Not(Exists("mailing_group", InList("code", ("A",)))),
    ),
    ("not mailing_group = X", Not(Exists("mailing_group", Compare("code", "=", "X")))),
    ("mailing_group", Exists("mailing_group")),
    ("mailing_group()", Exists("mailing_group")),
    (
        "profile(questionnaire = CUSTOMER and answer_line = 30)",
        Exists(
            "profile",
            And((Compare("questionnaire", "=", "CUSTOMER"), Compare("answer_line", "=", 30))),
        ),
    ),
    (
        "interaction(date >= today - 90d and not canceled)",
        Exists(
            "interaction",
            And(
                (
                    Compare("date", ">=", RelativeDate(-90, "d")),
                    Not(Compare("canceled", "=", True)),
                )
            ),
        ),
    ),
    (
        "interaction(cost > 2.50 and evaluation = Very_Positive)",
        Exists(
            "interaction",
            And(
                (
                    Compare("cost", ">", Decimal("2.50")),
                    Compare("evaluation", "=", "very_positive"),
                )
            ),
        ),
    ),
    ("interaction(segment = seg1)", Exists("interaction", Compare("segment", "=", "SEG1"))),
    (
        "web_source(search_word = Bakery)",
        Exists("web_source", Compare("search_word", "=", "Bakery")),
    ),
    ("segment(SEG00002)", SegmentMember("SEG00002")),
    ("segment('seg 2')", SegmentMember("SEG 2")),
    ("logged_segment(3)", LoggedSegmentMember(3)),
    # values that look like keywords stay values where a value is expected
    ("country = IN", Compare("country", "=", "IN")),
    ("country in (NO, IN, IS)", InList("country", ("NO", "IN", "IS"))),
]

PRECEDENCE = [
    ("country = BE or country = NL and type = person", Or((BE, And((NL, PERSON))))),
    ("(country = BE or country = NL) and type = person", And((Or((BE, NL)), PERSON))),
    ("not country = BE and type = person", And((Not(BE), PERSON))),
    ("not (country = BE and type = person)", Not(And((BE, PERSON)))),
    ("not not country = BE", Not(Not(BE))),
    ("country = BE or country = NL or type = person", Or((BE, NL, PERSON))),
    ("country = BE AND country = NL And type = person", And((BE, NL, PERSON))),
    ("country = BE or (country = NL or type = person)", Or((BE, Or((NL, PERSON))))),
    ("((country = BE))", BE),
]


@pytest.mark.parametrize(("text", "tree"), TREES + PRECEDENCE)
def test_x1_text_parses_to_its_tree(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(("text", "tree"), TREES + PRECEDENCE)
def test_x1_the_json_form_carries_the_same_tree(text, tree):
    assert from_json(to_json(parse(text))) == tree


ERRORS = [
    ("contry = BE", "line 1, col 1: unknown field 'contry' — did you mean 'country'?"),
    ("type = person and contry = BE", "line 1, col 19: unknown field 'contry' — did you mean"),
    ("type = person and\n  contry = BE", "line 2, col 3: unknown field 'contry'"),
    ("maling_group = X", "unknown field 'maling_group' — did you mean 'mailing_group'?"),
    ("profil(answer = x)", "line 1, col 1: unknown relation 'profil' — did you mean 'profile'?"),
    ("interaction(templat = X)", "col 13: unknown field 'templat' of interaction — did you mean"),
    ("xyzzy = 1", "line 1, col 1: unknown field 'xyzzy'"),
    ("created = abc", "line 1, col 11: created: 'abc' is not a date"),
    ("created = 2024-02-30", "is not a date"),
    ("type = robot", "line 1, col 8: type: 'robot' is not a type: one of 'company', 'person'"),
    ("excluded = maybe", "'maybe' is not true or false"),
    ("profile(answer_line = x)", "'x' is not a whole number"),
    ("interaction(cost > cheap)", "'cheap' is not a number"),
    ("excluded > true", "excluded does not take '>'"),
    ("type matches 'P*'", "type does not take 'matches'"),
    ("country", "country is not a yes/no field"),
    ("country = ", "line 1, col 11: the criteria end too early; expected a quoted text or a value"),
    ("country = BE and", "the criteria end too early; expected"),
    ("(country = BE", "line 1, col 14: the criteria end too early; expected ')' or 'or'"),
    ("country = BE)", "line 1, col 13: unexpected ')'"),
    ("country == BE", "line 1, col 10: unexpected '='"),
    ("country = BE country = NL", "line 1, col 14: unexpected 'country'; expected"),
    ("country ~ BE", "line 1, col 9: unexpected '~'"),
    ("name = 'open", "line 1, col 8: the quote ' is not closed"),
    ('city = "Gent', 'line 1, col 8: the quote " is not closed'),
    ("country = 'BE", "line 1, col 11: the quote ' is not closed"),
    ("'country' = BE", "line 1, col 11: unexpected '=': a field's name is written without quotes"),
    ('type = person and ("city" = Gent)', "col 27: unexpected '=': a field's name is written"),
    ("name = 'x' = 3", "line 1, col 12: unexpected '='; expected ',', 'and' or 'or'"),
    # a ')' is expected only where a '(' is open
    (
        "created = 2026-02-07T10:00",
        "col 24: unexpected ':'; expected '+' or '-', ',', 'and' or 'or'",
    ),
    ("(created = 2026-02-07T10:00)", "col 25: unexpected ':'; expected ')', '+' or '-', ','"),
    (
        "name = '(' and country = BE BE",
        "col 29: unexpected 'BE'; expected '+' or '-', ',', 'and' or 'or'",
    ),
    ("", "the criteria are empty"),
    ("interaction = X", "interaction has no code to compare; write interaction("),
    ("mailing_group != X", "mailing_group takes = or in"),
    ("mailing_group(mailing_group = X)", "unknown field 'mailing_group' of mailing_group"),
    ("profile(mailing_group())", "a relation cannot be used inside profile"),
    ("profile(segment(S1))", "segment(…) cannot be used inside profile"),
    ("segment(country = BE)", "segment takes a segment no."),
    ("logged_segment(SEG1)", "logged_segment takes an entry no."),
    ("3", "line 1, col 1: expected a condition, found '3'"),
    ("name matches '(a|b'", "line 1, col 14: name matches: a '(' in the filter is not closed"),
    ("name matches ''", "the filter is empty"),
    ("country in ()", "line 1, col 13: unexpected ')'"),
]


@pytest.mark.parametrize(("text", "message"), ERRORS)
def test_x1_errors_say_where_and_what_was_expected(text, message):
    with pytest.raises(Invalid) as caught:
        parse(text)
    assert message in str(caught.value)
    assert "Traceback" not in str(caught.value)
    error = caught.value
    assert not error.message.startswith("line ")  # the position is a field, not text
    if message.startswith("line "):
        line, column = message.removeprefix("line ").split(":")[0].split(", col ")
        assert error.position == (int(line), int(column))


JSON_ERRORS = [
    ([], "$: expected an object"),
    ({"fieldx": "country"}, "$: unexpected key 'fieldx'"),
    ({"and": [{"field": "country", "value": "BE"}]}, "'and' takes a list of at least two"),
    ({"field": "contry", "op": "=", "value": "BE"}, "$.field: unknown field 'contry'"),
    ({"field": "created", "op": "=", "value": "x"}, "$.value: 'x' is not a date"),
    ({"field": "country", "op": "like", "value": "B"}, "$.op: country does not take 'like'"),
    ({"field": "country", "op": "in", "values": []}, "takes a non-empty list"),
    ({"not": {"relation": "profil"}}, "$.not.relation: unknown relation 'profil'"),
    ({"relation": "profile", "where": {"segment": "S"}}, "cannot be used inside profile"),
    ({"logged_segment": "3"}, "'logged_segment' takes a logged segment entry no."),
    ({"field": "name", "op": "matches", "value": 3}, "'matches' takes a filter text"),
    (
        {"field": "name", "op": "matches", "value": "a|"},
        "$.value: expected a value in the filter, found the end",
    ),
]


@pytest.mark.parametrize(("data", "message"), JSON_ERRORS)
def test_x1_json_errors_name_the_path_at_fault(data, message):
    with pytest.raises(Invalid) as caught:
        from_json(data)
    assert message in str(caught.value)


def test_x1_json_form_shapes():
    expr = parse("country in (BE, NL) and not profile(answer_line >= 10) or segment(S1)")
    assert to_json(expr) == {
        "or": [
            {
                "and": [
                    {"field": "country", "op": "in", "values": ["BE", "NL"]},
                    {
                        "not": {
                            "relation": "profile",
                            "where": {"field": "answer_line", "op": ">=", "value": 10},
                        }
                    },
                ]
            },
            {"segment": "S1"},
        ]
    }
    assert to_json(parse("created > today - 3m")) == {
        "field": "created",
        "op": ">",
        "value": "today - 3m",
    }


def test_x1_relative_dates_resolve_by_calendar():
    today = dt.date(2024, 3, 31)
    assert RelativeDate(-1, "m").resolve(today) == dt.date(2024, 2, 29)
    assert RelativeDate(-1, "y").resolve(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert RelativeDate(10, "m").resolve(today) == dt.date(2025, 1, 31)
    assert RelativeDate(-2, "w").resolve(today) == dt.date(2024, 3, 17)
    assert RelativeDate(1, "d").resolve(today) == dt.date(2024, 4, 1)

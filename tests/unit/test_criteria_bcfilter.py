"""X1: Business Central filter syntax → filter tree, and BC's per-table filter form (the
request page of Add Contacts, reference §2.5) → one criteria tree."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from rapport.criteria import form_to_expr, parse
from rapport.criteria.bcfilter import AllOf, AnyOf, Term, normalized, parse_filter
from rapport.criteria.tree import And, Compare, Exists, IsEmpty, Matches, Or
from rapport.errors import Invalid

FILTERS = [
    ("BE", Term("=", "BE")),
    (" BE ", Term("=", "BE")),
    ("BE|NL", AnyOf((Term("=", "BE"), Term("=", "NL")))),
    ("1000..1999", Term("..", "1000", "1999")),
    ("..1999", Term("<=", "1999")),
    ("1000..", Term(">=", "1000")),
    ("<>BE", Term("<>", "BE")),
    ("<1000", Term("<", "1000")),
    ("<=1000", Term("<=", "1000")),
    (">1000", Term(">", "1000")),
    (">=1000", Term(">=", "1000")),
    ("=BE", Term("=", "BE")),
    ("A*", Term("like", "A*")),
    ("?B*", Term("like", "?B*")),
    ("<>A*", Term("not like", "A*")),
    ("@*bakery*", Term("like", "*bakery*", ignore_case=True)),
    ("@acme", Term("=", "acme", ignore_case=True)),
    ("''", Term("=", "")),
    ("<>''", Term("<>", "")),
    ("'A|B'", Term("=", "A|B")),
    ("'O''Brien'", Term("=", "O'Brien")),
    ("'A*'", Term("=", "A*")),
    ("'1..2'", Term("=", "1..2")),
    (">=A&<=C", AllOf((Term(">=", "A"), Term("<=", "C")))),
    ("A|B&C", AnyOf((Term("=", "A"), AllOf((Term("=", "B"), Term("=", "C")))))),
    ("(A|B)&C", AllOf((AnyOf((Term("=", "A"), Term("=", "B"))), Term("=", "C")))),
    ("1000..1999|3000..3999", AnyOf((Term("..", "1000", "1999"), Term("..", "3000", "3999")))),
]


@pytest.mark.parametrize(("text", "tree"), FILTERS)
def test_x1_bc_filters_parse_to_their_tree(text, tree):
    assert parse_filter(text) == tree


FILTER_ERRORS = [
    ("", "the filter is empty"),
    ("A|", "expected a value in the filter, found the end"),
    ("|A", "expected a value in the filter, found '|'"),
    ("(A|B", "a '(' in the filter is not closed"),
    ("A)", "unexpected ')'"),
    ("..", "a range needs a start or an end"),
    ("'A", "the quote at position 1 is not closed"),
    (">A*", "wildcards cannot be used with '>'"),
    ("<>", "'<>' needs a value"),
    ("'A'B", "text after a quoted value"),
    ("A'B'", "a quote inside a value"),
    ("A'B", "the quote at position 2 is not closed"),
]


@pytest.mark.parametrize(("text", "message"), FILTER_ERRORS)
def test_x1_bad_bc_filters_say_why(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_filter(text)


def test_x1_code_filters_compare_upper_case():
    node = normalized(parse_filter("be|@n*|a..c"), upper=True)
    assert node == AnyOf(
        (Term("=", "BE"), Term("like", "N*", ignore_case=True), Term("..", "A", "C"))
    )
    assert normalized(parse_filter("be"), upper=False) == Term("=", "be")


def test_x1_the_per_table_form_is_one_tree():
    form = {
        "Contact": {"country": "BE|NL", "type": "Person", "salesperson": ""},
        "Contact Mailing Group": {"code": "NEWS*"},
        "interaction": {
            "date": "2026-01-01..2026-03-31",
            "evaluation": "Very Positive",
            "canceled": "No",
        },
        "industry_group": {"code": "RETAIL"},
    }
    assert form_to_expr(form) == And(
        (
            Matches("country", "BE|NL"),
            Compare("type", "=", "person"),
            Exists("mailing_group", Matches("code", "NEWS*")),
            Exists(
                "interaction",
                And(
                    (
                        And(
                            (
                                Compare("date", ">=", dt.date(2026, 1, 1)),
                                Compare("date", "<=", dt.date(2026, 3, 31)),
                            )
                        ),
                        Compare("evaluation", "=", "very_positive"),
                        Compare("canceled", "=", False),
                    )
                ),
            ),
            Exists("industry_group", Matches("code", "RETAIL")),
        )
    )


def test_x1_form_filters_on_typed_fields_become_comparisons():
    form = {
        "profile": {"answer_line": "10|30..40", "questionnaire": "CUST"},
        "contact": {"created": "''"},
    }
    assert form_to_expr(form) == And(
        (
            Exists(
                "profile",
                And(
                    (
                        Or(
                            (
                                Compare("answer_line", "=", 10),
                                And(
                                    (
                                        Compare("answer_line", ">=", 30),
                                        Compare("answer_line", "<=", 40),
                                    )
                                ),
                            )
                        ),
                        Matches("questionnaire", "CUST"),
                    )
                ),
            ),
            IsEmpty("created"),
        )
    )


def test_x1_an_empty_form_selects_every_contact_as_bc_does():
    assert form_to_expr({}) == parse("no is not empty")
    assert form_to_expr({"contact": {"country": "  "}}) == parse("no is not empty")


FORM_ERRORS = [
    ({"contacts": {"contry": "BE"}}, "contacts: unknown field 'contry' — did you mean 'country'"),
    ({"mailing groups": {"code": "A"}}, "mailing groups: unknown table 'mailing_groups'"),
    ({"contact": {"created": "abc"}}, "contact.created: 'abc' is not a date"),
    ({"contact": {"created": "2026*"}}, "wildcards apply to text and code fields"),
    ({"contact": {"excluded": ">=yes"}}, "excluded does not take '>='"),
    ({"contact": {"type": "a..b"}}, "type does not take a range"),
    ({"contact": {"name": "(a"}}, "contact.name: a '(' in the filter is not closed"),
]


@pytest.mark.parametrize(("form", "message"), FORM_ERRORS)
def test_x1_form_errors_name_the_table_and_field(form, message):
    with pytest.raises(Invalid) as caught:
        form_to_expr(form)
    assert message in str(caught.value)

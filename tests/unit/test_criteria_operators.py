"""X1: each operator is declared once (operators.py) with its text, its SQL and its sentence;
the grammar, the registry, the parser's wording, the renderer and the compiler all follow
that declaration (datasette's test_filters.py is the model: one table, one row per operator).
"""

from __future__ import annotations

import re
from importlib import resources

import pytest
from sqlalchemy import Column, Date, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from rapport.criteria import describe, parse, render
from rapport.criteria.fields import CONTACT_FIELDS
from rapport.criteria.operators import (
    BY_TEXT,
    OPERATORS,
    SPELLINGS,
    Takes,
    ValueType,
    comparisons,
    operator,
    taken_by,
)
from rapport.criteria.parser import EXPECTED

_table = Table("t", MetaData(), Column("code", String), Column("day", Date))


SQLITE = sqlite.dialect()


def _sql(condition, dialect=SQLITE) -> str:
    compiled = select(_table.c.code).where(condition).compile(dialect=dialect)
    return str(compiled).split("WHERE ", 1)[1]


# operator, what it takes, its SQL on a text column, on a date column, its sentence
TABLE = [
    ("=", "BE", "t.code = ?", "t.day IS NOT NULL AND t.day = ?", "FIELD is V"),
    ("!=", "BE", "t.code != ?", "t.day IS NULL OR t.day != ?", "FIELD is not V"),
    ("<", "BE", "t.code < ?", "t.day IS NOT NULL AND t.day < ?", "FIELD is less than V"),
    ("<=", "BE", "t.code <= ?", "t.day IS NOT NULL AND t.day <= ?", "FIELD is at most V"),
    (">", "BE", "t.code > ?", "t.day IS NOT NULL AND t.day > ?", "FIELD is more than V"),
    (">=", "BE", "t.code >= ?", "t.day IS NOT NULL AND t.day >= ?", "FIELD is at least V"),
    (
        "in",
        ["BE", "NL"],
        "t.code IN (__[POSTCOMPILE_code_1])",
        "t.day IS NOT NULL AND t.day IN (__[POSTCOMPILE_day_1])",
        "FIELD is one of V",
    ),
    (
        "not in",
        ["BE"],
        "(t.code NOT IN (__[POSTCOMPILE_code_1]))",
        "NOT (t.day IS NOT NULL AND t.day IN (__[POSTCOMPILE_day_1]))",
        "FIELD is none of V",
    ),
    ("is empty", None, "t.code = ?", "t.day IS NULL", "FIELD is empty"),
    ("is not empty", None, "t.code != ?", "t.day IS NOT NULL", "FIELD is not empty"),
    ("matches", "A*|B", "t.code GLOB ? = 1 OR t.code = ?", None, "FIELD matches the filter V"),
]


def test_x1_the_table_covers_every_declared_operator():
    assert [row[0] for row in TABLE] == [op.text for op in OPERATORS]


@pytest.mark.parametrize(("text", "value", "on_text", "on_dates", "sentence"), TABLE)
def test_x1_each_operator_declares_its_sql_and_sentence(text, value, on_text, on_dates, sentence):
    op = BY_TEXT[text]
    assert _sql(op.sql(_table.c.code, value, ValueType.CODE)) == on_text
    if on_dates is not None:
        assert _sql(op.sql(_table.c.day, value, ValueType.DATE)) == on_dates
    assert op.say("FIELD", "V", kind=ValueType.CODE) == sentence


def test_x1_dates_read_before_and_after():
    assert operator("<").say("date", "today", kind=ValueType.DATE) == "date is before today"
    assert operator(">=").say("date", "X", kind=ValueType.DATE) == "date is on or after X"


def test_x1_matches_uses_like_with_escapes_on_postgresql():
    condition = operator("matches").sql(_table.c.code, "50%*", ValueType.TEXT)
    assert _sql(condition, postgresql.dialect()) == "t.code LIKE %(param_1)s::VARCHAR ESCAPE '\\'"


def test_x1_the_grammar_writes_exactly_the_declared_comparisons():
    grammar = resources.files("rapport.criteria").joinpath("grammar.lark").read_text()
    line = re.search(r"^OP: (.*)$", grammar, re.MULTILINE)
    assert line is not None
    written = re.findall(r'"([^"]+)"', line.group(1))
    assert set(written) == {*comparisons(), *SPELLINGS}
    assert str(EXPECTED["OP"]) == "an operator (=, !=, <, <=, >, >=)"
    assert all(BY_TEXT[text].takes is Takes.VALUE for text in comparisons())


@pytest.mark.parametrize("kind", list(ValueType))
def test_x1_a_field_takes_the_operators_declared_for_its_type(kind):
    declared = tuple(op.text for op in OPERATORS if kind in op.types)
    assert taken_by(kind) == declared
    for field in CONTACT_FIELDS.values():
        if field.type is kind and not field.choices:
            assert field.operators == declared


@pytest.mark.parametrize(
    ("text", "canonical", "sentence"),
    [
        ("country <> be", "country != BE", "country/region is not BE"),
        (
            "created in (2026-01-01, 2026-02-01)",
            "created in (2026-01-01, 2026-02-01)",
            "creation date is one of 2026-01-01 or 2026-02-01",
        ),
        ("email is not empty", "email is not empty", "e-mail is not empty"),
        ("name matches 'A*'", "name matches 'A*'", "name matches the filter 'A*'"),
        ("created <= today", "created <= today", "creation date is on or before today"),
    ],
)
def test_x1_text_and_sentence_come_from_the_declaration(text, canonical, sentence):
    expr = parse(text)
    assert render(expr) == canonical
    assert describe(expr) == sentence

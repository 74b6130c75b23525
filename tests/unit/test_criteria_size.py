"""X1: criteria of any size parse, render, describe and read back without recursion limits:
a 100 KB `or` chain, 5,000 nested `not`, an `in` list of 50,000 codes (issue 11 item 1)."""

from __future__ import annotations

import sys

from rapport.criteria import Criteria, describe, from_json, parse, render, to_json
from rapport.criteria.tree import Compare, Not, Or
from rapport.criteria.walk import same

NESTING = 5_000


def or_chain() -> str:
    """`no = C00000 or no = C00001 or …`, past 100 KB."""
    text = " or ".join(f"no = C{i:05d}" for i in range(7_000))
    assert len(text) > 100_000
    return text


def test_x1_a_100kb_or_chain_parses_flat_and_renders_back() -> None:
    text = or_chain()
    tree = parse(text)
    assert isinstance(tree, Or)
    assert len(tree.parts) == 7_000
    assert tree.parts[-1] == Compare("no", "=", "C06999")
    assert render(tree) == text
    assert describe(tree).startswith("contact no. is C00000 or contact no. is C00001 or ")
    assert Criteria.parse(text).text == text


def test_x1_5000_nested_not_parse_render_and_read_back() -> None:
    assert sys.getrecursionlimit() < NESTING
    text = "not " * NESTING + "country = BE"
    tree = parse(text)
    depth, inner = 0, tree
    while isinstance(inner, Not):
        depth, inner = depth + 1, inner.operand
    assert (depth, inner) == (NESTING, Compare("country", "=", "BE"))
    assert render(tree) == text
    assert describe(tree) == "country/region is BE"  # an even number of `not`
    assert describe(Not(tree)) == "country/region is not BE"
    assert Criteria.of(tree).text == text


def test_x1_5000_nested_parentheses_parse() -> None:
    text = "(" * NESTING + "country = BE" + ")" * NESTING
    assert parse(text) == Compare("country", "=", "BE")
    alternating = "".join(f"country = C{i} {'or' if i % 2 else 'and'} (" for i in range(NESTING))
    nested = parse(alternating + "city = X" + ")" * NESTING)
    assert render(nested).count("(") == NESTING // 2  # only `or` inside `and` needs them
    assert same(parse(render(nested)), nested)


def test_x1_deep_json_form_reads_back() -> None:
    tree = parse("not " * NESTING + "country = BE")
    data = to_json(tree)
    assert Criteria.parse(data).text == render(tree)
    assert render(from_json(to_json(parse(or_chain())))) == or_chain()

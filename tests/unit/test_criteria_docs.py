"""X1: the language reference (docs/criteria-language.md) lists exactly the registry's
fields and relations, and its examples parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rapport.criteria import parse
from rapport.criteria.subjects import reference_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "criteria-language.md"


def test_x1_the_field_tables_are_the_registry():
    """Regenerate the part between the markers with fields.reference_tables()."""
    text = DOC.read_text()
    generated = text.split("<!-- fields:begin -->\n")[1].split("<!-- fields:end -->")[0]
    assert generated == reference_tables()


def _examples() -> list[str]:
    block = re.search(r"```\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block is not None
    return block.group(1).strip().splitlines()


@pytest.mark.parametrize("text", _examples())
def test_x1_the_documented_examples_parse(text):
    assert parse(text)

"""X1: the language reference (docs/criteria-language.md) lists exactly the operators and the
registry's fields and relations of every subject, shows the JSON Schema the code gives, and
its examples parse."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rapport.criteria import parse
from rapport.criteria.reference import generated, reference_tables, schema_text
from rapport.criteria.subjects import SUBJECTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "criteria-language.md"


def test_x1_the_field_tables_are_the_registry():
    """Regenerate the part between the markers with `make docs`."""
    assert generated(DOC.read_text(), "fields") == reference_tables()


def test_x1_the_field_tables_cover_every_subject_and_alias():
    text = generated(DOC.read_text(), "fields")
    for subject in SUBJECTS.values():
        for field in subject.fields.values():
            for name in (field.name, *field.aliases):
                assert f"`{name}`" in text
    assert "### Subject `interaction_log_entries`" in text
    assert "`template` or `interaction_template_code`" in text


def test_x1_the_documented_json_schema_is_the_code_s():
    assert generated(DOC.read_text(), "schema") == schema_text()


def _examples() -> list[str]:
    block = re.search(r"```\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert block is not None
    return block.group(1).strip().splitlines()


@pytest.mark.parametrize("text", _examples())
def test_x1_the_documented_examples_parse(text):
    assert parse(text)

"""K4, X9: a value that names no record says Business Central's sentence for that record,
whichever door it came through (a file's row, a code table's form, the setup): every table
a reference of the import or the setup names, and every code table, has its caption and
the captions of its key fields, so no reference falls through to a bare KeyError."""

from __future__ import annotations

import pytest

from rapport.services.setup.codes import CODE_TABLES
from rapport.services.setup.marketing import setup_spec
from rapport.services.transfer.tables import (
    KEY_CAPTIONS,
    RECORD_CAPTIONS,
    TABLES,
    Reference,
    missing_row,
)
from rapport.storage import schema

REFERENCES = [
    pytest.param(ref, id=f"{spec.name}.{'+'.join(ref.columns)}")
    for spec in (*TABLES.values(), setup_spec())
    for ref in spec.references
    if ref.rule is None
]


@pytest.mark.parametrize("ref", REFERENCES)
def test_k4_every_reference_says_bcs_sentence_for_the_record_it_names(ref: Reference):
    values = [f"V{number}" for number in range(len(ref.columns))]
    said = str(ref.message(*values))
    assert said.startswith(f"The {RECORD_CAPTIONS[ref.table.name].template} does not exist. ")
    assert all(
        f"{KEY_CAPTIONS[name].template}='{value}'" in said
        for name, value in zip(ref.target, values, strict=True)
    )


@pytest.mark.parametrize("table", CODE_TABLES)
def test_x9_every_code_table_names_its_missing_row_by_its_key_fields(table: str):
    key = {column.name: "X" for column in schema.metadata.tables[table].primary_key.columns}
    assert str(missing_row(schema.metadata.tables[table], key)).startswith(
        f"The {RECORD_CAPTIONS[table].template} does not exist. Identification fields and values: "
    )


def test_k4_a_reference_of_two_fields_names_both():
    (ref,) = (
        ref
        for ref in TABLES["contact_profile_answers"].references
        if ref.table.name == "profile_questionnaire_lines"
    )
    assert str(ref.message("CUSTOMER", 99)) == (
        "The Profile Questionnaire Line does not exist. Identification fields and values: "
        "Profile Questionnaire Code='CUSTOMER',Line No.='99'"
    )

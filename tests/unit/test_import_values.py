"""K4: cells to values, one at a time and a column at a time, and back to cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rapport.domain.rules import CONTACT_EMAIL, PLAIN_ASCII_ADDRESS
from rapport.errors import Invalid
from rapport.services.transfer import tables as import_tables
from rapport.services.transfer._values import NORMAL_ASCII_CODE, BadChunk, _normal_codes
from rapport.services.transfer.files import cell_text
from rapport.storage.schema import fold, fold_many, upper_many


def column(table: str, name: str):
    return import_tables.TABLES[table].column(name)


@pytest.mark.parametrize(
    ("table", "name", "cell", "value"),
    [
        ("contacts", "no", " c1 ", "C1"),
        ("contacts", "name", " Acme ", " Acme "),
        ("contacts", "type", "Person", "person"),
        ("contacts", "type", "", "company"),
        ("contacts", "correspondence_type", "", ""),
        ("contacts", "excluded", "YES", True),
        ("contacts", "excluded", "0", False),
        ("contacts", "excluded", "", False),
        ("contacts", "created", "2026-01-02", dt.date(2026, 1, 2)),
        ("contacts", "created", "", None),
        ("profile_questionnaire_lines", "line_no", "30", 30),
        ("profile_questionnaire_lines", "from_value", "1.5", Decimal("1.5")),
        ("interaction_log_entries", "time_of_interaction", "10:30:00", dt.time(10, 30)),
        ("interaction_log_entries", "cost", "", Decimal(0)),
    ],
)
def test_k4_a_cell_converts_the_same_alone_and_in_a_column(table, name, cell, value):
    spec = column(table, name)
    assert spec.converter()(cell) == value
    assert list(spec.column_converter()([cell, cell])) == [value, value]
    assert spec.converter()(spec.cell(value)) == value


@pytest.mark.parametrize(
    ("table", "name", "cell"),
    [
        ("contacts", "no", "C" * 21),
        ("contacts", "no", " "),
        ("contacts", "type", "persoon"),
        ("contacts", "excluded", "maybe"),
        ("contacts", "created", "2026-02-30"),
        ("contacts", "created", "2026-W01-1"),
        ("profile_questionnaire_lines", "line_no", "3.5"),
        ("profile_questionnaire_lines", "line_no", ""),
        ("profile_questionnaire_lines", "from_value", "NaN"),
    ],
)
def test_k4_a_bad_cell_fails_alone_with_a_reason_and_fails_its_column(table, name, cell):
    spec = column(table, name)
    with pytest.raises(ValueError, match=r".+"):
        spec.converter()(cell)
    with pytest.raises(BadChunk):
        spec.column_converter()(["", cell] if spec.required else [cell])


def test_k4_link_tables_name_the_contact_by_its_no():
    spec = import_tables.TABLES["contact_mailing_groups"]
    assert [c.name for c in spec.columns] == ["contact_no", "mailing_group_code"]
    assert spec.key == ("contact_no", "mailing_group_code")


def test_k4_an_unknown_table_names_the_choices():
    with pytest.raises(Invalid, match=r"choose one of .*contacts"):
        import_tables.get("planets")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (dt.datetime(2026, 1, 2), "2026-01-02"),
        (dt.datetime(2026, 1, 2, 10, 30), "2026-01-02T10:30:00"),
        (3.0, "3"),
        (2.5, "2.5"),
        (dt.time(9, 5), "09:05:00"),
    ],
)
def test_k4_excel_cells_read_as_the_text_a_csv_would_hold(value, text):
    assert cell_text(value) == text


@given(st.lists(st.one_of(st.none(), st.text()), max_size=30))
def test_k4_a_column_folds_and_upper_cases_as_each_cell_does(texts):
    """The import's copies: a column at a time (joined, changed, split in C) gives the
    same as each cell alone, blanks (None) and NUL characters included."""
    assert fold_many(texts) == [fold(text) for text in texts]
    assert upper_many(texts) == [(text or "").upper() for text in texts]


def test_k4_an_address_holding_a_line_break_is_not_read_as_two():
    """The joined pass took `a@b.example\\nc@d.example` for two plain values."""
    assert CONTACT_EMAIL.any_broken(["a@b.example\nc@d.example"])
    assert CONTACT_EMAIL.broken("a@b.example\nc@d.example")
    assert not CONTACT_EMAIL.any_broken(["a@b.example", "", "c@d.example"])


ascii_text = st.text(st.characters(max_codepoint=127), max_size=12)


@given(ascii_text)
def test_k4_arrow_takes_an_address_only_where_the_rule_takes_it(text):
    """Arrow's pattern (RE2) of one plain address or blank accepts no ASCII value the
    e-mail rule refuses (where it refuses one the rule takes, the rule decides)."""
    if pc.match_substring_regex(pa.array([text]), PLAIN_ASCII_ADDRESS)[0].as_py():
        assert not CONTACT_EMAIL.broken(text)
        assert not CONTACT_EMAIL.any_broken([text])


@given(ascii_text)
def test_k4_arrow_tells_a_normal_code_as_python_does(text):
    """On ASCII text Arrow's test of a code that needs no change is `_normal_codes`."""
    cells = pa.array([text])
    arrow = pc.match_substring_regex(cells, NORMAL_ASCII_CODE)[0].as_py() and text.upper() == text
    assert arrow == _normal_codes([text])

"""Number series (SPEC §2 Setup): list with the number each gives next, add and change one;
bad input names its field and changes nothing; the next number taken follows the change."""

from __future__ import annotations

import pytest

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.setup import forms, series
from rapport.storage.number_series import next_no
from rapport.storage.tables import SegmentHeader


def test_a_series_is_added_changed_and_gives_its_next_number(sessions):
    made = series.add_series(
        sessions, " quote ", values=[("description", "Quotes"), ("starting_no", "QU0001")]
    )
    assert (made.code, made.next_no, made.manual_nos) == ("QUOTE", "QU0001", False)
    changed = series.set_series(
        sessions, "QUOTE", values=[("last_no_used", "QU0041"), ("manual_nos", "true")]
    )
    assert (changed.next_no, changed.manual_nos) == ("QU0042", True)
    with sessions.begin() as session:
        assert next_no(session, "QUOTE", SegmentHeader.no) == "QU0042"
    assert series.get(sessions, "QUOTE").last_no_used == "QU0042"
    assert "QUOTE" in [item.code for item in series.get_all(sessions)]


@pytest.mark.parametrize(
    ("call", "error", "field"),
    [
        (
            lambda s: series.add_series(s, "Q", values=[("description", "x")]),
            Invalid,
            "starting_no",
        ),
        (
            lambda s: series.add_series(s, "Q", values=[("starting_no", "QU")]),
            Invalid,
            "starting_no",
        ),
        (lambda s: series.add_series(s, "SEG", values=[("starting_no", "S1")]), Conflict, None),
        (lambda s: series.set_series(s, "SEG", values=[("last_no", "S1")]), Invalid, "last_no"),
        (lambda s: series.set_series(s, "NOPE", values=[("description", "x")]), NotFound, None),
        (lambda s: series.add_series(s, "X" * 21, values=[("starting_no", "X1")]), Invalid, "code"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(sessions, call, error, field):
    before = series.get_all(sessions)
    with pytest.raises(error) as raised:
        call(sessions)
    assert getattr(raised.value, "field", None) == field
    assert series.get_all(sessions) == before


def test_the_forms_offer_exactly_the_fields_the_services_accept():
    assert [f.name for f in forms.series_fields()] == [
        "description",
        "starting_no",
        "last_no_used",
        "manual_nos",
    ]
    setup = {f.name: f.kind for f in forms.setup_fields()}
    assert setup["inherit_language_code"] == "bool"
    assert setup["default_correspondence_type"] == "enum"
    assert [f.name for f in forms.code_table_fields("salespeople")] == ["name", "email", "blocked"]

"""K1, K4: the domain rules on one cell (domain/rules.py) give the same answer value by
value, as a service applies them, and over a whole chunk, as the import does."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.domain.rules import CONTACT_EMAIL, DATE_FORM, TEXT_LENGTH


@pytest.mark.parametrize(
    ("values", "broken"),
    [
        (["ann@example.com", "", "b.c@d.be"], False),  # the one-pass path
        (["ann@example.com; bob@example.com", " ann@example.com "], False),  # value by value
        (["ann@example.com", "ann at example.com"], True),
        (["ann@@example.com"], True),
        (["@example.com"], True),
        (["ann@"], True),
        (["ann@example.com;bob"], True),
    ],
)
def test_k4_an_email_chunk_is_broken_when_one_of_its_values_is(values, broken):
    assert CONTACT_EMAIL.any_broken(values) is broken
    assert any(map(CONTACT_EMAIL.broken, values)) is broken


@pytest.mark.parametrize(
    ("text", "date"),
    [("2026-03-01", dt.date(2026, 3, 1)), ("20260301", None), ("2026-3-1", None), ("", None)],
)
def test_k1_a_date_is_written_yyyy_mm_dd(text, date):
    if date is None and text:
        with pytest.raises(ValueError, match=text):
            DATE_FORM.parse(text)
    else:
        assert DATE_FORM.check("created", text) == date


def test_k4_a_long_value_is_shown_cut_in_its_message():
    assert str(TEXT_LENGTH.message("x" * 31, 30)) == f"{'x' * 31!r} is longer than 30 characters"
    assert str(TEXT_LENGTH.message("y" * 50, 30)) == f"{'y' * 20!r}… is longer than 30 characters"
    assert not TEXT_LENGTH.broken("z" * 50, None)

"""X7: the reasons an add leaves a candidate out are declared once (`domain.skip_reasons`):
an add's `skipped` counts, the rules' order, the command line's and the pages' sentences are
read from there."""

from __future__ import annotations

from dataclasses import fields

import pytest

from rapport.domain import skip_reasons
from rapport.domain.skip_reasons import REASON_NAMES, left_out
from rapport.errors import said
from rapport.services.segments.results import Skipped
from rapport.web import captions


def test_x7_an_adds_skipped_counts_one_field_per_reason():
    assert {field.name for field in fields(Skipped)} == set(REASON_NAMES)
    assert Skipped(excluded=1, opted_out=2) + Skipped(excluded=3, privacy_blocked=4) == Skipped(
        excluded=4, privacy_blocked=4, opted_out=2
    )


def test_x7_the_reasons_are_in_the_order_a_candidate_is_counted():
    """A candidate privacy blocked and excluded is counted as privacy blocked (reference
    §2.5): the block first, then the opt-out, then the exclusion an add may ignore."""
    assert REASON_NAMES == ("privacy_blocked", "opted_out", "excluded")


@pytest.mark.parametrize(
    ("counts", "sentence"),
    [
        ({}, "Left out by exclusion or consent: none."),
        (
            {"excluded": 1, "opted_out": 0},
            "Left out by exclusion or consent: 1 excluded from segments.",
        ),
        (
            {"excluded": 2, "privacy_blocked": 1, "opted_out": 3, "lines": 9},
            "Left out by exclusion or consent: 1 privacy blocked, 3 opted out of the"
            " correspondence type, 2 excluded from segments.",
        ),
        (
            {"privacy_blocked": None, "excluded": 5},
            "Left out by exclusion or consent: 5 excluded from segments.",
        ),
    ],
)
def test_x7_the_left_out_sentence_counts_each_reason_in_its_own_words(counts, sentence):
    assert said(left_out(counts)) == sentence


def test_x7_the_sentence_is_said_in_the_readers_language():
    dutch = {
        "Left out by exclusion or consent: {reasons}.": (
            "Weggelaten door uitsluiting of toestemming: {reasons}."
        ),
        "{count} excluded from segments": "{count} uitgesloten van segmenten",
        "{count} privacy blocked": "{count} geblokkeerd voor privacy",
    }
    text = left_out({"privacy_blocked": 1, "excluded": 2})
    assert said(text, lambda template: dutch.get(template, template)) == (
        "Weggelaten door uitsluiting of toestemming: 1 geblokkeerd voor privacy,"
        " 2 uitgesloten van segmenten."
    )


def test_x3_x7_the_pages_read_the_reasons_from_the_domain():
    """The explanation's sentences by reason, and an add's sentence (none when it left no
    candidate out), for a `Skipped` or for the counts the card's address carries."""
    assert captions.SKIP_REASONS["excluded"] == (
        "An add leaves it out: the contact is excluded from segments."
    )
    assert list(captions.SKIP_REASONS) == ["privacy_blocked", "opted_out", "excluded"]
    assert captions.left_out(Skipped()) is None
    assert captions.left_out({"added": 2, "excluded": None, "lines": 2}) is None
    assert said(captions.left_out(Skipped(opted_out=1))) == said(
        skip_reasons.left_out({"opted_out": 1})
    )
    assert said(captions.left_out({"added": 1, "excluded": 1, "lines": 1})) == (
        "Left out by exclusion or consent: 1 excluded from segments."
    )

"""K5: the duplicate search scores a chunk of pairs at once (`scores`, rapidfuzz's `cpdist`
and numpy) exactly as it scores one pair (`score`): the same pairs from the minimum score
on, the same scores and the same reasons, on random values."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from rapport.domain import duplicates as rules

# Few values, so that random pairs often match; accents, case, legal forms and punctuation
# among them, so that normalised values meet.
NAMES = [
    "Acme Trading NV",
    "ACME trading",
    "Acme Tradin",
    "Ács B.V.",
    "Maes Camille",
    "Camille Maes",
    "Camille Mae",
    "",
]
EMAILS = ["a@x.be", "A@X.BE", "b@x.be", "nomail", ""]
PHONES = ["+32 2 123 45 67", "02/123.45.67", "02 123 45 68", "123", ""]
VAT_NOS = ["BE 0123.456.789", "be0123456789", "BE0999", "x", ""]
ADDRESSES = ["Kerkstraat 1", "kerkstraat 1.", "Kerkstr. 1", "Rue Haute 5", ""]
POST_CODES = ["1000", "2000", ""]

contact = st.builds(
    rules.compared,
    type=st.sampled_from(["company", "person"]),
    name=st.one_of(st.sampled_from(NAMES), st.text(max_size=12)),
    email=st.sampled_from(EMAILS),
    phone=st.sampled_from(PHONES),
    vat_no=st.sampled_from(VAT_NOS),
    address=st.one_of(st.sampled_from(ADDRESSES), st.text(max_size=12)),
    post_code=st.sampled_from(POST_CODES),
)
weights = st.builds(
    rules.Weights,
    name=st.integers(0, 100),
    email=st.integers(0, 100),
    phone=st.integers(0, 100),
    vat_no=st.integers(0, 100),
    address=st.integers(0, 100),
)


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(contact, contact), max_size=30),
    weights=weights,
    floor=st.integers(0, 100),
)
def test_k5_a_chunk_of_pairs_scores_as_each_pair_alone(pairs, weights, floor):
    expected = []
    for row, (one, other) in enumerate(pairs):
        points, reasons = rules.score(one, other, weights)
        if points >= floor:
            expected.append((row, points, reasons))
    assert rules.scores(rules.chunk(pairs), weights, floor) == expected


@settings(max_examples=200, deadline=None)
@given(
    pairs=st.lists(st.tuples(contact, contact), min_size=1, max_size=30),
    weights=weights,
    floor=st.integers(0, 100),
)
def test_k5_a_pair_whose_addresses_are_not_compared_cannot_reach_the_minimum(pairs, weights, floor):
    chunk = rules.chunk(pairs)
    same = np.array(chunk.same, dtype=np.bool_).reshape(len(pairs), 3)
    reachable = rules.reachable(rules.similarity(*chunk.names), same, weights, floor)
    for row, (one, other) in enumerate(pairs):
        if not reachable[row]:
            assert rules.score(one, other, weights)[0] < floor

"""K5 property: the duplicate search (contacts normalised and keyed in temporary tables,
pairs built per blocking key in SQL, scored a chunk at once) finds exactly the pairs, scores
and reasons of a plain comparison in Python: every two contacts sharing a blocking key held
by at most `MAX_BLOCK` contacts, scored one pair at a time. On random contacts added to the
demo, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from rapport.demo import company
from rapport.domain import duplicates as rules
from rapport.services.contacts.duplicates import find_duplicates, weights
from rapport.storage import tables as t

PREFIX = "HYP"
# Few values, so that random contacts often share keys; accents, case, legal forms and
# punctuation among them, so that values meet only once normalised.
NAMES = [
    "Acme Trading NV",
    "ACME trading",
    "Acme Tradin",
    "Ács B.V.",
    "Camille Maes",
    "Maes Camille",
    "Camille Mae",
]
EMAILS = ["a@x.be", " A@X.BE", "b@x.be", "nomail", ""]
PHONES = ["+32 2 123 45 67", "02/123.45.67", "02 123 45 68", "123", ""]
VAT_NOS = ["BE 0123.456.789", "be0123456789", "BE0999", ""]
ADDRESSES = ["Kerkstraat 1", "kerkstraat 1.", "Kerkstr. 1", "Rue Haute 5", ""]

contact = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["company", "person"]),
        "name": st.one_of(st.sampled_from(NAMES), st.text("abcé .", max_size=10)),
        "email": st.sampled_from(EMAILS),
        "phone": st.sampled_from(PHONES),
        "vat_no": st.sampled_from(VAT_NOS),
        "address": st.sampled_from(ADDRESSES),
        "post_code": st.sampled_from(["1000", "2000", ""]),
    }
)
COMPARED = ("type", "name", "email", "phone", "vat_no", "address", "post_code")


@pytest.fixture
def demo(sessions):
    company.load_demo(sessions)
    return sessions


def pairwise(sessions, floor: int) -> tuple[int, set[tuple[frozenset[str], int, tuple[str, ...]]]]:
    """The plain comparison: the pairs compared, and those scoring from `floor`."""
    contacts = t.Contact.__table__
    with sessions() as session:
        setup = weights(session)
        rows = session.execute(select(contacts.c.no, *(contacts.c[n] for n in COMPARED))).all()
    values = {row[0]: rules.compared(**dict(zip(COMPARED, row[1:], strict=True))) for row in rows}
    holders = defaultdict(set)
    for no, one in values.items():
        for key in rules.blocking_keys(one):
            holders[key].add(no)
    pairs = {
        frozenset(pair)
        for nos in holders.values()
        if len(nos) <= rules.MAX_BLOCK
        for pair in combinations(sorted(nos), 2)
    }
    found = set()
    for pair in pairs:
        first, second = sorted(pair)
        points, reasons = rules.score(values[first], values[second], setup)
        if points >= floor:
            found.add((pair, points, reasons))
    return len(pairs), found


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(added=st.lists(contact, max_size=25), floor=st.sampled_from([1, 40, 60, 95]))
def test_k5_the_search_finds_exactly_the_pairs_of_a_plain_comparison(demo, added, floor):
    contacts = t.Contact.__table__
    with demo.begin() as session:
        session.execute(delete(contacts).where(contacts.c.no.startswith(PREFIX)))
        rows = [{"no": f"{PREFIX}{index:04d}", **values} for index, values in enumerate(added)]
        if rows:
            session.execute(insert(contacts), rows)
    search = find_duplicates(demo, min_score=floor)
    found = {
        (frozenset((pair.contact_no, pair.duplicate_no)), pair.score, pair.reasons)
        for pair in search.pairs
    }
    assert (search.compared, found) == pairwise(demo, floor)
    assert len(found) == len(search.pairs)

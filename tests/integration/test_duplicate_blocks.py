"""K5: the blocks of the duplicate search. A key held by one contact or by more than
`MAX_BLOCK` makes no pair; e-mail addresses are grouped by the address itself, so two
addresses whose hashes meet are neither one key nor "the same e-mail"."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import insert, select

from rapport.domain import duplicates as rules
from rapport.services.contacts._duplicate_values import _emails
from rapport.services.contacts.duplicates import find_duplicates
from rapport.storage import tables as t
from rapport.storage.db import SMALL_CACHE_KIB, reading, small_page_cache

PHONE = "+99 8765 4321"  # a number no demo contact has


def add_sharing_a_phone(sessions, count: int) -> None:
    """`count` persons of one initial who share only their phone (no address, names of
    different words, no e-mail): one block of "p:" keys."""
    rows = [
        {"no": f"BLK{index:03d}", "type": "person", "name": f"Qx {index:03d}", "phone": PHONE}
        for index in range(count)
    ]
    with sessions.begin() as session:
        session.execute(insert(t.Contact.__table__), rows)


@pytest.mark.parametrize(("holders", "pairs"), [(1, 0), (2, 1), (20, 190), (21, 0)])
def test_k5_a_key_makes_pairs_only_when_held_by_two_to_max_block_contacts(sessions, holders, pairs):
    before = find_duplicates(sessions, min_score=1).compared
    add_sharing_a_phone(sessions, holders)
    search = find_duplicates(sessions, min_score=1)
    assert rules.MAX_BLOCK == 20
    assert search.compared - before == pairs
    found = [pair for pair in search.pairs if pair.contact_no.startswith("BLK")]
    assert len(found) == pairs
    assert all(pair.reasons == ("same phone",) for pair in found)


def test_k5_e_mail_addresses_whose_hashes_meet_are_told_apart_by_the_address(sessions):
    emails = {"M1": "a@x.be", "M2": " A@X.BE", "M3": "b@x.be", "M4": "a@x.be"}
    types = {"M1": "person", "M2": "person", "M3": "person", "M4": "company"}
    with sessions.begin() as session:
        session.execute(
            insert(t.Contact.__table__),
            [
                {"no": no, "type": types[no], "name": no, "email": email}
                for no, email in emails.items()
            ],
        )
    with reading(sessions) as session:
        rows = session.execute(
            select(t.Contact.no, t.Contact.id).where(t.Contact.no.in_(emails)).order_by("no")
        ).all()
        ids = np.array([row.id for row in rows], dtype=np.int64)
        # Every hash the same: only the addresses themselves group. Every hash apart (or
        # none): no group at all.
        key, same = _emails(session, ids, np.array([7, 7, 7, 7], dtype=np.int64))
        lone_key, lone_same = _emails(session, ids, np.array([7, 5, 0, 9], dtype=np.int64))
    m1, m2, m3, m4 = range(4)
    assert key[m1] == key[m2] >= 0
    assert key[m3] not in (key[m1], -1)
    assert key[m4] not in (key[m1], -1)  # a company's key is not a person's
    assert same[m1] == same[m2] == same[m4] > 0
    assert same[m3] not in (same[m1], 0)
    assert lone_key.tolist() == [-1, -1, -1, -1]
    assert lone_same.tolist() == [0, 0, 0, 0]


def test_k5_the_search_reads_through_a_small_page_cache_then_gives_the_connection_its_own(
    sqlite_sessions,
):
    with reading(sqlite_sessions) as session:
        connection = session.connection()

        def cache_size() -> int:
            return int(connection.exec_driver_sql("PRAGMA cache_size").scalar_one())

        before = cache_size()
        with small_page_cache(session):
            assert cache_size() == -SMALL_CACHE_KIB
        assert cache_size() == before == -64000
    # The search itself leaves the pooled connection's cache as it found it.
    find_duplicates(sqlite_sessions)
    with reading(sqlite_sessions) as session:
        assert session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one() == -64000

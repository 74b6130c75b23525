"""The preview accelerator's columns looked up a slice of ids at a time (X2, SPEC §9, issue
15 item 2): a contact's company, the persons of companies and the first contacts in line
order come out as a whole-column lookup gives them, across slices and with coarse ranks."""

from __future__ import annotations

import numpy as np
from pyroaring import BitMap

from rapport.services.segments import _accel_build
from rapport.services.segments._accel_state import Index

TOP = 3 * _accel_build.SLICE + 1234  # ids over four slices


def _index() -> tuple[Index, np.ndarray]:
    pick = np.random.default_rng(5)
    index = Index()
    companies = np.sort(pick.choice(TOP, 2_000, replace=False))
    company = np.where(pick.random(TOP) < 0.9, pick.choice(companies, TOP), -1)
    company[companies] = companies  # a company names itself
    index.owner = (company + 1).astype(np.uint32)
    index.universe = BitMap(np.flatnonzero(pick.random(TOP) < 0.8).astype(np.uint32))
    order = pick.permutation(TOP)  # the line order: place of each id
    index.shift = 5  # runs of 32 contacts share a rank
    index.rank = (order >> index.shift).astype(np.uint16)
    return index, order


def test_x2_persons_and_companies_across_slices():
    index, _order = _index()
    company = index.owner.astype(np.int64) - 1
    chosen = BitMap(np.unique(company[company >= 0])[::7].astype(np.uint32))
    expected = {i for i in index.universe if company[i] >= 0 and int(company[i]) in chosen}
    assert set(index.persons_of(chosen)) == expected
    some = BitMap(range(0, TOP, 3))
    assert set(index.companies_of(some)) == {int(company[i]) for i in some if company[i] >= 0}


def test_x2_first_in_line_order_across_slices_with_coarse_ranks():
    index, order = _index()
    index.dirty = BitMap([5, 700_001])
    for step in (1, 13, 9_973):
        chosen = BitMap(range(2, TOP, step)) & index.universe
        picked = index.first_in_line_order(chosen, 10)
        first = sorted(chosen, key=lambda i: order[i])[:10]
        assert set(first) <= set(picked)  # a superset: the database orders the few
        assert set(picked) <= set(chosen)
        assert len(picked) <= 10 + 2 * 2**index.shift * 4 + len(index.dirty)

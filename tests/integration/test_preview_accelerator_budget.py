"""The preview accelerator within its memory budget (X2, SPEC §9, issue 15 item 2): the
columns that criteria needing a scan read are kept only when their estimated size fits what
the budget leaves after the code bitmaps, smallest first; criteria on a column not kept are
handed to SQL, the code criteria are still answered in memory, and every answer is SQL's.
The build streams rows into bitmaps a block at a time (`Grouper`): grouped in blocks of
any size, the bitmaps are those of all rows at once."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sqlalchemy import select

from rapport.criteria.value import Criteria
from rapport.services.segments import _accel_build, _accel_preview, actions
from rapport.services.segments._accel_state import Limits, text_fields
from rapport.services.segments.accelerator import Accelerator, server_limits
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from rapport.storage.db import reading
from tests.integration.test_preview_accelerator import ask
from tests.integration.test_preview_accelerator_scans import build_scan_world

SCAN = "city matches '*burg*' or interaction(date >= 2026-01-01)"
CODES = "country = BE or mailing_group = NEWSLETTER"


def _built(sessions, budget: int) -> Accelerator:
    accelerator = Accelerator(sessions, limits=Limits(budget=budget))
    accelerator.build()
    return accelerator


def _handed_over(sessions, accelerator: Accelerator, criteria: str) -> bool:
    with reading(sessions) as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == "SEG1")).one()
        found = _accel_preview.add_preview(
            accelerator, session, header, Criteria.parse(criteria), AddOptions()
        )
    return found is None


def test_x2_no_column_of_a_scan_past_the_budget_and_sql_answers_for_them(scan_world_plain):
    sessions = scan_world_plain
    accelerator = _built(sessions, budget=0)
    try:
        index = accelerator.index
        assert index is not None
        assert index.texts == {}
        assert index.dated is None
        assert index.fields  # the code part is kept whatever the budget
        assert index.relations
        assert _handed_over(sessions, accelerator, SCAN)
        ask(sessions, accelerator, ("add", Criteria.parse(CODES).tree, AddOptions()))
        fast = actions.add_contacts(
            sessions, "SEG1", criteria=SCAN, user="U", preview=True, accelerator=accelerator
        )
        assert fast == actions.add_contacts(sessions, "SEG1", criteria=SCAN, user="U", preview=True)
    finally:
        accelerator.close()


def test_x2_columns_of_scans_kept_smallest_first_within_the_budget(scan_world_plain):
    sessions = scan_world_plain
    whole = _built(sessions, budget=2**40)
    index = whole.index
    assert index is not None
    everything = index.memory_by_part()
    whole.close()
    assert {f"text {c}" for c in text_fields()} <= set(everything)
    assert "interaction dates" in everything
    with reading(sessions) as session:
        folded = {column: str(item.folded) for column, item in text_fields().items()}
        sizes = _accel_build.scan_sizes(session, folded, index.universe, len(index.owner))
    codes = sum(v for k, v in everything.items() if not k.startswith(("text ", "interaction")))
    smallest = sorted(sizes, key=lambda key: (sizes[key], key))
    budget = codes + sizes[smallest[0]] + sizes[smallest[1]]
    some = _built(sessions, budget=budget)
    try:
        assert some.index is not None
        kept = {k for k in some.index.memory_by_part() if k.startswith(("text ", "interaction"))}
        named = {"": "interaction dates"} | {c: f"text {c}" for c in text_fields()}
        assert kept
        assert kept <= {named[part] for part in smallest[:2]}
        assert some.index.memory() <= budget
        for criteria in (SCAN, "city matches '*e*'", "name matches '@*son*'", CODES):
            fast = actions.add_contacts(
                sessions, "SEG1", criteria=criteria, user="U", preview=True, accelerator=some
            )
            slow = actions.add_contacts(sessions, "SEG1", criteria=criteria, user="U", preview=True)
            assert fast == slow, criteria
    finally:
        some.close()


def test_x2_text_sizes_estimated_from_a_sample():
    """A column of unique values is estimated at one value per contact; one of a few
    repeated values at about what the sample saw."""
    unique = [(f"m{i}@x.example", f"m{i}@x.example") for i in range(1000)]
    assert _accel_build._text_size(unique, 100_000, 100_001) >= 100_000 * len("m999@x.example")
    pick = random.Random(3)
    cities = [(c, c.lower()) for c in (pick.choice(["Gent", "Leeds", "Evry"]) for _ in range(1000))]
    size = _accel_build._text_size(cities, 100_000, 100_001)
    assert 100_001 <= size <= 100_001 + 3 * 2 * 5 * 2  # a byte per contact, 3 values


@pytest.mark.parametrize("block", [1, 3, 1000])
def test_x2_rows_grouped_in_blocks_give_the_bitmaps_of_all_rows(block):
    pick = random.Random(block)
    ids = np.array(pick.sample(range(1, 5000), 700), np.uint32)
    codes = [pick.choice(["A", "B", "C", ""]) for _ in ids]
    flags = [pick.random() < 0.2 for _ in ids]
    nulls = [None if n == 5 else "X" for n in range(len(ids))]
    group = _accel_build.Grouper(3, cap=None, block=block)
    for start in range(0, len(ids), 64):
        end = start + 64
        group.add(ids[start:end], [codes[start:end], flags[start:end], nulls[start:end]])
    for place, values in ((0, codes), (1, flags)):
        expected: dict[object, set[int]] = {}
        for who, value in zip(ids.tolist(), values, strict=True):
            expected.setdefault(value, set()).add(who)
        found = group.grouped(place)
        assert found is not None
        assert {value: set(bitmap) for value, bitmap in found.items()} == expected
    assert group.grouped(2) is None  # a NULL: left to SQL
    capped = _accel_build.Grouper(1, cap=2, block=block)
    capped.add(ids, [codes])
    assert capped.grouped(0) is None  # past its cap of values


@pytest.fixture
def scan_world_plain(sessions):
    """The scan tests' world (texts, dated entries, two segments), no accelerator built."""
    build_scan_world(sessions)
    return sessions


def test_x2_columns_of_scans_kept_only_within_the_servers_resident_set(scan_world_plain):
    """`rapport serve` bounds its whole resident set too (300 MB): a scan's column that
    would take the process past it is not read, the code part is kept."""
    sessions = scan_world_plain
    assert server_limits().resident == 300 * 2**20
    tight = Accelerator(sessions, limits=Limits(resident=1))  # past it already
    tight.build()
    try:
        assert tight.index is not None
        assert tight.index.texts == {}
        assert tight.index.dated is None
        assert tight.index.fields
        assert _handed_over(sessions, tight, SCAN)
    finally:
        tight.close()
    roomy = Accelerator(sessions, limits=Limits(resident=2**40))
    roomy.build()
    try:
        assert roomy.index is not None
        assert set(roomy.index.texts) == set(text_fields())
        assert not _handed_over(sessions, roomy, SCAN)
    finally:
        roomy.close()

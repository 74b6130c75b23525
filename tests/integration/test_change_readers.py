"""Change readers (X2, X4; migration 0010): while the server's preview accelerator is
registered, the triggers record every change even with no dynamic segment, pruning keeps
what it has not read, a reader gone stale is dropped (the log cannot grow forever) and the
accelerator then reads its base state again; criteria it cannot answer go to SQL."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import func, select, update

from rapport.criteria.value import Criteria
from rapport.services.segments import _accel_preview, actions
from rapport.services.segments.accelerator import Accelerator
from rapport.services.segments.results import AddOptions
from rapport.storage import changes
from rapport.storage import tables as t
from rapport.storage.db import reading
from tests.factories import make_segment
from tests.integration.accel_world import build_accel_world

contacts = t.Contact.__table__
log = t.ContactChange.__table__


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_accel_world(session, persons=12)
        make_segment(session, "SEG1")
    actions.add_contacts(sessions, "SEG1", criteria="country = BE", user="U")
    return sessions


def _touch(sessions, country: str = "NL") -> None:
    with sessions.begin() as session:
        first = session.scalar(select(func.min(contacts.c.id)))
        session.execute(update(contacts).where(contacts.c.id == first).values(country=country))


def _logged(sessions) -> int:
    with sessions.begin() as session:
        return int(session.scalar(select(func.count()).select_from(log)) or 0)


def _add_preview(sessions, accelerator, text: str):
    with reading(sessions) as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == "SEG1")).one()
        return _accel_preview.add_preview(
            accelerator, session, header, Criteria.parse(text), AddOptions()
        )


def test_x2_a_registered_reader_makes_the_triggers_record_and_its_close_stops_them(world):
    _touch(world, "DE")
    assert _logged(world) == 0  # no dynamic segment, no reader: nothing recorded
    accelerator = Accelerator(world)
    accelerator.build()
    _touch(world, "NL")
    assert _logged(world) == 1
    accelerator.close()
    _touch(world, "BE")
    assert _logged(world) == 1


def test_x2_pruning_keeps_the_changes_a_reader_has_not_read(world):
    accelerator = Accelerator(world)
    accelerator.build()
    _touch(world, "NL")
    _touch(world, "DE")
    with world.begin() as session:
        top = changes.watermark(session)
        assert changes.prune(session, upto=top) == 0  # the reader has read none of them
    assert _add_preview(world, accelerator, "country = DE") is not None  # reads both
    accelerator.seen_at = dt.datetime.min  # the heartbeat is due
    accelerator.heartbeat()
    assert _logged(world) == 0
    accelerator.close()


def test_x2_a_stale_reader_is_dropped_and_the_accelerator_reads_its_base_again(world):
    accelerator = Accelerator(world)
    accelerator.build()
    with world.begin() as session:
        session.execute(update(changes.change_readers).values(seen_at=dt.datetime(2000, 1, 1)))
    _touch(world, "DE")
    with world.begin() as session:
        changes.prune(session, upto=changes.watermark(session))  # drops the stale reader
    assert _logged(world) == 0
    assert _add_preview(world, accelerator, "country = DE") is None  # hands over, rebuilds
    assert accelerator.thread is not None
    accelerator.thread.join()
    fast = _add_preview(world, accelerator, "country = DE")
    slow = actions.add_contacts(world, "SEG1", criteria="country = DE", user="U", preview=True)
    assert fast == slow
    accelerator.close()


@pytest.mark.parametrize(
    "text",
    [
        "search_name matches '*A*'",
        "interaction(date >= 2026-01-01 and cost > 0)",
        "profile(answer = 'yes')",
        "created >= 2026-01-01",
        "web_source(search_word = 'x')",
    ],
)
def test_x2_criteria_the_accelerator_cannot_answer_go_to_sql(world, text):
    accelerator = Accelerator(world)
    accelerator.build()
    criteria = Criteria.parse(text)
    with reading(world) as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == "SEG1")).one()
        assert (
            _accel_preview.add_preview(accelerator, session, header, criteria, AddOptions()) is None
        )
    fast = actions.add_contacts(
        world, "SEG1", criteria=text, user="U", preview=True, accelerator=accelerator
    )
    assert fast == actions.add_contacts(world, "SEG1", criteria=text, user="U", preview=True)
    accelerator.close()


def test_x2_a_preview_does_not_wait_for_a_writer_appending_to_the_change_log(world):
    accelerator = Accelerator(world)
    accelerator.build()
    writer = world()
    writer.begin()
    try:
        first = writer.scalar(select(func.min(contacts.c.id)))
        writer.execute(update(contacts).where(contacts.c.id == first).values(country="DE"))
        started = time.monotonic()
        fast = actions.add_contacts(
            world, "SEG1", criteria="country = DE", user="U", preview=True, accelerator=accelerator
        )
        assert time.monotonic() - started < 10
        assert fast == actions.add_contacts(
            world, "SEG1", criteria="country = DE", user="U", preview=True
        )
    finally:
        writer.rollback()
        writer.close()
    accelerator.close()


def test_x2_x4_the_heartbeat_keeps_the_changes_a_dynamic_segment_has_not_read(world):
    accelerator = Accelerator(world)
    accelerator.build()
    with world.begin() as session:  # a dynamic segment refreshed before any change
        session.execute(
            update(t.SegmentHeader)
            .where(t.SegmentHeader.no == "SEG1")
            .values(dynamic=True, refreshed_seq=0)
        )
    _touch(world, "DE")
    assert _add_preview(world, accelerator, "country = DE") is not None  # the reader read it
    accelerator.seen_at = dt.datetime.min
    accelerator.heartbeat()
    assert _logged(world) == 1  # the dynamic segment's next refresh still needs it
    accelerator.close()

"""`rapport segment history` (X5) lists the membership log as `logged show` lists its
recipients: the first 50 events as text unless `--limit N` says otherwise, with a line on
stderr when more follow; `--json` streams every event, or the first N with `--limit`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.orm import sessionmaker

from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts, reduce
from rapport.storage.db import make_engine
from tests.factories import make_person
from tests.integration.segment_world import build_world

MORE = "… more events (--limit N, or --json)."


@pytest.fixture
def logged_world(sqlite_url):
    """SEG00001: 40 persons in DK added (action 1), P6 added (2), those in DK removed (3):
    81 events."""
    engine = make_engine(sqlite_url)
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        build_world(session)
        for number in range(1, 41):
            make_person(session, f"Q{number:02}", country="DK")
    segments.create_segment(sessions, description="Danes", user="ADMIN")
    add_contacts(sessions, "SEG00001", criteria="country = DK", user="ADMIN")
    add_contacts(sessions, "SEG00001", criteria="no = P6", user="ADMIN")
    reduce(sessions, "SEG00001", criteria="country = DK", user="ADMIN")
    engine.dispose()


def rows_of(out):
    """The table's rows: the lines after its header, each split into its cells."""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["action_no", "event", "contact_no"]
    return [line.split() for line in lines[1:]]


@pytest.mark.usefixtures("logged_world")
def test_x5_history_shows_50_events_as_text_and_says_more_follow(rapport):
    status, out, err = rapport("segment", "history", "SEG00001")
    assert status == 0, err
    shown = rows_of(out)
    assert len(shown) == 50
    assert shown[0][:3] == ["1", "entry", "Q01"]
    assert MORE in err


@pytest.mark.usefixtures("logged_world")
def test_x5_history_limit_shows_at_most_n_events(rapport):
    status, out, err = rapport("segment", "history", "SEG00001", "--limit", "3")
    assert status == 0, err
    assert [row[:3] for row in rows_of(out)] == [
        ["1", "entry", "Q01"],
        ["1", "entry", "Q02"],
        ["1", "entry", "Q03"],
    ]
    assert MORE in err
    status, out, err = rapport("segment", "history", "SEG00001", "--limit", "100")
    assert (status, len(rows_of(out))) == (0, 81)
    assert MORE not in err
    status, out, err = rapport("segment", "history", "SEG00001", "--contact", "Q05")
    assert [row[:3] for row in rows_of(out)] == [["1", "entry", "Q05"], ["3", "exit", "Q05"]]
    assert MORE not in err


@pytest.mark.usefixtures("logged_world")
def test_x5_history_json_streams_every_event_or_the_first_n(rapport):
    status, out, err = rapport("--json", "segment", "history", "SEG00001")
    assert (status, err) == (0, "")
    every = json.loads(out)
    assert [(e["action_no"], e["event"]) for e in every] == [(1, "entry")] * 40 + [
        (2, "entry"),
        *[(3, "exit")] * 40,
    ]
    status, out, _ = rapport("--json", "segment", "history", "SEG00001", "--limit", "5")
    assert (status, json.loads(out)) == (0, every[:5])


@pytest.mark.usefixtures("logged_world")
def test_x5_history_of_an_unknown_segment_says_so_and_writes_no_json(rapport):
    status, out, err = rapport("--json", "segment", "history", "SEG09999")
    assert (status, out) == (1, "")
    assert "The Segment does not exist. Identification fields and values: No.='SEG09999'" in err
    status, out, err = rapport("segment", "history", "SEG00001", "--limit", "-1")
    assert status == 1  # a bad option value is a user error (SPEC §6)
    assert "--limit" in err

"""Webhook events from the segment engine (X9; issue 12 item 8), on both engines, each
POSTed to a real loopback receiver: `segment.changed` from every action (add, reduce,
refine, manual add and remove, a line edit, undo, reuse criteria) with its counts,
`segment.logged` from the log and `delivery.finished` when its delivery ends; an action
that rolls back sends nothing."""

from __future__ import annotations

import pytest

from rapport.errors import NotFound
from rapport.services.segments import actions, header, history, line_edits, manual, reuse
from rapport.services.webhooks import dispatch, subscriptions
from tests.api.receiver import Receiver, receiver
from tests.api.test_webhooks import verify
from tests.integration.segment_world import build_world

EVERY = ["segment.changed", "segment.logged", "delivery.finished"]


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        build_world(session)
    return sessions


@pytest.fixture
def hook(world):
    """A receiver registered for every event type: (receiver, secret)."""
    with receiver() as found:
        made = subscriptions.add_webhook(world, url=found.url, events=EVERY, by="ADMIN")
        yield found, made.secret


def sent(sessions, hook: Receiver, count: int) -> list[dict]:
    """Send what is due and return the bodies of the first `count` events received."""
    dispatch.send_due(sessions, backoff=0.1)
    got = hook.wait_for(count)
    assert len(got) == count, [r.body for r in got]
    return [r.body for r in got]


def test_x9_every_segment_action_reports_segment_changed_with_its_counts(world, hook):
    receiving, secret = hook
    no = header.create_segment(world, description="Spring", user="ADMIN").no
    actions.add_contacts(world, no, criteria="country = BE", user="ADMIN")
    actions.add_contacts(world, no, criteria="country = NL", user="ADMIN", preview=True)
    actions.reduce(world, no, criteria="no = P6", user="ADMIN")
    actions.refine(world, no, criteria="company_no = ACME", user="ADMIN")
    manual.add_contact(world, no, contact_no="P3", user="ADMIN")
    manual.remove_contact(world, no, contact_no="P3", user="ADMIN")
    line_edits.set_line(world, no, 20000, values=[("description", "Hello")], user="MARY")
    history.go_back(world, no, to=1, user="ADMIN")
    reuse.save_criteria(world, no, code="BE", user="ADMIN")  # changes no line: no event
    other = header.create_segment(world, description="Again", user="ADMIN").no
    reuse.reuse_criteria(world, other, code="BE", user="ADMIN")
    events = sent(world, receiving, 8)
    assert {e["type"] for e in events} == {"segment.changed"}
    data = [e["data"] for e in events]
    assert [
        (d["segment_no"], d["action"], d.get("action_no"), d.get("added"), d.get("removed"))
        for d in data
    ] == [
        (no, "add", 1, 5, 0),  # ACME, P1, P2, P5, P6 (GAMMA and P4 are excluded)
        (no, "reduce", 2, 0, 1),
        (no, "refine", 3, 0, 1),
        (no, "add", 4, 1, 0),
        (no, "reduce", 5, 0, 1),
        (no, "line_edit", None, None, None),
        (no, "undo", 1, 3, 1),  # back to after action 1: three lines back, P3 out
        (other, "add", 1, 5, 0),
    ]
    assert [d["no_of_lines"] for d in data] == [5, 4, 3, 4, 3, 3, 5, 5]
    assert [d.get("manual") for d in data] == [False, False, False, True, True, None, None, False]
    assert (data[5]["line_no"], data[5]["fields"], data[5]["user"]) == (
        20000,
        ["description"],
        "MARY",
    )
    assert data[6]["undone"] == [5, 4, 3, 2]
    assert len({e["id"] for e in events}) == len(events)
    for got in receiving.received:
        assert verify(secret, got.headers["rapport-signature"], got.raw)


def test_x9_an_action_that_rolls_back_sends_nothing(world, hook):
    """Removing P1 and P3 by hand is one transaction: P3 is not on the segment, so the
    removal of P1 (and its event, already written) rolls back."""
    receiving, _secret = hook
    no = header.create_segment(world, description="Spring", user="ADMIN").no
    actions.add_contacts(world, no, criteria="no = P1", user="ADMIN")
    assert sent(world, receiving, 1)[0]["data"]["added"] == 1
    with pytest.raises(NotFound, match="P3 is not on segment"):
        manual.remove_contacts_by_hand(world, no, contact_nos=["P1", "P3"], user="ADMIN")
    assert dispatch.send_due(world, backoff=0.1) == 0
    assert len(receiving.wait_for(2, timeout=0.5)) == 1
    assert header.get(world, no).no_of_lines == 1

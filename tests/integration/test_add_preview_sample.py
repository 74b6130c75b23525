"""X2 and X7 of S3: an add's preview counts the contacts the add would put on the segment and
those its rules would leave out, and shows the first of the added in line order (S11), on
both engines and whichever way it finds them. The sample is looked for first among the
first `_sample.WALK` contacts in line order, each probed for the criteria and the rules;
when that walk fills it, the candidates are counted apart, else one pass over them finds
both. Each case here is checked against the add itself: the preview must name the contacts
the add then puts on the segment, read back in line order by a plain query, and the
candidates it then leaves out.

The first contacts in line order are made to stand in the walk's way: one privacy blocked,
one excluded from segments, one opted out of every correspondence type, one on the segment
already; the sample must pass over them unless an option lets them on (S3 Ignore
Exclusion, Allow Existing Contacts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import update

from rapport.demo import company
from rapport.services.contacts import consent
from rapport.services.segments import header as segments
from rapport.services.segments import history, manual
from rapport.services.segments._sample import SAMPLE_SIZE, WALK
from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.services.segments.results import NO_OPTIONS, AddPreview
from rapport.storage import schema
from rapport.storage.db import Sessions
from tests.integration.test_removal_preview_sample import in_line_order, lines_on

pytestmark = pytest.mark.slow

contacts = schema.contacts
USER = "ADMIN"

# Which way finds the sample: the walk of the first WALK contacts in line order fills it
# (at least SAMPLE_SIZE of the added contacts are among them), or it ends short and the one
# pass finds it, or there is no contact to find.
FILLS, SHORT, NONE = "the walk fills the sample", "the walk ends short", "no contact"


@dataclass(frozen=True)
class World:
    """The segment's no., the contacts in line order, and the four that stand in the way."""

    no: str
    ordered: list[str]
    blocked: str
    excluded: str
    opted_out: str
    on_it: str


@dataclass(frozen=True)
class Case:
    criteria: str
    where: str
    options: AddOptions = NO_OPTIONS


def on_segment(sessions: Sessions, no: str) -> dict[int, str]:
    """The segment's lines (not removed): line no. to contact no., by a plain query."""
    return {line_no: line.contact_no for line_no, line in lines_on(sessions, no).items()}


@pytest.fixture
def world(sessions: Sessions) -> World:
    """WALK + 1000 demo contacts; the first four in line order made to stand in the way."""
    company.load(sessions, contacts=WALK + 1000)
    ordered = in_line_order(sessions)
    blocked, excluded, opted_out, on_it = ordered[:4]
    with sessions.begin() as session:
        for no, flag in ((blocked, "privacy_blocked"), (excluded, "excluded")):
            session.execute(update(contacts).where(contacts.c.no == no).values({flag: True}))
    for kind in ("email", "hard_copy"):
        consent.opt_out(sessions, opted_out, correspondence_type=kind, by="tester")
    no = segments.create_segment(sessions, description="Preview", user=USER).no
    manual.add_contacts_by_hand(sessions, no, contact_nos=[on_it], user=USER)
    return World(no, ordered, blocked, excluded, opted_out, on_it)


def check(sessions: Sessions, world: World, case: Case) -> None:
    """The case's preview names what its add puts on and leaves out; undone, the segment
    is back as it was."""
    before = on_segment(sessions, world.no)
    kw: dict[str, Any] = {"criteria": case.criteria, "options": case.options, "user": USER}
    preview = add_contacts(sessions, world.no, preview=True, **kw)
    done = add_contacts(sessions, world.no, **kw)
    assert isinstance(preview, AddPreview), case
    after = on_segment(sessions, world.no)
    added = {contact for line_no, contact in after.items() if line_no not in before}
    if case.options.allow_existing and world.on_it in added:
        assert sum(contact == world.on_it for contact in after.values()) == 2, case
    assert (preview.added, preview.skipped) == (done.added, done.skipped), case
    assert (preview.no_of_lines, preview.action_no) == (done.no_of_lines, done.action_no), case
    first = [no for no in world.ordered if no in added][:SAMPLE_SIZE]
    assert [contact.no for contact in preview.sample] == first, case
    walked = [no for no in world.ordered[:WALK] if no in added]
    if case.where == FILLS:
        assert len(walked) >= SAMPLE_SIZE, case
    elif case.where == SHORT:
        assert added, case
        assert len(walked) < SAMPLE_SIZE, case
    else:
        assert not added, case
    if done.added:
        history.go_back(sessions, world.no)
    assert on_segment(sessions, world.no) == before, case


def test_x2_x7_s3_an_add_preview_shows_the_first_contacts_it_adds_either_way(sessions, world):
    """The walk passes over the privacy blocked, excluded, opted out and already added
    contacts at its start; a few matches, one after the walk, take the one pass."""
    first, last, after = world.ordered[4], world.ordered[WALK - 1], world.ordered[WALK + 7]
    for case in [
        Case("no matches 'SC*'", FILLS),
        Case("mailing_group = NEWSLETTER", FILLS),
        Case("type = company and not industry_group = RETAIL", FILLS),
        Case(f"no in ({world.blocked}, {first}, {last}, {after})", SHORT),
        Case(f"no in ({world.excluded}, {world.opted_out}, {world.on_it})", NONE),
        Case("no = NOBODY", NONE),
    ]:
        check(sessions, world, case)


def test_x2_s3_an_add_preview_lets_on_what_its_options_let_on_either_way(sessions, world):
    """Ignore Exclusion lets the excluded contact on, Allow Existing Contacts the one on the
    segment already, Expand Companies a company's persons, and Related Companies the
    persons' companies: the sample shows them in their place."""
    everyone, first = "no matches 'SC*'", world.ordered[4]
    ignoring, again = AddOptions(ignore_exclusion=True), AddOptions(allow_existing=True)
    related = AddOptions(related_companies=True)
    for case in [
        Case(everyone, FILLS, ignoring),
        Case(everyone, FILLS, again),
        Case(everyone, FILLS, AddOptions(ignore_exclusion=True, allow_existing=True)),
        Case(f"no in ({world.excluded}, {first})", SHORT, ignoring),
        Case(f"no in ({world.on_it}, {first})", SHORT, again),
        Case("type = company", FILLS, AddOptions(expand_companies=True)),
        Case("type = person and job_responsibility = PURCHASE", FILLS, related),
    ]:
        check(sessions, world, case)

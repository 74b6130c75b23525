"""Saved criteria, reuse of a logged segment and the transaction contract (S9, S10, SPEC §10)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.segments import header as segments
from rapport.services.segments.actions import AddOptions, add_contacts, reduce, refine
from rapport.services.segments.reuse import reuse_criteria, reuse_logged, save_criteria
from rapport.storage import tables as t
from tests.integration.segment_world import build_world


def new(sessions):
    return segments.create_segment(sessions, description="S", user="ADMIN").no


def members(sessions, no):
    return sorted(line.contact_no for line in segments.get_lines(sessions, no))


def test_s9_save_and_reuse_criteria_replays_every_action(world):
    source = new(world)
    add_contacts(world, source, criteria="type = person", user="ADMIN")
    reduce(world, source, criteria="country = NL", user="ADMIN")
    assert (
        save_criteria(world, source, code="persons", description="BE persons", user="ADMIN")
        == "PERSONS"
    )
    target = new(world)
    result = reuse_criteria(world, target, code="PERSONS", user="ADMIN")
    assert (result.actions, result.added, result.removed) == (2, 5, 1)
    assert members(world, target) == members(world, source)
    assert segments.get(world, target).no_of_criteria_actions == 2


def test_s9_reuse_honours_entire_companies_on_refine(world):
    source = new(world)
    add_contacts(world, source, criteria="type = person", user="ADMIN")
    refine(world, source, criteria="no = P1", entire_companies=True, user="ADMIN")
    save_criteria(world, source, code="ACMEONLY", user="ADMIN")
    target = new(world)
    reuse_criteria(world, target, code="ACMEONLY", user="ADMIN")
    assert members(world, target) == ["P1", "P2"]


def test_s9_saving_needs_actions_and_a_new_code(world):
    empty = new(world)
    with pytest.raises(Invalid, match=r"No\. of Criteria Actions must have a value"):
        save_criteria(world, empty, code="X", user="ADMIN")
    add_contacts(world, empty, criteria="no = ACME", user="ADMIN")
    save_criteria(world, empty, code="X", user="ADMIN")
    with pytest.raises(Conflict, match="already exists"):
        save_criteria(world, empty, code="x", user="ADMIN")
    with pytest.raises(NotFound):
        reuse_criteria(world, new(world), code="NOPE", user="ADMIN")


def test_s9_reuse_on_a_segment_with_criteria_needs_confirmation(world):
    source = new(world)
    add_contacts(world, source, criteria="no = ACME", user="ADMIN")
    save_criteria(world, source, code="A", user="ADMIN")
    with pytest.raises(Conflict, match=r"already contains 1 No\. of Criteria Actions"):
        reuse_criteria(world, source, code="A", user="ADMIN")
    assert reuse_criteria(world, source, code="A", user="ADMIN", yes=True).added == 0


def log_entries(sessions, entry_no, contacts, *, canceled=()):
    with sessions.begin() as session:
        session.add(
            t.LoggedSegment(
                entry_no=entry_no,
                segment_no="SEG09000",
                description="Old",
                creation_date=dt.date.today(),
            )
        )
        ids = dict(session.execute(select(t.Contact.no, t.Contact.id)).all())
        for index, no in enumerate(contacts, start=1):
            session.add(
                t.InteractionLogEntry(
                    entry_no=entry_no * 100 + index,
                    contact_id=ids[no],
                    logged_segment_entry_no=entry_no,
                    campaign_no="",
                    canceled=index in canceled,
                    date=dt.date.today(),
                )
            )


def test_s10_reuse_logged_skips_canceled_entries_duplicates_and_excluded(world):
    log_entries(world, 1, ["P1", "P1", "P2", "P4", "BETA"], canceled=(3,))
    no = new(world)
    add_contacts(world, no, criteria="no = BETA", user="ADMIN")
    result = reuse_logged(world, no, entry_no=1, user="ADMIN", yes=True)
    assert members(world, no) == ["BETA", "P1"]
    assert result.added == 1


def test_s10_reuse_logged_with_allow_existing_gives_a_line_per_entry(world):
    log_entries(world, 1, ["P1", "P1", "P2"], canceled=(3,))
    no = new(world)
    reuse_logged(world, no, entry_no=1, user="ADMIN", allow_existing=True)
    assert members(world, no) == ["P1", "P1", "P2"]


def test_s10_reuse_logged_needs_an_existing_entry_and_confirmation(world):
    no = new(world)
    with pytest.raises(NotFound, match=r"The Logged Segment does not exist\. .*Entry No\.='7'"):
        reuse_logged(world, no, entry_no=7, user="ADMIN")
    log_entries(world, 1, ["P1"])
    add_contacts(world, no, criteria="no = ACME", user="ADMIN")
    with pytest.raises(Conflict, match="reuse a Logged Segment"):
        reuse_logged(world, no, entry_no=1, user="ADMIN")


def test_add_contacts_rolls_back_when_a_statement_fails(sqlite_sessions):
    """The transaction contract: a statement failing after the action row was recorded
    leaves nothing behind (the database refuses the line insert through a trigger)."""
    from sqlalchemy import text

    with sqlite_sessions.begin() as session:
        build_world(session)
    no = new(sqlite_sessions)
    with sqlite_sessions.begin() as session:
        session.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON segment_lines "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        )
    with pytest.raises(Exception, match="disk full"):
        add_contacts(sqlite_sessions, no, criteria="no = ACME", user="ADMIN")
    assert segments.get(sqlite_sessions, no).no_of_criteria_actions == 0


def test_concurrent_adds_on_one_segment_are_serialized_without_duplicates(world):
    """SPEC §10: two users adding the same contacts at once: one wins, no duplicate lines."""
    no = new(world)
    errors = []

    def add():
        try:
            add_contacts(
                world,
                no,
                criteria="type = company",
                user="ADMIN",
                options=AddOptions(ignore_exclusion=True),
            )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert members(world, no) == ["ACME", "BETA", "GAMMA"]
    assert segments.get(world, no).no_of_criteria_actions == 4


def campaign_segment(world) -> str:
    """A segment whose lines target campaign CP1 (created here)."""
    with world.begin() as session:
        session.add(t.Campaign(no="CP1", description="Fair"))
    return segments.create_segment(
        world,
        description="S",
        user="ADMIN",
        values=[("campaign_no", "CP1"), ("campaign_target", "true")],
    ).no


def test_c3_lines_added_to_or_removed_from_an_activated_campaign_keep_its_target_groups(world):
    """Reference §2.15 SetCampaignTargetGroup: once a campaign is activated, target lines
    added later add their company's group, and the group goes with the last target line."""
    from rapport.services.campaigns import targets as campaign_targets

    no = campaign_segment(world)
    add_contacts(world, no, criteria="no = P1", user="ADMIN")
    campaign_targets.activate(world, "CP1")
    assert campaign_targets.get_target_groups(world, "CP1") == [("customer", "10000")]
    add_contacts(world, no, criteria="no = P3", user="ADMIN")
    assert sorted(campaign_targets.get_target_groups(world, "CP1")) == [
        ("contact", "BETA"),
        ("customer", "10000"),
    ]
    reduce(world, no, criteria="no = P3", user="ADMIN")
    assert campaign_targets.get_target_groups(world, "CP1") == [("customer", "10000")]


def test_c3_s8_an_undo_keeps_the_target_groups_of_an_activated_campaign(world):
    """Reference §2.15 through an undo (S8, X5), which runs on a Core connection: the lines
    it brings back add their company's group, and the lines it takes away take theirs."""
    from rapport.services.campaigns import targets as campaign_targets
    from rapport.services.segments.history import go_back

    no = campaign_segment(world)
    add_contacts(world, no, criteria="no = P1", user="ADMIN")
    campaign_targets.activate(world, "CP1")
    add_contacts(world, no, criteria="no = P3", user="ADMIN")
    reduce(world, no, criteria="no = P3", user="ADMIN")
    assert campaign_targets.get_target_groups(world, "CP1") == [("customer", "10000")]
    assert go_back(world, no, user="ADMIN").undone == [3]  # the reduce: P3 is back
    assert sorted(campaign_targets.get_target_groups(world, "CP1")) == [
        ("contact", "BETA"),
        ("customer", "10000"),
    ]
    assert go_back(world, no, to=1, user="ADMIN").undone == [2]  # P3's add: BETA goes
    assert campaign_targets.get_target_groups(world, "CP1") == [("customer", "10000")]


def test_a_streamed_list_does_not_hold_up_a_writer(sqlite_sessions):
    """Reading use cases take no write lock on SQLite: a segment's lines can be streamed
    while another user changes the segment."""
    with sqlite_sessions.begin() as session:
        build_world(session)
    no = new(sqlite_sessions)
    add_contacts(sqlite_sessions, no, criteria="type = person", user="ADMIN")
    stream = segments.get_lines(sqlite_sessions, no)
    first = next(stream)
    reduce(sqlite_sessions, no, criteria="no = P6", user="ADMIN")  # waits 30 s if blocked
    rest = list(stream)
    assert first.contact_no not in {line.contact_no for line in rest}

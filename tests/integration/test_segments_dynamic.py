"""Dynamic segments (X4) on both engines: a refresh adds who qualifies now and removes who no
longer does as one recorded action (history, explain and undo work on it), keeps manual lines
and the exceptions, follows the segments it reads, and refuses what would break a reference.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from rapport.errors import Conflict, Invalid
from rapport.services.interactions.log import log_segment
from rapport.services.segments import deletion, dynamic, history
from rapport.services.segments import explain as explaining
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts
from rapport.services.segments.manual import add_contact, remove_contact
from rapport.settings import Settings
from rapport.storage import tables as t

contacts = t.Contact.__table__


def dynamic_segment(sessions, *criteria: str) -> str:
    values = [("dynamic", "true"), ("interaction_template_code", "ABSTRACT")]
    values.append(("salesperson_code", "JO"))
    no = segments.create_segment(sessions, description="Standing", user="U", values=values).no
    for text in criteria:
        add_contacts(sessions, no, criteria=text, user="U")
    return no


def on(sessions, no: str) -> list[str]:
    return [line.contact_no for line in segments.get_lines(sessions, no)]


def set_contact(sessions, no: str, **values) -> None:
    with sessions.begin() as session:
        session.execute(update(contacts).where(contacts.c.no == no).values(**values))


def test_x4_refresh_adds_who_qualifies_now_and_removes_who_no_longer_does(world):
    no = dynamic_segment(world, "country = BE and type = person")
    assert sorted(on(world, no)) == ["P1", "P2", "P5", "P6"]
    first = dynamic.refresh(world, no, user="U")
    assert (first.added, first.removed, first.full) == (0, 0, True)
    set_contact(world, "P3", country="BE")
    set_contact(world, "P6", country="NL")
    result = dynamic.refresh(world, no, user="U")
    assert (result.added, result.removed, result.full) == (1, 1, False)
    assert sorted(on(world, no)) == ["P1", "P2", "P3", "P5"]
    [action] = [a for a in history.criteria(world, no) if a.action_no == result.action_no]
    assert (action.action, action.no_of_lines_added, action.no_of_lines_removed) == (
        "refresh",
        1,
        1,
    )
    assert action.description == (
        "Refresh to contacts whose country/region is BE and whose type is person"
    )
    events = {(e.contact_no, e.event) for e in history.membership_log(world, no)}
    assert {("P3", "entry"), ("P6", "exit")} <= events
    explained = explaining.explain(world, no, "P3")
    assert explained.events[-1].action == "refresh"
    again = dynamic.refresh(world, no, user="U")
    assert (again.added, again.removed, again.action_no) == (0, 0, None)


def test_x4_consent_and_exclusion_apply_as_on_add(world):
    no = dynamic_segment(world, "country = NL")
    set_contact(world, "P3", privacy_blocked=True)
    set_contact(world, "ACME", country="NL", excluded=True)
    dynamic.refresh(world, no, user="U")
    assert sorted(on(world, no)) == ["BETA"]


def test_x4_manual_lines_stay_and_removed_contacts_stay_out_until_added_again(world):
    no = dynamic_segment(world, "country = BE and type = person")
    dynamic.refresh(world, no, user="U")
    add_contact(world, no, contact_no="P3", user="U")
    remove_contact(world, no, contact_no="P2", user="U")
    assert [e.contact_no for e in dynamic.get_exceptions(world, no)] == ["P2"]
    result = dynamic.refresh(world, no, user="U")
    assert (result.added, result.removed) == (0, 0)
    assert sorted(on(world, no)) == ["P1", "P3", "P5", "P6"]
    add_contact(world, no, contact_no="P2", user="U")
    assert dynamic.get_exceptions(world, no) == []
    remove_contact(world, no, contact_no="P1", user="U")
    assert dynamic.remove_exception(world, no, contact_no="P1") == []
    assert dynamic.refresh(world, no, user="U").added == 1
    assert sorted(on(world, no)) == ["P1", "P2", "P3", "P5", "P6"]
    with pytest.raises(Exception, match="P6 is not on the exceptions"):
        dynamic.remove_exception(world, no, contact_no="P6")


def test_x4_undo_restores_the_lines_before_the_refresh(world):
    no = dynamic_segment(world, "country = BE and type = person")
    dynamic.refresh(world, no, user="U")
    set_contact(world, "P1", country="NL")
    set_contact(world, "P3", country="BE")
    before = sorted(on(world, no))
    result = dynamic.refresh(world, no, user="U")
    assert (result.added, result.removed) == (1, 1)
    history.go_back(world, no, to=result.action_no - 1)
    assert sorted(on(world, no)) == before
    redo = dynamic.refresh(world, no, user="U")
    assert (redo.added, redo.removed, redo.full) == (1, 1, True)


def test_x4_a_header_edit_that_leaves_the_definition_keeps_the_refresh_by_delta(world):
    """S2, X4: a description, salesperson or cost change does not make the next refresh
    evaluate every contact; a change of what decides consent (the correspondence type) does."""
    no = dynamic_segment(world, "country = BE and type = person")
    dynamic.refresh(world, no, user="U")
    values = [("description", "Renamed"), ("salesperson_code", "KIM"), ("unit_cost", "3")]
    segments.set_header(world, no, values=values)
    set_contact(world, "P3", country="BE")
    result = dynamic.refresh(world, no, user="U")
    assert (result.added, result.removed, result.full) == (1, 0, False)
    assert dynamic.refresh(world, no, user="U").full is False
    segments.set_header(world, no, values=[("correspondence_type_default", "email")])
    assert dynamic.refresh(world, no, user="U").full is True
    segments.set_header(world, no, values=[("interaction_template_code", "")])
    assert dynamic.refresh(world, no, user="U").full is True


def test_x4_a_segment_that_reads_another_refreshes_after_it(world):
    base = dynamic_segment(world, "country = BE")
    reader = dynamic_segment(world, f"segment({base}) and type = company")
    assert sorted(on(world, reader)) == ["ACME"]
    set_contact(world, "BETA", country="BE")
    outcomes = dynamic.refresh_all(world, user="U")
    assert [o.segment for o in outcomes] == [base, reader]
    assert all(o.error is None for o in outcomes)
    assert sorted(on(world, reader)) == ["ACME", "BETA"]


def test_x4_a_cycle_is_refused_when_the_criteria_are_set_naming_it(world):
    first = dynamic_segment(world, "country = BE")
    second = dynamic_segment(world, f"segment({first})")
    with pytest.raises(Invalid, match=rf"cycle: {first} → {second} → {first}") as refused:
        add_contacts(world, first, criteria=f"segment({second})", user="U")
    assert refused.value.field == "criteria"
    assert len(history.criteria(world, first)) == 1
    with pytest.raises(Invalid, match=rf"cycle: {first} → {first}"):
        add_contacts(world, first, criteria=f"segment({first})", user="U")


def test_x4_a_referenced_segment_is_not_deleted_made_static_or_logged_away(world):
    values = [("interaction_template_code", "ABSTRACT"), ("salesperson_code", "JO")]
    base = segments.create_segment(world, description="Base", user="U", values=values).no
    add_contacts(world, base, criteria="country = BE", user="U")
    reader = dynamic_segment(world, f"segment({base})")
    for attempt in (
        lambda: deletion.delete_segment(world, base),
        lambda: log_segment(world, base, user="U", settings=Settings()),
    ):
        with pytest.raises(Conflict, match=rf"dynamic segment {reader} reads it"):
            attempt()
    segments.set_header(world, base, values=[("dynamic", "true")])
    with pytest.raises(Conflict, match=rf"cannot be made static.*{reader}"):
        segments.set_header(world, base, values=[("dynamic", "false")])
    assert segments.get(world, base).dynamic


def test_x4_logging_a_dynamic_segment_keeps_it_and_its_lines(world):
    no = dynamic_segment(world, "country = BE and type = person")
    lines = sorted(on(world, no))
    logged = log_segment(world, no, user="U", settings=Settings())
    assert logged.interactions == len(lines)
    assert sorted(on(world, no)) == lines
    assert segments.get(world, no).dynamic


def test_x4_refresh_all_goes_on_past_a_segment_that_fails_and_reports_it(world):
    broken = dynamic_segment(world, "country = BE")
    fine = dynamic_segment(world, "country = NL")
    with world.begin() as session:  # criteria stored by an older version, no longer valid
        session.execute(
            update(t.SegmentCriteriaLine.__table__)
            .where(t.SegmentCriteriaLine.__table__.c.action_no == 1)
            .where(
                t.SegmentCriteriaLine.__table__.c.segment_id
                == select(t.SegmentHeader.id).where(t.SegmentHeader.no == broken).scalar_subquery()
            )
            .values(criteria="colour = red")
        )
    set_contact(world, "P6", country="NL")
    outcomes = {o.segment: o for o in dynamic.refresh_all(world, user="U")}
    assert "colour" in (outcomes[broken].error or "")
    assert (outcomes[fine].added, outcomes[fine].error) == (1, None)


def test_x4_refresh_of_a_static_segment_is_refused(world):
    no = segments.create_segment(world, description="Static", user="U").no
    with pytest.raises(Conflict, match="is not dynamic"):
        dynamic.refresh(world, no, user="U")


def test_x4_a_due_schedule_is_refreshed_and_a_bad_one_is_refused(world):
    no = dynamic_segment(world, "country = BE")
    with pytest.raises(Invalid, match="not an interval") as refused:
        segments.set_header(world, no, values=[("refresh_every", "hourly")])
    assert refused.value.field == "refresh_every"
    segments.set_header(world, no, values=[("refresh_every", "1H")])
    assert segments.get(world, no).refresh_every == "1h"
    with world.begin() as session:
        assert dynamic.due(session) == [no]
    dynamic.refresh_all(world, user="U", only_due=True)
    with world.begin() as session:
        assert dynamic.due(session) == []


def test_x4_the_change_log_is_pruned_to_what_every_dynamic_segment_has_read(world):
    no = dynamic_segment(world, "country = BE")
    dynamic.refresh(world, no, user="U")
    set_contact(world, "P6", country="NL")
    dynamic.refresh(world, no, user="U")
    with world.begin() as session:
        assert session.scalar(select(func.count()).select_from(t.ContactChange)) == 0


def test_x4_on_the_demo_company_manual_lines_survive_a_refresh_and_undo_restores(sessions):
    """Issue 14's "Done when": on the demo company a dynamic segment keeps its manual lines
    through a refresh, a second refresh reports 0 added / 0 removed, and undo restores the
    lines as they were before the refresh."""
    from rapport.demo import company

    company.load_demo(sessions)
    no = segments.create_segment(
        sessions, description="Belgian persons", user="U", values=[("dynamic", "true")]
    ).no
    add_contacts(sessions, no, criteria="country = BE and type = person", user="U")
    with sessions.begin() as session:
        outsider = session.scalar(
            select(contacts.c.no).where(contacts.c.country != "BE").order_by(contacts.c.no)
        )
    leaving = sorted(on(sessions, no))[:3]
    add_contact(sessions, no, contact_no=outsider, user="U")
    before = sorted(on(sessions, no))
    for person in leaving:
        set_contact(sessions, person, country="NL")
    first = dynamic.refresh(sessions, no, user="U")
    assert (first.added, first.removed) == (0, len(leaving))
    assert outsider in on(sessions, no)
    second = dynamic.refresh(sessions, no, user="U")
    assert (second.added, second.removed) == (0, 0)
    history.go_back(sessions, no, to=first.action_no - 1)
    assert sorted(on(sessions, no)) == before


def test_x4_k5_a_merge_of_contacts_reaches_the_dynamic_segments_that_read_their_segment(world):
    """The merge moves OTHER's lines to KEEP outside any action: a dynamic segment reading
    that segment follows on its next refresh."""
    from rapport.services.contacts.merge import merge_contacts

    static = segments.create_segment(world, description="Static", user="U").no
    add_contact(world, static, contact_no="P3", user="U")
    reader = dynamic_segment(world, f"segment({static})")
    dynamic.refresh(world, reader, user="U")
    assert on(world, reader) == ["P3"]
    merge_contacts(world, "P6", other_no="P3")
    assert on(world, static) == ["P6"]
    dynamic.refresh(world, reader, user="U")
    assert on(world, reader) == ["P6"]


def test_x4_k5_a_merge_hands_the_others_exceptions_to_the_survivor(world):
    """A contact removed by hand from a dynamic segment and then merged into another stays
    out as that survivor: its exception moves, unless the survivor is on the segment (its
    line stays, as every key both have stays the survivor's); and the line of a contact
    merged into one removed by hand goes."""
    from rapport.services.contacts.merge import merge_contacts

    no = dynamic_segment(world, "country = BE and type = person")
    remove_contact(world, no, contact_no="P6", user="U")
    remove_contact(world, no, contact_no="P2", user="U")
    merge_contacts(world, "P3", other_no="P6")
    merge_contacts(world, "P5", other_no="P2")
    assert [e.contact_no for e in dynamic.get_exceptions(world, no)] == ["P3"]
    set_contact(world, "P3", country="BE")
    dynamic.refresh(world, no, user="U")
    assert sorted(on(world, no)) == ["P1", "P5"]
    remove_contact(world, no, contact_no="P5", user="U")
    merge_contacts(world, "P5", other_no="P1")
    assert on(world, no) == []
    assert [e.contact_no for e in dynamic.get_exceptions(world, no)] == ["P3", "P5"]


def test_x4_s5_a_line_given_another_contact_reaches_the_dynamic_segments_that_read_it(world):
    """A line's contact changed by hand (S5) changes the segment's members: a dynamic
    segment reading that segment follows on its next refresh."""
    from rapport.services.segments.line_edits import set_line

    static = segments.create_segment(world, description="Static", user="U").no
    add_contact(world, static, contact_no="P3", user="U")
    reader = dynamic_segment(world, f"segment({static})")
    dynamic.refresh(world, reader, user="U")
    assert on(world, reader) == ["P3"]
    [line] = segments.get_lines(world, static)
    set_line(world, static, line.line_no, values=[("contact_no", "P6")], user="U")
    assert on(world, static) == ["P6"]
    result = dynamic.refresh(world, reader, user="U")
    assert (result.added, result.removed) == (1, 1)
    assert on(world, reader) == ["P6"]

"""Reduce, refine, manual edits, undo, the membership log and explain (S4, S5, S7, S8, X3, X5)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rapport.errors import Invalid, NotFound
from rapport.services.segments import explain as explaining
from rapport.services.segments import header as segments
from rapport.services.segments import history as segment_history
from rapport.services.segments.actions import (
    AddOptions,
    add_contacts,
    reduce,
    refine,
)
from rapport.services.segments.line_edits import set_line
from rapport.services.segments.manual import (
    add_contact,
    add_contacts_by_hand,
    remove_contact,
    remove_contacts_by_hand,
)
from rapport.storage import schema
from rapport.storage import tables as t
from tests.factories import make_segment


@pytest.fixture
def seg(world):
    no = segments.create_segment(world, description="Calls", user="ADMIN").no
    add_contacts(
        world,
        no,
        criteria="type = person or no = ACME",
        user="ADMIN",
        options=AddOptions(ignore_exclusion=True),
    )
    return no


def members(sessions, no):
    return sorted(line.contact_no for line in segments.get_lines(sessions, no))


def snapshot(sessions, no):
    return [
        (line.line_no, line.contact_no, line.salesperson_code, line.subject)
        for line in segments.get_lines(sessions, no)
    ]


def test_s4_reduce_removes_the_lines_whose_contact_matches(world, seg):
    result = reduce(world, seg, criteria="job_responsibility = PURCHASE", user="ADMIN")
    assert result.removed == 4
    assert members(world, seg) == ["ACME", "P2", "P4"]


def test_s4_refine_keeps_only_the_lines_whose_contact_matches(world, seg):
    result = refine(world, seg, criteria="country = NL", user="ADMIN")
    assert members(world, seg) == ["P3", "P4"]
    assert (result.removed, result.no_of_lines) == (5, 2)


def test_s4_reduce_with_entire_companies_removes_every_line_of_a_matching_company(world, seg):
    reduce(world, seg, criteria="no = P1", entire_companies=True, user="ADMIN")
    assert members(world, seg) == ["P3", "P4", "P5", "P6"]


def test_s4_refine_with_entire_companies_keeps_companies_any_contact_of_which_matches(world, seg):
    # BETA itself is not on the segment, but it is a wholesaler: its persons stay.
    refine(world, seg, criteria="industry_group = WHOLESALE", entire_companies=True, user="ADMIN")
    assert members(world, seg) == ["P3", "P4"]


def test_s4_emptying_a_segment_resets_its_criteria_unless_kept(world, seg):
    result = reduce(world, seg, criteria="no is not empty", user="ADMIN")
    assert (result.no_of_lines, result.action_no) == (0, 0)
    assert segments.get(world, seg).no_of_criteria_actions == 0


def test_s4_keep_criteria_keeps_the_actions_of_an_emptied_segment(world, seg):
    result = reduce(world, seg, criteria="no is not empty", keep_criteria=True, user="ADMIN")
    assert (result.no_of_lines, result.action_no) == (0, 2)
    segment_history.go_back(world, seg)
    assert len(members(world, seg)) == 7


def test_x2_preview_of_a_reduce_changes_nothing(world, seg):
    before = snapshot(world, seg)
    preview = reduce(world, seg, criteria="country = BE", user="ADMIN", preview=True)
    assert preview.preview
    assert preview.removed == 5
    assert snapshot(world, seg) == before


def test_x2_preview_of_a_refine_counts_the_lines_without_a_contact_it_would_remove(world):
    """Lines whose contact was deleted are counted though no contact shows in the sample,
    also when they are all the preview would remove (its count is then read on its own)."""
    with world.begin() as session:
        p1, p2 = (
            session.scalar(select(t.Contact).where(t.Contact.no == no)) for no in ("P1", "P2")
        )
        lines = [{"contact": p1}, {"contact": p2}, {"contact": None}, {"contact": None}]
        make_segment(session, "GHOSTS", lines=lines)
    for criteria, removed, sample in (("no = P1", 3, ["P2"]), ("no is not empty", 2, [])):
        preview = refine(world, "GHOSTS", criteria=criteria, user="ADMIN", preview=True)
        assert (preview.removed, preview.no_of_lines) == (removed, 4 - removed)
        assert [contact.no for contact in preview.sample] == sample
    assert refine(world, "GHOSTS", criteria="no is not empty", user="ADMIN").removed == 2


def test_s5_manual_add_and_remove_are_each_their_own_action(world, seg):
    added = add_contact(world, seg, contact_no="BETA", user="ADMIN")
    removed = remove_contact(world, seg, contact_no="P2", user="ADMIN")
    assert (added.action_no, removed.action_no) == (2, 3)
    assert "BETA" in members(world, seg)
    assert "P2" not in members(world, seg)
    segment_history.go_back(world, seg)
    assert "P2" in members(world, seg)
    segment_history.go_back(world, seg)
    assert "BETA" not in members(world, seg)


def test_s5_removing_a_contact_not_on_the_segment_is_an_error(world, seg):
    with pytest.raises(NotFound, match="Contact BETA is not on segment"):
        remove_contact(world, seg, contact_no="BETA", user="ADMIN")
    assert segments.get(world, seg).no_of_criteria_actions == 1


def test_s5_adding_contacts_by_hand_is_all_or_nothing_when_one_does_not_exist(world, seg):
    before = (snapshot(world, seg), segments.get(world, seg).no_of_criteria_actions)
    with pytest.raises(NotFound, match=r"No\.='NOBODY'"):
        add_contacts_by_hand(world, seg, contact_nos=["BETA", "NOBODY"], user="ADMIN")
    assert (snapshot(world, seg), segments.get(world, seg).no_of_criteria_actions) == before
    assert "BETA" not in members(world, seg)


def test_s5_removing_contacts_by_hand_is_all_or_nothing_when_one_is_not_on_it(world, seg):
    before = (snapshot(world, seg), segments.get(world, seg).no_of_criteria_actions)
    with pytest.raises(NotFound, match="Contact BETA is not on segment"):
        remove_contacts_by_hand(world, seg, contact_nos=["P2", "BETA"], user="ADMIN")
    assert (snapshot(world, seg), segments.get(world, seg).no_of_criteria_actions) == before


def test_s5_contacts_added_by_hand_together_are_one_action_each(world, seg):
    results = add_contacts_by_hand(world, seg, contact_nos=["beta", "GAMMA"], user="ADMIN")
    assert [(r.action_no, r.added) for r in results] == [(2, 1), (3, 1)]
    removed = remove_contacts_by_hand(world, seg, contact_nos=["BETA", "P2"], user="ADMIN")
    assert [(r.action_no, r.removed) for r in removed] == [(4, 1), (5, 1)]
    assert {"BETA", "P2"}.isdisjoint(members(world, seg))
    assert "GAMMA" in members(world, seg)


def test_s5_changing_a_lines_contact_is_two_actions_undone_exactly(world, seg):
    (first,) = segments.get_lines(world, seg, limit=1)
    before = snapshot(world, seg)
    set_line(world, seg, first.line_no, values=[("contact_no", "BETA")], user="ADMIN")
    lines = {line.line_no: line.contact_no for line in segments.get_lines(world, seg)}
    assert lines[first.line_no] == "BETA"
    assert segments.get(world, seg).no_of_criteria_actions == 3
    segment_history.go_back(world, seg, to=1)
    assert snapshot(world, seg) == before


def test_s5_line_fields_are_validated_and_stored(world, seg):
    (first,) = segments.get_lines(world, seg, limit=1)
    set_line(
        world,
        seg,
        first.line_no,
        values=[("subject", "Hello"), ("salesperson_code", "KIM")],
        user="ADMIN",
    )
    (line,) = segments.get_lines(world, seg, limit=1)
    assert (line.subject, line.salesperson_code) == ("Hello", "KIM")
    with pytest.raises(Invalid, match="did you mean 'subject'"):
        set_line(world, seg, first.line_no, values=[("subjct", "x")], user="ADMIN")
    with pytest.raises(NotFound, match="Salesperson"):
        set_line(world, seg, first.line_no, values=[("salesperson_code", "NOBODY")], user="ADMIN")


def test_s8_go_back_undoes_the_last_action_exactly_with_line_edits(world, seg):
    (first,) = segments.get_lines(world, seg, limit=1)
    set_line(world, seg, first.line_no, values=[("subject", "Edited")], user="ADMIN")
    before = snapshot(world, seg)
    reduce(world, seg, criteria="country = BE", user="ADMIN")
    segment_history.go_back(world, seg)
    assert snapshot(world, seg) == before


def test_x5_undo_to_any_earlier_action(world, seg):
    after_first = snapshot(world, seg)
    add_contacts(
        world,
        seg,
        criteria="type = company",
        user="ADMIN",
        options=AddOptions(ignore_exclusion=True),
    )
    reduce(world, seg, criteria="country = NL", user="ADMIN")
    refine(world, seg, criteria="type = company", user="ADMIN")
    result = segment_history.go_back(world, seg, to=1)
    assert result.undone == [4, 3, 2]
    assert snapshot(world, seg) == after_first
    assert segment_history.go_back(world, seg, to=0).no_of_lines == 0


def test_x5_undo_to_0_leaves_no_line_and_no_history(world, seg):
    """Back before the first action the segment is as created: no line on it and no removed
    line kept as history, whatever the actions in between (the count says 0 without
    counting); its next action is action 1 again."""
    reduce(world, seg, criteria="country = NL", user="ADMIN")
    add_contacts(world, seg, criteria="type = company", user="ADMIN")
    refine(world, seg, criteria="type = company", user="ADMIN")
    result = segment_history.go_back(world, seg, to=0)
    assert (result.undone, result.no_of_lines, result.no_of_criteria_actions) == (
        [4, 3, 2, 1],
        0,
        0,
    )
    with world() as session:
        kept = session.scalar(
            select(func.count())
            .select_from(schema.segment_lines)
            .where(
                schema.segment_lines.c.segment_id
                == select(schema.segment_headers.c.id)
                .where(schema.segment_headers.c.no == seg)
                .scalar_subquery()
            )
        )
    assert kept == 0
    assert segments.get(world, seg).no_of_lines == 0
    assert add_contacts(world, seg, criteria="no = ACME", user="ADMIN").action_no == 1


def test_s8_go_back_without_actions_and_out_of_range_are_errors(world):
    no = segments.create_segment(world, description="Empty", user="ADMIN").no
    with pytest.raises(Invalid, match="no criteria action"):
        segment_history.go_back(world, no)
    add_contacts(world, no, criteria="no = ACME", user="ADMIN")
    with pytest.raises(Invalid, match="no action 5"):
        segment_history.go_back(world, no, to=5)


def test_s7_criteria_lines_are_shown_in_plain_language_in_order(world, seg):
    reduce(world, seg, criteria="country = NL", entire_companies=True, user="ADMIN")
    lines = segment_history.criteria(world, seg)
    assert [(line.action_no, line.action) for line in lines] == [(1, "add"), (2, "reduce")]
    assert lines[0].description.startswith(
        "Add contacts whose type is person or whose contact no. is ACME ("
    )
    assert "ignoring exclusion" in lines[0].description
    assert "entire companies" in lines[1].description
    assert lines[1].no_of_lines_removed == 2


def test_x5_the_membership_log_lists_every_entry_and_exit(world, seg):
    reduce(world, seg, criteria="no = P2", user="ADMIN")
    log = list(segment_history.membership_log(world, seg, contact_no="P2"))
    assert [(e.action_no, e.event) for e in log] == [(1, "entry"), (2, "exit")]
    assert log[1].user_id == "ADMIN"


def test_x3_explain_names_the_actions_and_the_matching_parts(world, seg):
    reduce(world, seg, criteria="country = NL and type = person", user="ADMIN")
    explanation = explaining.explain(world, seg, "P3")
    assert not explanation.on_segment
    added, removed = explanation.events
    assert (added.action_no, added.event, removed.event) == (1, "entry", "exit")
    assert [part.matches for part in removed.matched] == [True, True]
    kept = explaining.explain(world, seg, "P1")
    assert kept.on_segment
    assert kept.line_nos
    with pytest.raises(NotFound):
        explaining.explain(world, seg, "NOPE")


def test_s2_header_changes_propagate_to_lines_with_the_header_template(world):
    no = segments.create_segment(
        world, description="Old", user="ADMIN", values=[("interaction_template_code", "ABSTRACT")]
    ).no
    add_contacts(world, no, criteria="company_no = ACME", user="ADMIN")
    (first,) = segments.get_lines(world, no, limit=1)
    set_line(world, no, first.line_no, values=[("interaction_template_code", "CALL")], user="ADMIN")
    segments.set_header(world, no, values=[("description", "New"), ("unit_cost", "7")])
    lines = {line.contact_no: line for line in segments.get_lines(world, no)}
    assert lines["ACME"].interaction_template_code == "CALL"
    assert (lines["ACME"].description, lines["ACME"].cost) == ("Call", 1)
    assert (lines["P1"].description, lines["P1"].cost) == ("New", 7)
    segments.set_header(world, no, values=[("description", "Newer")], update_lines=False)
    assert {line.description for line in segments.get_lines(world, no)} == {"Call", "New"}


def test_s2_header_template_change_carries_defaults_and_keeps_the_contact_rule(world):
    no = segments.create_segment(world, description="Mailing", user="ADMIN").no
    add_contacts(world, no, criteria="company_no = ACME", user="ADMIN")
    segments.set_header(world, no, values=[("interaction_template_code", "ABSTRACT")])
    lines = {line.contact_no: line for line in segments.get_lines(world, no)}
    assert {line.interaction_template_code for line in lines.values()} == {"ABSTRACT"}
    assert lines["P1"].correspondence_type == "hard_copy"  # SPEC §4: the rule is kept
    assert lines["P2"].correspondence_type == "email"
    assert lines["ACME"].language_code == "NLB"
    assert lines["P2"].cost == 2


def test_s2_header_language_change_propagates(world):
    no = segments.create_segment(
        world,
        description="Mailing",
        user="ADMIN",
        values=[("interaction_template_code", "ABSTRACT")],
    ).no
    add_contacts(world, no, criteria="company_no = ACME", user="ADMIN")
    segments.set_header(
        world, no, values=[("language_code_default", "FRB"), ("subject_default", "Bonjour")]
    )
    header = segments.get(world, no)
    assert (header.language_code_default, header.subject_default) == ("FRB", "Bonjour")
    assert {line.language_code for line in segments.get_lines(world, no)} == {"FRB"}
    assert {line.subject for line in segments.get_lines(world, no)} == {"Bonjour"}
    with world.begin() as session:
        variant = session.scalars(
            select(t.SegmentInteractionLanguage).where(
                t.SegmentInteractionLanguage.language_code == "FRB"
            )
        ).one()
        assert variant.subject == "Bonjour"

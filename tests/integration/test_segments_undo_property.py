"""Property (S8, X5): undo to any earlier action restores the segment exactly, and the
segment goes on working after it.

A run mixes criteria actions (add, reduce, refine, manual add/remove, change of a line's
contact), header edits (with and without propagation to the lines, S2), line edits (S5) and
undo to a random earlier action, in any order. The state compared is every column of every
line of the segment, removed lines included, its header row and its criteria lines.

Two expectations, checked at each undo to action N:
- whatever happened since, undo changes exactly what Go Back is documented to change: the
  lines added after N go, the lines removed after N come back, the criteria lines after N
  go; every other column of every line, and the header, stay as they are now (an edit is
  not an action, so it is not undone);
- when nothing was edited since action N, the state is exactly the one after action N.

After every step the lines on the segment have distinct line numbers (S5, S11: no index
enforces it, the numbering and undo keep it).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from rapport.errors import RapportError
from rapport.services.segments import header as segments
from rapport.services.segments import history as segment_history
from rapport.services.segments.actions import add_contacts, reduce, refine
from rapport.services.segments.line_edits import set_line
from rapport.services.segments.manual import add_contact, remove_contact
from rapport.storage import tables as t
from tests.reference import add_options

CRITERIA = [
    "country = BE",
    "type = company",
    "job_responsibility = PURCHASE",
    "industry_group = RETAIL",
    "no in (P1, P3, P6)",
    "not country = NL",
]
CONTACTS = ["ACME", "BETA", "P1", "P2", "P3", "P6"]
HEADER_EDITS = [
    ("description", "Autumn mailing"),
    ("salesperson_code", "KIM"),
    ("unit_cost", "12.5"),
    ("date", "2026-04-01"),
    ("campaign_target", "true"),
    ("interaction_template_code", "ABSTRACT"),
    ("language_code_default", "NLB"),
    ("subject_default", "Hello again"),
]
LINE_EDITS = [
    ("description", "Called back"),
    ("salesperson_code", "JO"),
    ("cost", "3"),
    ("evaluation", "positive"),
    ("subject", "Personal note"),
    ("attempt_failed", "true"),
    ("language_code", "ENU"),
]

steps_strategy = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(CRITERIA), add_options()),
    st.tuples(st.sampled_from(["reduce", "refine"]), st.sampled_from(CRITERIA), st.booleans()),
    st.tuples(
        st.sampled_from(["add_contact", "remove_contact"]), st.sampled_from(CONTACTS), st.none()
    ),
    st.tuples(st.just("change_contact"), st.sampled_from(CONTACTS), st.integers(0, 9)),
    st.tuples(st.just("edit_header"), st.sampled_from(HEADER_EDITS), st.booleans()),
    st.tuples(st.just("edit_line"), st.sampled_from(LINE_EDITS), st.integers(0, 9)),
    st.tuples(st.just("undo"), st.none(), st.integers(0, 9)),
)

Snapshot = tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]


def _rows(session, table, where, order) -> tuple[tuple[Any, ...], ...]:
    rows = session.execute(select(table).where(where).order_by(*order)).all()
    return tuple(tuple(sorted(row._mapping.items())) for row in rows)


# X4's bookkeeping of a segment's lines (a counter bumped by every change of its lines, what
# the last refresh read): not header fields a user sets, so not part of what undo restores.
BOOKKEEPING = {"membership_version", "refreshed_seq"}


def snapshot(sessions, no) -> Snapshot:
    """The header row (but X4's bookkeeping), every line (removed ones too) and every
    criteria line, all columns."""
    headers = t.SegmentHeader.__table__
    lines, criteria = t.SegmentLine.__table__, t.SegmentCriteriaLine.__table__
    with sessions.begin() as session:
        [full] = _rows(session, headers, headers.c.no == no, [headers.c.id])
        header = tuple(item for item in full if item[0] not in BOOKKEEPING)
        of_segment = header_id(header)
        return (
            header,
            _rows(session, lines, lines.c.segment_id == of_segment, [lines.c.id]),
            _rows(session, criteria, criteria.c.segment_id == of_segment, [criteria.c.action_no]),
        )


def header_id(header: tuple[Any, ...]) -> int:
    return dict(header)["id"]


def expected_after_undo(state: Snapshot, target: int) -> Snapshot:
    """Go Back to `target` as documented (S8, X5), applied to a snapshot."""
    header, lines, criteria = state
    kept = []
    for line in lines:
        values = dict(line)
        if values["added_action"] > target:
            continue
        if values["removed_action"] is not None and values["removed_action"] > target:
            values["removed_action"] = None
        kept.append(tuple(sorted(values.items())))
    actions = tuple(row for row in criteria if dict(row)["action_no"] <= target)
    on_it = sum(dict(line)["removed_action"] is None for line in kept)
    header = tuple((name, on_it if name == "no_of_lines" else value) for name, value in header)
    return header, tuple(kept), actions


def active_lines(state: Snapshot) -> list[int]:
    return [dict(line)["line_no"] for line in state[1] if dict(line)["removed_action"] is None]


def act(sessions, no, step, state: Snapshot) -> bool:
    """Apply one criteria action or edit; False when the product refused it (then nothing
    changed, which the next snapshot checks). The lines an action reports left on the
    segment are those on it."""
    kind, arg, option = step
    try:
        if kind == "add":
            told = add_contacts(sessions, no, criteria=arg, options=option, user="U")
            assert told.no_of_lines == len(active_lines(snapshot(sessions, no)))
        elif kind in ("reduce", "refine"):
            fn = reduce if kind == "reduce" else refine
            told = fn(
                sessions, no, criteria=arg, entire_companies=option, keep_criteria=True, user="U"
            )
            assert told.no_of_lines == len(active_lines(snapshot(sessions, no)))
        elif kind == "add_contact":
            add_contact(sessions, no, contact_no=arg, user="U")
        elif kind == "remove_contact":
            remove_contact(sessions, no, contact_no=arg, user="U", keep_criteria=True)
        elif kind == "edit_header":
            segments.set_header(sessions, no, values=[arg], update_lines=option)
        else:
            on = active_lines(state)
            if not on:
                return False
            edit = ("contact_no", arg) if kind == "change_contact" else arg
            set_line(sessions, no, on[option % len(on)], values=[edit], user="U")
    except RapportError:
        return False
    return True


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(steps_strategy, min_size=1, max_size=10))
def test_s8_x5_undo_restores_every_column_and_the_segment_keeps_working(world, steps):
    with world.begin() as session:
        session.execute(delete(t.SegmentLine))  # no key cascades them (migration 0015)
        session.execute(delete(t.SegmentHeader))
    no = segments.create_segment(world, description="P", user="U").no
    state = snapshot(world, no)
    # The exact state after each action no., while nothing has been edited since.
    exact: dict[int, Snapshot] = {0: state}
    for kind, arg, option in steps:
        actions = len(state[2])
        if kind == "undo":
            if not actions:
                continue
            target = option % actions
            undone = segment_history.go_back(world, no, to=target)
            after = snapshot(world, no)
            assert after == expected_after_undo(state, target)
            assert undone.no_of_lines == len(active_lines(after))  # told, not guessed
            if target in exact:
                event("undo to a state with no edit since")
                assert after == exact[target]
            else:
                event("undo across an edit")
            exact = {n: s for n, s in exact.items() if n <= target}
        else:
            refused = not act(world, no, (kind, arg, option), state)
            after = snapshot(world, no)
            if refused:
                assert after == state
            elif kind.startswith("edit"):
                exact = {}
            else:
                exact[len(after[2])] = after
        numbers = active_lines(after)
        assert len(numbers) == len(set(numbers)), "two lines on the segment share a line no."
        state = after

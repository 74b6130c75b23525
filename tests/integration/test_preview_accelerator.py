"""The preview accelerator (X2, X6, SPEC §9) answers exactly what SQL answers: random
criteria of the subset it supports, random options, random changes between the questions
(contacts' fields, relations, opt-outs, companies, new contacts, the segments' own lines
by the product's actions), on SQLite and PostgreSQL. Each question is asked of the
accelerator directly (it must answer, not hand over) and of the SQL services."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from rapport.criteria import render
from rapport.criteria.tree import (
    And,
    Compare,
    Exists,
    Expr,
    InList,
    Matches,
    Not,
    Or,
    SegmentMember,
)
from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.services.segments import _accel_preview, actions, analytics, previews
from rapport.services.segments._accel_state import Limits
from rapport.services.segments.accelerator import Accelerator
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from rapport.storage.db import reading
from tests.factories import make_segment
from tests.integration.accel_world import (
    COUNTRIES,
    KINDS,
    LANGUAGES,
    MODELS,
    POST_CODES,
    RELATION_CODES,
    SALESPEOPLE,
    build_accel_world,
    compared,
)
from tests.reference import add_options

contacts = t.Contact.__table__
CODE_VALUES = {
    "country": COUNTRIES,
    "salesperson": SALESPEOPLE,
    "language": LANGUAGES,
    "post_code": POST_CODES,
}
ENUM_VALUES = {"type": ("person", "company"), "correspondence_type": KINDS}
SEGMENTS = ("SEG1", "SEG2")
# Business Central filters on Code fields (ranges, comparisons, wildcards, case, and/or).
FILTERS = (
    "1000..2999",
    "..2000",
    "2500..",
    "<>2000&>=1000",
    "B*|N?",
    "@b*",
    "*0*",
    "<>*-*",
    "''",
    "DE|3000",
)
CODE_KEY = {
    "mailing_group": "mailing_group_code",
    "job_responsibility": "job_responsibility_code",
    "industry_group": "industry_group_code",
    "business_relation": "business_relation_code",
    "web_source": "web_source_code",
}


def _field_leaf() -> st.SearchStrategy[Expr]:
    codes = st.sampled_from(sorted(CODE_VALUES)).flatmap(lambda f: compared(f, CODE_VALUES[f]))
    enums = st.sampled_from(sorted(ENUM_VALUES)).flatmap(
        lambda f: st.one_of(
            st.builds(
                Compare, st.just(f), st.sampled_from(["=", "!="]), st.sampled_from(ENUM_VALUES[f])
            ),
            st.builds(
                InList,
                st.just(f),
                st.lists(st.sampled_from(ENUM_VALUES[f]), min_size=1, max_size=2, unique=True).map(
                    tuple
                ),
                st.booleans(),
            ),
        )
    )
    flags = st.builds(
        Compare, st.sampled_from(["excluded", "privacy_blocked"]), st.just("="), st.booleans()
    )
    filters = st.builds(
        Matches,
        st.sampled_from(["post_code", "country"]),
        st.sampled_from(FILTERS),
    )
    return st.one_of(codes, enums, flags, filters)


def _relation_leaf() -> st.SearchStrategy[Expr]:
    def on(rel: str) -> st.SearchStrategy[Expr]:
        field = "type" if rel == "opted_out" else "code"
        values = KINDS if rel == "opted_out" else RELATION_CODES[rel]
        inner = st.one_of(
            st.none(),
            st.builds(
                Compare, st.just(field), st.sampled_from(["=", "!="]), st.sampled_from(values)
            ),
            st.builds(
                InList,
                st.just(field),
                st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True).map(tuple),
                st.booleans(),
            ),
        )
        return st.builds(Exists, st.just(rel), inner)

    return st.sampled_from([*RELATION_CODES, "opted_out"]).flatmap(on)


def criteria_trees() -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        _field_leaf(), _relation_leaf(), st.builds(SegmentMember, st.sampled_from(SEGMENTS))
    )
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.builds(Not, kids),
            st.lists(kids, min_size=2, max_size=3).map(lambda parts: And(tuple(parts))),
            st.lists(kids, min_size=2, max_size=3).map(lambda parts: Or(tuple(parts))),
        ),
        max_leaves=5,
    )


changes = st.one_of(
    st.tuples(
        st.just("field"),
        st.integers(0, 60),
        st.sampled_from(sorted(CODE_VALUES)),
        st.integers(0, 9),
    ),
    st.tuples(
        st.just("flag"),
        st.integers(0, 60),
        st.sampled_from(["excluded", "privacy_blocked"]),
        st.booleans(),
    ),
    st.tuples(st.just("kind"), st.integers(0, 60), st.sampled_from([*KINDS, ""]), st.none()),
    st.tuples(
        st.just("link"),
        st.integers(0, 60),
        st.sampled_from(sorted(RELATION_CODES)),
        st.integers(0, 1),
    ),
    st.tuples(
        st.just("unlink"), st.integers(0, 60), st.sampled_from(sorted(RELATION_CODES)), st.none()
    ),
    st.tuples(st.just("opt"), st.integers(0, 60), st.sampled_from(KINDS), st.booleans()),
    st.tuples(st.just("move"), st.integers(0, 60), st.integers(0, 4), st.none()),
    st.tuples(st.just("rename"), st.integers(0, 60), st.sampled_from("ZAMB"), st.none()),
    st.tuples(st.just("new"), st.integers(0, 60), st.sampled_from(COUNTRIES), st.none()),
    st.tuples(st.just("add"), criteria_trees(), st.sampled_from(SEGMENTS), st.booleans()),
    st.tuples(st.just("reduce"), criteria_trees(), st.sampled_from(SEGMENTS), st.booleans()),
)
questions = st.one_of(
    st.tuples(st.just("add"), criteria_trees(), add_options()),
    st.tuples(st.just("reduce"), criteria_trees(), st.booleans()),
    st.tuples(st.just("refine"), criteria_trees(), st.booleans()),
    st.tuples(
        st.just("stats"),
        st.sampled_from(
            [
                "country",
                "salesperson",
                "language",
                "type",
                "post_code",
                "correspondence_type",
                "mailing_group",
                "industry_group",
                "business_relation",
                "job_responsibility",
            ]
        ),
        st.none(),
    ),
    st.tuples(st.just("overlap"), st.none(), st.none()),
)


@pytest.fixture
def accel_world(sessions):
    with sessions.begin() as session:
        build_accel_world(session)
        make_segment(session, "SEG1", lines=[{"contact": None}])  # a line without contact
        make_segment(session, "SEG2")
    for no, text in (("SEG1", "country = BE"), ("SEG2", "mailing_group = NEWSLETTER")):
        actions.add_contacts(sessions, no, criteria=text, user="U")
    actions.add_contacts(
        sessions,
        "SEG1",
        criteria="job_responsibility = PURCHASE",
        user="U",
        options=AddOptions(allow_existing=True),
    )
    # line order in 8 coarse ranks (ties in every sample, ordered by the database) and rows
    # grouped 5 at a time (many blocks): the paths a 10M build takes, on a small world
    accelerator = Accelerator(sessions, limits=Limits(ranks=8, block=5))
    accelerator.build()
    yield sessions, accelerator
    accelerator.close()


def _contact_id(session: Any, n: int) -> int:
    ids = list(session.scalars(select(contacts.c.id).order_by(contacts.c.id)))
    return ids[n % len(ids)]


def _set_field(session: Any, who: int, b: str, c: int) -> None:
    values = CODE_VALUES[b]
    value = values[c] if c < len(values) else ""
    if b == "post_code" and value == "":
        value = "1500"
    session.execute(update(contacts).where(contacts.c.id == who).values({b: value}))


def _set_flag(session: Any, who: int, b: str, c: bool) -> None:
    session.execute(update(contacts).where(contacts.c.id == who).values({b: c}))


def _set_kind(session: Any, who: int, b: str, _c: Any) -> None:
    session.execute(update(contacts).where(contacts.c.id == who).values(correspondence_type=b))


def _relink(session: Any, who: int, b: str, c: int | None) -> None:
    table = MODELS[b].__table__
    session.execute(delete(table).where(table.c.contact_id == who))
    if c is not None:
        codes = RELATION_CODES[b]
        session.execute(
            insert(table).values({"contact_id": who, CODE_KEY[b]: codes[c % len(codes)]})
        )


def _opt(session: Any, who: int, b: str, c: bool) -> None:
    table = t.ContactOptOut.__table__
    session.execute(
        delete(table).where(table.c.contact_id == who, table.c.correspondence_type == b)
    )
    if c:
        session.execute(insert(table).values(contact_id=who, correspondence_type=b))


def _move(session: Any, who: int, b: int, _c: Any) -> None:
    companies = list(
        session.scalars(
            select(contacts.c.id).where(contacts.c.type == "company").order_by(contacts.c.id)
        )
    )
    target = companies[b] if b < len(companies) else None
    session.execute(
        update(contacts)
        .where(contacts.c.id == who, contacts.c.type == "person")
        .values(company_id=target)
    )


def _rename(session: Any, who: int, b: str, _c: Any) -> None:
    session.execute(update(contacts).where(contacts.c.id == who).values(name=f"{b} renamed"))


def _new(session: Any, _who: int, b: str, _c: Any) -> None:
    top = session.scalar(select(contacts.c.id).order_by(contacts.c.id.desc()).limit(1))
    session.execute(
        insert(contacts).values(
            no=f"N{top + 1}", type="person", name=f"New {top}", search_name="NEW", country=b
        )
    )


EDITS = {
    "field": _set_field,
    "flag": _set_flag,
    "kind": _set_kind,
    "link": _relink,
    "unlink": _relink,
    "opt": _opt,
    "move": _move,
    "rename": _rename,
    "new": _new,
}


def change(sessions: Any, step: tuple[Any, ...]) -> None:
    """One random change: an action on a segment, or a plain SQL write (the triggers see
    both)."""
    kind, a, b, c = step
    if kind == "add":
        options = AddOptions(allow_existing=c)
        actions.add_contacts(sessions, b, criteria=render(a), user="U", options=options)
    elif kind == "reduce":
        actions.reduce(sessions, b, criteria=render(a), user="U", entire_companies=c)
    else:
        with sessions.begin() as session:
            EDITS[kind](session, _contact_id(session, a), b, c)


def ask(sessions: Any, accelerator: Accelerator, question: tuple[Any, ...]) -> None:
    kind, tree, extra = question
    if kind == "stats":
        for no in SEGMENTS:
            with reading(sessions) as session:
                header_id = session.scalar(
                    select(t.SegmentHeader.id).where(t.SegmentHeader.no == no)
                )
                assert _accel_preview.groups(accelerator, session, header_id, tree) is not None
            fast = analytics.stats(sessions, no, by=tree, accelerator=accelerator)
            assert fast == analytics.stats(sessions, no, by=tree)
        return
    if kind == "overlap":
        fast = analytics.overlap(sessions, SEGMENTS, accelerator=accelerator)
        assert fast == analytics.overlap(sessions, SEGMENTS)
        return
    criteria = Criteria.parse(render(tree))
    with reading(sessions) as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == "SEG1")).one()
        if kind == "add":
            fast: Any = _accel_preview.add_preview(accelerator, session, header, criteria, extra)
        else:
            action = SegmentAction.REDUCE if kind == "reduce" else SegmentAction.REFINE
            fast = _accel_preview.removal_preview(
                accelerator, session, header, action, criteria, entire_companies=extra
            )
            if fast is not None:  # the service says, from its counts, whether it resets
                fast = previews.with_reset(fast, keep_criteria=False)
    assert fast is not None, f"the accelerator handed {criteria.text} over"
    if kind == "add":
        slow: Any = actions.add_contacts(
            sessions, "SEG1", criteria=criteria.text, options=extra, user="U", preview=True
        )
    else:
        verb = actions.reduce if kind == "reduce" else actions.refine
        slow = verb(
            sessions, "SEG1", criteria=criteria.text, entire_companies=extra, user="U", preview=True
        )
    assert fast == slow, criteria.text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.one_of(changes, questions), min_size=1, max_size=6))
def test_x2_x6_accelerator_answers_as_sql_on_random_criteria_and_changes(accel_world, steps):
    sessions, accelerator = accel_world
    for step in steps:
        if len(step) == 4:
            change(sessions, step)
        else:
            ask(sessions, accelerator, step)


@pytest.mark.parametrize("keep_criteria", [False, True])
def test_x2_s4_a_preview_the_accelerator_counts_says_whether_the_criteria_would_be_reset(
    accel_world, keep_criteria
):
    """A refine that would empty SEG1 (two criteria actions): the accelerator counts it (it
    answers, not hands over), and the preview says, as SQL's does, that the criteria would
    be reset (action no. 0, as the refine's result would say), unless `keep_criteria`."""
    sessions, accelerator = accel_world
    nobody = Criteria.parse("name = Nobody")
    with reading(sessions) as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == "SEG1")).one()
        fast = _accel_preview.removal_preview(
            accelerator, session, header, SegmentAction.REFINE, nobody, entire_companies=False
        )
    assert fast is not None
    asked = {"criteria": nobody.text, "user": "U", "preview": True, "keep_criteria": keep_criteria}
    counted = actions.refine(sessions, "SEG1", accelerator=accelerator, **asked)
    assert counted == actions.refine(sessions, "SEG1", **asked)
    assert (counted.no_of_lines, counted.criteria_reset) == (0, not keep_criteria)
    assert counted.action_no == (3 if keep_criteria else 0)

"""The preview accelerator (X2, SPEC §9, issue 15) answers criteria that need a scan exactly
as SQL does: Business Central filters (`matches`: wildcards, `?`, `@`, ranges, `|`, `&`,
non-ASCII text whose casefold differs) and comparisons on the contacts' text fields, and
`interaction(…)` on the entries' dates (ranges, lists, empty dates, `today - N`), alone or
with the code criteria, under random changes to those texts and entries (and the changes of
the code criteria's test: new contacts, renames by plain SQL whose casefolded copy is left
behind — SQL compares the copy as stored, so the accelerator must too), on SQLite and
PostgreSQL. Each question is asked of the accelerator directly (it must answer, not hand
over) and of the SQL services."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, delete, insert, select, update

from rapport.criteria.tree import And, Compare, Exists, Expr, InList, IsEmpty, Matches, Not, Or
from rapport.criteria.value import Criteria
from rapport.criteria.values import RelativeDate
from rapport.services.segments import _accel_scan as scan
from rapport.services.segments import actions
from rapport.services.segments.accelerator import Accelerator
from rapport.services.segments.results import AddOptions
from rapport.storage import tables as t
from rapport.storage.schema import folded
from tests.factories import make_code, make_segment
from tests.integration.accel_world import build_accel_world, compared
from tests.integration.test_preview_accelerator import (
    _field_leaf,
    _relation_leaf,
    ask,
    change,
    changes,
)
from tests.reference import add_options

contacts = t.Contact.__table__
entries = t.InteractionLogEntry.__table__
TODAY = dt.date.today()
NAMES = ("Jansson", "Émile Dubois", "Straße Bakkerij", "JÖNSSON", "Anna Peeters", "", "Ann?")
CITIES = ("Gent", "Leeds", "Hamburg", "Brugge", "Middelburg", "", "Évry")
EMAILS = ("a@example.com", "B@Example.org", "jansson@sc1.example", "", "x@test.be")
TEXT_VALUES = {"name": NAMES, "city": CITIES, "email": EMAILS}
TEXT_FILTERS = (
    "*son*",
    "@*SON*",
    "@*ss*",
    "*burg*",
    "*@example.*",
    "@*@EXAMPLE.*",
    "Gent|Leeds",
    "@gent|@évry",
    "A..M",
    "..Gent",
    "Leeds..",
    "<>Gent",
    ">=Hamburg&<=Middelburg",
    "@a..n",
    "B?ugge|?",
    "*e*&<>*x*",
    "''",
    "<>''",
    "@É*",
    "'Ann?'",
    "J*n*n",
)
DAYS = (
    dt.date(2025, 1, 1),
    dt.date(2025, 6, 30),
    dt.date(2026, 1, 1),
    TODAY - dt.timedelta(days=10),
)
DATE_VALUES: tuple[Any, ...] = (*DAYS, RelativeDate(-30), RelativeDate(0))


def _text_leaf() -> st.SearchStrategy[Expr]:
    fields = st.sampled_from(sorted(TEXT_VALUES))
    return st.one_of(
        st.builds(Matches, fields, st.sampled_from(TEXT_FILTERS)),
        fields.flatmap(lambda f: compared(f, TEXT_VALUES[f])),
    )


def _on_date() -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        st.builds(
            Compare,
            st.just("date"),
            st.sampled_from(["=", "!=", "<", "<=", ">", ">="]),
            st.sampled_from(DATE_VALUES),
        ),
        st.builds(
            InList,
            st.just("date"),
            st.lists(st.sampled_from(DAYS), min_size=1, max_size=2, unique=True).map(tuple),
            st.booleans(),
        ),
        st.builds(IsEmpty, st.just("date"), st.booleans()),
    )
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.builds(Not, kids),
            st.lists(kids, min_size=2, max_size=2).map(lambda parts: And(tuple(parts))),
            st.lists(kids, min_size=2, max_size=2).map(lambda parts: Or(tuple(parts))),
        ),
        max_leaves=3,
    )


def scan_trees() -> st.SearchStrategy[Expr]:
    leaf = st.one_of(
        _text_leaf(),
        _text_leaf(),
        st.builds(Exists, st.just("interaction"), st.one_of(st.none(), _on_date())),
        _field_leaf(),
        _relation_leaf(),
    )
    return st.recursive(
        leaf,
        lambda kids: st.one_of(
            st.builds(Not, kids),
            st.lists(kids, min_size=2, max_size=3).map(lambda parts: And(tuple(parts))),
            st.lists(kids, min_size=2, max_size=3).map(lambda parts: Or(tuple(parts))),
        ),
        max_leaves=4,
    )


def _retext(session: Any, who: int, field: str, value: str) -> None:
    """A text field changed by a set-based write, its casefolded copy with it."""
    values = {field: value}
    session.execute(update(contacts).where(contacts.c.id == who).values(values | folded(values)))


def _log(session: Any, who: int, day: dt.date | None) -> None:
    top = session.scalar(select(entries.c.entry_no).order_by(entries.c.entry_no.desc()).limit(1))
    session.execute(insert(entries).values(entry_no=(top or 0) + 1, contact_id=who, date=day))


def _unlog(session: Any, who: int) -> None:
    session.execute(delete(entries).where(entries.c.contact_id == who))


def _redate(session: Any, who: int, day: dt.date | None) -> None:
    session.execute(update(entries).where(entries.c.contact_id == who).values(date=day))


days = st.one_of(st.none(), st.sampled_from(DAYS))
scan_changes = st.one_of(
    st.sampled_from(sorted(TEXT_VALUES)).flatmap(
        lambda f: st.tuples(
            st.just("retext"), st.integers(0, 60), st.just(f), st.sampled_from(TEXT_VALUES[f])
        )
    ),
    st.tuples(st.just("log"), st.integers(0, 60), days, st.none()),
    st.tuples(st.just("unlog"), st.integers(0, 60), st.none(), st.none()),
    st.tuples(st.just("redate"), st.integers(0, 60), days, st.none()),
)
scan_questions = st.one_of(
    st.tuples(st.just("add"), scan_trees(), add_options()),
    st.tuples(st.just("reduce"), scan_trees(), st.booleans()),
    st.tuples(st.just("refine"), scan_trees(), st.booleans()),
)


def scan_change(sessions: Any, step: tuple[Any, ...]) -> None:
    kind, n, b, c = step
    with sessions.begin() as session:
        ids = list(session.scalars(select(contacts.c.id).order_by(contacts.c.id)))
        who = ids[n % len(ids)]
        if kind == "retext":
            _retext(session, who, b, c)
        elif kind == "log":
            _log(session, who, b)
        elif kind == "unlog":
            _unlog(session, who)
        else:
            _redate(session, who, b)


def build_scan_world(sessions: Any) -> None:
    """The accelerator world with texts and dated entries, and the two segments."""
    with sessions.begin() as session:
        build_accel_world(session)
        pick = random.Random(11)
        for who in session.scalars(select(contacts.c.id)).all():
            values = {field: pick.choice(texts) for field, texts in TEXT_VALUES.items()}
            session.execute(
                update(contacts).where(contacts.c.id == who).values(values | folded(values))
            )
            for _ in range(pick.randrange(3)):
                _log(session, who, pick.choice((*DAYS, None)))
        make_segment(session, "SEG1", lines=[{"contact": None}])
        make_segment(session, "SEG2")
    actions.add_contacts(sessions, "SEG1", criteria="city matches '*e*'", user="U")
    actions.add_contacts(sessions, "SEG2", criteria="mailing_group = NEWSLETTER", user="U")


@pytest.fixture
def scan_world(sessions):
    build_scan_world(sessions)
    accelerator = Accelerator(sessions)
    accelerator.build()
    yield sessions, accelerator
    accelerator.close()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.one_of(scan_changes, changes, scan_questions), min_size=1, max_size=6))
def test_x2_accelerator_answers_scan_criteria_as_sql_under_random_changes(scan_world, steps):
    sessions, accelerator = scan_world
    for step in steps:
        if step[0] in ("retext", "log", "unlog", "redate"):
            scan_change(sessions, step)
        elif len(step) == 4:
            change(sessions, step)
        else:
            ask(sessions, accelerator, step)


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ("name matches '@*son*'", {"P1", "P2"}),
        ("name matches '*son*'", {"P1"}),
        ("city matches '*burg*' and country = BE", {"P2"}),
        ("email matches '*@example.*'", {"P1", "P3"}),
        ("name matches '@STRASSE'", {"P3"}),
        ("interaction(date >= 2026-01-01 and date <= 2026-03-31)", {"P1"}),
        ("interaction(date is empty)", {"P3"}),
        ("interaction(date < 2026-01-01)", {"P2"}),  # an empty date is before no date
        ("interaction(date != 2026-02-01)", {"P2", "P3"}),
        ("interaction(date < 2026-01-01) and not interaction(date is empty)", {"P2"}),
    ],
)
def test_x2_accelerator_selects_substrings_and_dated_entries(sessions, criteria, expected):
    with sessions.begin() as session:
        make_segment(session, "SEG1")
        for code in ("BE", "NL"):
            make_code(session, t.Country, code)
        rows = {
            "P1": ("Lars Jansson", "Gent", "lars@example.com", "BE", [dt.date(2026, 2, 1)]),
            "P2": ("JÖNSSON", "Hamburg", "j@test.de", "BE", [dt.date(2025, 5, 1)]),
            "P3": ("Straße", "Middelburg", "s@example.nl", "NL", [None]),
        }
        for no, (name, city, email, country, dates) in rows.items():
            values = {"name": name, "city": city, "email": email}
            session.execute(
                insert(contacts).values(
                    no=no, type="person", country=country, **values, **folded(values)
                )
            )
            who = session.scalar(select(contacts.c.id).where(contacts.c.no == no))
            for day in dates:
                _log(session, who, day)
    accelerator = Accelerator(sessions)
    accelerator.build()
    try:
        ask(sessions, accelerator, ("add", Criteria.parse(criteria).tree, AddOptions()))
    finally:
        accelerator.close()
    found = actions.add_contacts(sessions, "SEG1", criteria=criteria, user="U", preview=True)
    assert {row.no for row in found.sample} == expected
    assert found.added == len(expected)


def test_x2_accelerator_stays_exact_when_thousands_of_contacts_change_at_once(sessions):
    """Past MERGE re-read contacts the text columns and the dated entries merge their
    changes into their arrays; the answers stay those of SQL."""
    many = scan.MERGE + 200
    with sessions.begin() as session:
        make_segment(session, "SEG1")
        rows = [
            {"no": f"M{i:05}", "type": "person", "name": f"Name {i}", "email": f"m{i}@x.example"}
            for i in range(many)
        ]
        rows[7]["email"] = "M7@X.EXAMPLE"  # the one copy that differs: kept alone
        session.execute(insert(contacts), [row | folded(row) for row in rows])
        ids = list(session.scalars(select(contacts.c.id).order_by(contacts.c.id)))
        session.execute(
            insert(entries),
            [
                {"entry_no": n + 1, "contact_id": who, "date": DAYS[n % 2]}
                for n, who in enumerate(ids)
            ],
        )
    accelerator = Accelerator(sessions)
    accelerator.build()
    try:
        ask(sessions, accelerator, ("add", Matches("email", "@m7@*"), AddOptions()))
        with sessions.begin() as session:
            for remainder, day in ((0, DAYS[2]), (1, None), (2, DAYS[0])):
                session.execute(
                    update(entries).where(entries.c.contact_id % 3 == remainder).values(date=day)
                )
            session.execute(
                update(contacts).where(contacts.c.id == bindparam("who")),
                [
                    {"who": who, "name": f"Jansson {who}", "name_folded": f"jansson {who}"}
                    for who in ids[::2]
                ],
            )
        for text in (
            "name matches '@*SON 1*'",
            "interaction(date = 2026-01-01) and name matches 'Name*'",
            "interaction(date < 2026-01-01)",
            "interaction(date is empty) or name = 'Name 7'",
            "email matches '@m7@*|*@X.*'",
        ):
            ask(sessions, accelerator, ("add", Criteria.parse(text).tree, AddOptions()))
    finally:
        accelerator.close()


def _runs_by_day(dated: Any) -> dict[int, list[int]]:
    """The dated entries' owners by day, as the accelerator holds them (its days checked
    strictly ascending: the build reads them in date order, empty dates first)."""
    days = dated.distinct.tolist()
    assert days == sorted(set(days))
    ends = [*dated.starts.tolist()[1:], len(dated.owners)]
    return {
        day: sorted(dated.owners[start:end].tolist())
        for day, start, end in zip(days, dated.starts.tolist(), ends, strict=True)
    }


def _entries_by_day(session: Any) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for who, day in session.execute(select(entries.c.contact_id, entries.c.date)):
        found.setdefault(0 if day is None else day.toordinal(), []).append(who)
    return {day: sorted(owners) for day, owners in found.items()}


def test_x2_dated_entries_read_in_date_order_and_merged_in_place(sessions):
    """The build reads the entries in date order (no sort in memory; empty dates first on
    both engines) and a merge of re-read contacts inserts their rows in place: each day's
    run holds exactly the contacts the table has on that day, before and after."""
    shuffle = random.Random(15)
    many = scan.MERGE + 50
    with sessions.begin() as session:
        make_segment(session, "SEG1")
        session.execute(
            insert(contacts),
            [{"no": f"D{i:05}", "type": "person", "name": f"D {i}"} for i in range(many)],
        )
        ids = list(session.scalars(select(contacts.c.id)))
        rows = [
            {"contact_id": who, "date": shuffle.choice((*DAYS, None))}
            for who in ids
            for _ in range(shuffle.randint(1, 2))
        ]
        shuffle.shuffle(rows)
        session.execute(insert(entries), [row | {"entry_no": n + 1} for n, row in enumerate(rows)])
    accelerator = Accelerator(sessions)
    accelerator.build()
    try:
        assert accelerator.index is not None
        assert accelerator.index.dated is not None
        with sessions.begin() as session:
            assert _runs_by_day(accelerator.index.dated) == _entries_by_day(session)
            for who in ids[: scan.MERGE + 10]:  # past MERGE: merged into the arrays
                session.execute(
                    update(entries)
                    .where(entries.c.contact_id == who)
                    .values(date=shuffle.choice((*DAYS, None)))
                )
        ask(
            sessions,
            accelerator,
            ("add", Criteria.parse("interaction(date is empty)").tree, AddOptions()),
        )
        dated = accelerator.index.dated
        assert not dated.stale
        assert not dated.overlay
        with sessions.begin() as session:
            assert _runs_by_day(dated) == _entries_by_day(session)
    finally:
        accelerator.close()

"""X1 differential tests: on random small contact bases and random criteria trees, the SQL
compiler selects exactly the contacts the plain-Python reference evaluator (tests/reference.py)
selects: thousands of cases on SQLite, a hundred on PostgreSQL, also with the parts of a
top-level `and` written in reverse (the order pass rates may give them); and so do the two
forms a reduce or a refine reads criteria of relations and memberships in
(`criteria.driven`).

One database serves all examples of a test: each example deletes the contacts and their
rows and writes its own world, so an example costs milliseconds, not a migration.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from rapport.criteria import condition, parse, render
from rapport.criteria.driven import (
    relation_driven_exists,
    relation_driven_ids,
)
from rapport.criteria.tree import And, Expr
from rapport.storage import tables as t
from rapport.storage.db import make_engine, migrate
from tests import reference
from tests.conftest import _as_admin, _pg_url
from tests.line_counts import count_lines
from tests.reference import TODAY, World, criteria_trees, driven_trees, worlds

TREES_PER_WORLD = 5
REUSED_DATABASE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _setup(session: Session) -> None:
    """The codes, questionnaire lines and segments every world refers to."""
    for model in (
        t.MailingGroup,
        t.IndustryGroup,
        t.BusinessRelation,
        t.JobResponsibility,
        t.WebSource,
    ):
        session.execute(insert(model), [{"code": code} for code in reference.CODES])
    session.execute(insert(t.ProfileQuestionnaire), [{"code": "Q1"}, {"code": "Q2"}])
    session.execute(
        insert(t.ProfileQuestionnaireLine),
        [
            {"profile_questionnaire_code": q, "line_no": line, "description": text}
            | t.folded({"description": text}, "profile_questionnaire_lines")
            for (q, line), text in reference.ANSWERS.items()
        ],
    )
    session.execute(insert(t.SegmentHeader), [{"no": no} for no in reference.SEGMENTS])


def _load(session: Session, world: World) -> None:
    for table in (
        t.SegmentLine,
        t.InteractionLogEntry,
        t.ContactMailingGroup,
        t.ContactIndustryGroup,
        t.ContactBusinessRelation,
        t.ContactJobResponsibility,
        t.ContactWebSource,
        t.ContactOptOut,
        t.ContactProfileAnswer,
    ):
        session.execute(delete(table))
    session.execute(delete(t.Contact).where(t.Contact.type == "person"))
    session.execute(delete(t.Contact))
    if not world.contacts:
        count_lines(session)
        return
    session.execute(insert(t.Contact), [c | t.folded(c) for c in world.contacts])
    for name, (table, _columns) in reference.STORED.items():
        rows = [reference.stored_row(name, row) for row in world.rows[name]]
        rows = [row | t.folded(row, t.table_of(table).name) for row in rows]  # as stored
        if name == "interaction":
            for entry_no, row in enumerate(rows, start=1):
                row["entry_no"] = entry_no
        if rows:
            session.execute(insert(table), rows)
    _load_segment_lines(session, world)
    count_lines(session)


def _load_segment_lines(session: Session, world: World) -> None:
    """Active lines for the members; a removed line (kept for undo) for everyone else."""
    headers = dict(session.execute(select(t.SegmentHeader.no, t.SegmentHeader.id)).all())
    lines = []
    for no, members in world.segments.items():
        for line_no, contact in enumerate(world.contacts, start=1):
            removed = None if contact["id"] in members else 1
            lines.append(
                {
                    "segment_id": headers[no],
                    "line_no": line_no,
                    "contact_id": contact["id"],
                    "removed_action": removed,
                }
            )
    session.execute(insert(t.SegmentLine), lines)


def _compiled(session: Session, expr: Expr, likely: list[float] | None = None) -> set[int]:
    matches = condition(expr, today=TODAY, likely=likely)
    return set(session.scalars(select(t.Contact.id).where(matches)))


def _reversed(expr: Expr) -> list[float] | None:
    """Pass rates that make the compiler write the parts of a top-level `and` in reverse
    (criteria/likely.py): the order of an `and`'s terms never changes what it selects."""
    return [-index for index in range(len(expr.parts))] if isinstance(expr, And) else None


def _check(sessions: sessionmaker[Session], world: World, trees: list[Expr]) -> None:
    with sessions.begin() as session:
        _load(session, world)
    with sessions() as session:
        for expr in trees:
            expected = reference.selected(world, expr)
            assert _compiled(session, expr) == expected, render(expr)
            assert _compiled(session, expr, _reversed(expr)) == expected, render(expr)
            # the canonical text selects the same contacts as the tree it came from
            assert parse(render(expr)) == expr


def _driven(session: Session, expr: Expr) -> dict[str, set[int]]:
    """The contacts each relation-driven form selects: the set of their ids, EXISTS a
    relation's row (tested on an alias of the contacts, as a reduce or a refine tests a
    segment line's contact)."""
    ids = relation_driven_ids(expr, today=TODAY)
    assert ids is not None, render(expr)
    outer = t.table_of(t.Contact).alias("outer_contacts")
    forms = {
        "ids": outer.c.id.in_(ids),
        "exists": relation_driven_exists(expr, outer.c.id, today=TODAY),
    }
    return {
        name: set(session.scalars(select(outer.c.id).where(test)))
        for name, test in forms.items()
        if test is not None
    }


def _check_driven(sessions: sessionmaker[Session], world: World, trees: list[Expr]) -> None:
    with sessions.begin() as session:
        _load(session, world)
    with sessions() as session:
        for expr in trees:
            expected = reference.selected(world, expr)
            found = _driven(session, expr)
            assert set(found) == {"ids", "exists"}, render(expr)
            for name, selected in found.items():
                assert selected == expected, (name, render(expr))


@pytest.fixture
def prepared_sqlite(sqlite_sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sqlite_sessions.begin() as session:
        _setup(session)
    return sqlite_sessions


@pytest.fixture
def prepared_postgres(pg_server: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(_pg_url(pg_server))
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        _setup(session)
    yield sessions
    engine.dispose()


@pytest.fixture(scope="module")
def icu_url(pg_server: str) -> str:
    """A database whose default collation is ICU's Dutch (Belgium), where 'é' sorts before
    'f' (linguistic order) while byte order puts it after 'z'."""
    name = f"rapport_icu_{os.getpid()}"
    _as_admin(
        pg_server,
        f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
        "LOCALE_PROVIDER icu ICU_LOCALE 'nl-BE' LOCALE 'C'",
    )
    engine = make_engine(f"{pg_server}/{name}")
    migrate(engine)
    engine.dispose()
    return f"{pg_server}/{name}"


@pytest.fixture
def prepared_icu(icu_url: str) -> Iterator[sessionmaker[Session]]:
    """The ICU database, emptied of the worlds and codes of the test before."""
    engine = make_engine(icu_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 'é' < 'f'")) is True  # the collation is linguistic
            assert conn.scalar(text("SELECT 'é' < 'f' COLLATE \"C\"")) is False
        sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions.begin() as session:
            _load(session, World([]))
            for model in (
                t.SegmentHeader,
                t.ProfileQuestionnaireLine,
                t.ProfileQuestionnaire,
                t.MailingGroup,
                t.IndustryGroup,
                t.BusinessRelation,
                t.JobResponsibility,
                t.WebSource,
            ):
                session.execute(delete(model))
            _setup(session)
        yield sessions
    finally:
        engine.dispose()


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=REUSED_DATABASE)
@given(world=worlds(), trees=st.lists(criteria_trees(), min_size=1, max_size=TREES_PER_WORLD))
def test_x1_sql_selects_what_the_reference_evaluator_selects_on_sqlite(
    prepared_sqlite: sessionmaker[Session], world: World, trees: list[Expr]
):
    _check(prepared_sqlite, world, trees)


@pytest.mark.postgres
@settings(max_examples=100, deadline=None, suppress_health_check=REUSED_DATABASE)
@given(world=worlds(), trees=st.lists(criteria_trees(), min_size=1, max_size=TREES_PER_WORLD))
def test_x1_sql_selects_what_the_reference_evaluator_selects_on_postgresql(
    prepared_postgres: sessionmaker[Session], world: World, trees: list[Expr]
):
    _check(prepared_postgres, world, trees)


@pytest.mark.postgres
@settings(max_examples=60, deadline=None, suppress_health_check=REUSED_DATABASE)
@given(world=worlds(), trees=st.lists(criteria_trees(), min_size=1, max_size=TREES_PER_WORLD))
def test_x1_sql_selects_what_the_reference_evaluator_selects_on_an_icu_collation(
    prepared_icu: sessionmaker[Session], world: World, trees: list[Expr]
):
    """Text is compared in byte order (COLLATE "C") on a database with a linguistic
    collation, as on SQLite and as Business Central compares codes."""
    _check(prepared_icu, world, trees)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=REUSED_DATABASE)
@given(world=worlds(), trees=st.lists(driven_trees(), min_size=1, max_size=TREES_PER_WORLD))
def test_x1_s4_relation_driven_forms_select_what_the_reference_evaluator_selects_on_sqlite(
    prepared_sqlite: sessionmaker[Session], world: World, trees: list[Expr]
):
    _check_driven(prepared_sqlite, world, trees)


@pytest.mark.postgres
@settings(max_examples=80, deadline=None, suppress_health_check=REUSED_DATABASE)
@given(world=worlds(), trees=st.lists(driven_trees(), min_size=1, max_size=TREES_PER_WORLD))
def test_x1_s4_relation_driven_forms_select_what_the_reference_evaluator_selects_on_postgresql(
    prepared_postgres: sessionmaker[Session], world: World, trees: list[Expr]
):
    _check_driven(prepared_postgres, world, trees)


ORDERED = ["name < f", "name >= élan", "city matches 'e..g'", "city matches '<f|>zz'", "no < C3"]


@pytest.mark.postgres
@pytest.mark.parametrize("criteria", ORDERED)
def test_x1_text_order_is_byte_order_on_an_icu_collation(
    prepared_icu: sessionmaker[Session], criteria: str
) -> None:
    """'élan' sorts after 'f' in criteria, as in Business Central and on SQLite, although
    the database's own collation sorts it before."""
    names = ["élan", "f", "Zoë", "emile", "Émile"]
    world = World(
        [
            reference.blank_contact(i, name=name, city=name.lower())
            for i, name in enumerate(names, start=1)
        ],
        {rel: [] for rel in reference.STORED},
        {no: set() for no in reference.SEGMENTS},
    )
    _check(prepared_icu, world, [parse(criteria)])

"""S1's "No. of Lines" is kept on the segment's header (migration 0018, SPEC §9): every
statement that adds, removes, restores or deletes lines moves it, so that an action, its
preview and the segment list read it instead of counting the lines. Beside these tests,
every test on a fresh database ends by checking each header against its lines counted
(`tests/line_counts.assert_lines_counted`), and the undo property test compares it after each
random undo."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select, text, update

from rapport.services.contacts.merge import merge_contacts
from rapport.services.segments import dynamic, history
from rapport.services.segments import header as segments
from rapport.services.segments.actions import AddOptions, add_contacts, reduce
from rapport.services.segments.line_edits import set_line
from rapport.services.segments.overview import get_all
from rapport.storage import tables as t
from rapport.storage.db import make_engine
from tests.factories import make_company, make_person, put_on_segment
from tests.line_counts import assert_lines_counted

EVERYONE = AddOptions(ignore_exclusion=True)


def counts(sessions) -> dict[str, int]:
    """Each segment's no. of lines as the segment list shows it."""
    return {segment.no: segment.no_of_lines for segment in get_all(sessions)}


@pytest.fixture
def people(sessions):
    """Companies A and B, persons A1, A2 (of A) and B1 (of B)."""
    with sessions.begin() as session:
        a = make_company(session, "A", "Alpha")
        b = make_company(session, "B", "Beta")
        make_person(session, "A1", "Ann", company=a)
        make_person(session, "A2", "Abe", company=a)
        make_person(session, "B1", "Bea", company=b)
    return sessions


def test_s1_s8_the_count_follows_adds_removals_and_an_undo_of_both(people):
    """An undo of an add and of a removal together deletes the lines the add wrote (some
    already removed) and restores the others: the count moves by the lines on the segment
    only."""
    no = segments.create_segment(people, description="Count", user="ADMIN").no
    add_contacts(people, no, criteria="no in (A, A1)", options=EVERYONE, user="ADMIN")
    assert counts(people)[no] == 2
    add_contacts(people, no, criteria="no in (A2, B, B1)", options=EVERYONE, user="ADMIN")
    removed = reduce(people, no, criteria="no in (A1, A2, B)", user="ADMIN")
    assert (removed.removed, removed.no_of_lines, counts(people)[no]) == (3, 2, 2)
    undone = history.go_back(people, no, to=1, user="ADMIN")
    assert (undone.no_of_lines, counts(people)[no]) == (2, 2)
    undone = history.go_back(people, no, to=0, user="ADMIN")
    assert (undone.no_of_lines, counts(people)[no]) == (0, 0)


def test_s1_k5_a_merge_counts_off_the_duplicate_s_doubled_lines(people):
    """Merging B into A: on a segment holding both, B's line goes and the count drops; on a
    segment holding B alone, its line moves to A and the count stays."""
    with people.begin() as session:
        a, b = (session.scalars(select(t.Contact).where(t.Contact.no == no)).one() for no in "AB")
        for contact in (a, b):
            put_on_segment(session, contact, segment_no="BOTH")
        put_on_segment(session, b, segment_no="ALONE")
    assert counts(people) == {"ALONE": 1, "BOTH": 2}
    merge_contacts(people, "A", other_no="B")
    assert counts(people) == {"ALONE": 1, "BOTH": 1}


def test_s1_x4_a_refresh_moves_the_count_by_who_joins_and_who_leaves(world):
    """The segment engine's world (segment_world.py): a dynamic segment of the Belgian
    persons, refreshed after one more qualifies, then after one no longer does."""
    values = [("dynamic", "true"), ("interaction_template_code", "ABSTRACT")]
    no = segments.create_segment(world, description="BE", user="U", values=values).no
    add_contacts(world, no, criteria="country = BE and type = person", user="U")
    before = counts(world)[no]
    for contact, country, moved in (("P3", "BE", +1), ("P1", "NL", -1)):
        with world.begin() as session:
            session.execute(
                update(t.Contact).where(t.Contact.no == contact).values(country=country)
            )
        dynamic.refresh(world, no, user="U")
        assert counts(world)[no] == before + moved
        before += moved


def test_s1_s5_a_line_whose_contact_changes_keeps_the_count(world):
    """Business Central's two actions, the old contact's line removed and the new one's
    added at its line no.: the segment holds as many lines as before."""
    no = segments.create_segment(world, description="Calls", user="U").no
    add_contacts(world, no, criteria="no in (P1, P2)", options=EVERYONE, user="U")
    first, _second = segments.get_lines(world, no)
    set_line(world, no, first.line_no, values=[("contact_no", "P6")], user="U")
    assert counts(world)[no] == 2


def test_s1_s4_a_removal_that_empties_the_segment_resets_it_to_no_line(world):
    """The last lines removed after two actions: the criteria are reset, and the count is
    0, as the lines are."""
    no = segments.create_segment(world, description="Short", user="U").no
    add_contacts(world, no, criteria="no = P1", options=EVERYONE, user="U")
    add_contacts(world, no, criteria="no = P2", options=EVERYONE, user="U")
    removed = reduce(world, no, criteria="no in (P1, P2)", user="U")
    assert (removed.action_no, removed.no_of_lines, counts(world)[no]) == (0, 0, 0)


def test_s1_the_suite_s_check_finds_a_header_that_miscounts(sqlite_url):
    """The check every test's database goes through at its end fails on a line written
    past the count; this test then sets the count right, for its own end check."""
    engine = make_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO segment_headers (no, description) VALUES ('S', '')"))
        connection.execute(
            text(
                "INSERT INTO segment_lines (segment_id, line_no, added_action)"
                " SELECT id, 10000, 1 FROM segment_headers"
            )
        )
    with pytest.raises(AssertionError, match=r"\('S', 0, 1\)"):
        assert_lines_counted(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE segment_headers SET no_of_lines = 1"))
    engine.dispose()


def test_s1_migration_0018_counts_the_lines_of_existing_segments(old_database):
    """Upgrading a database with segments: each header gets the lines on it (removed lines
    are history, not counted); going back down drops the count again."""
    counted = "SELECT no, no_of_lines FROM segment_headers ORDER BY no"
    with old_database.at("0017") as connection:
        for statement in (
            "INSERT INTO contacts (no, type, name, search_name) VALUES"
            " ('P1', 'person', 'Ann', 'ANN'), ('P2', 'person', 'Bo', 'BO'),"
            " ('P3', 'person', 'Cy', 'CY')",
            "INSERT INTO segment_headers (no, description) VALUES ('SEG1', 'Spring'),"
            " ('SEG2', 'Empty')",
            "INSERT INTO segment_lines (segment_id, line_no, contact_id, added_action,"
            " removed_action) SELECT h.id, 10000 * c.id, c.id, 1,"
            " CASE WHEN c.no = 'P2' THEN 2 END FROM segment_headers h, contacts c"
            " WHERE h.no = 'SEG1'",
        ):
            connection.execute(text(statement))
        command.upgrade(old_database.config, "0018")
        assert connection.execute(text(counted)).all() == [("SEG1", 2), ("SEG2", 0)]
        command.downgrade(old_database.config, "0017")
        columns = {row[1] for row in connection.execute(text("PRAGMA table_info(segment_headers)"))}
        assert "no_of_lines" not in columns
        assert {"refreshed_lines", "refreshed_version"} <= columns

"""K4, S4, X4, SPEC §9: an export's criteria, a reduce's or refine's tested on each line's
contact, and a dynamic segment's reduce step, are written as an add's are
(criteria/likely.py, services/_likely.py): on SQLite, with contact ids spread wide enough
to be sampled, the least likely probing term first; on PostgreSQL as written. What is
exported, removed or kept does not change."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import delete, insert

from rapport.services.segments import dynamic
from rapport.services.segments import header as segments
from rapport.services.segments.actions import add_contacts, reduce, refine
from rapport.services.transfer import exports
from rapport.storage import tables as t
from rapport.storage.db import is_postgresql
from rapport.storage.schema import contact_mailing_groups as mailing
from rapport.storage.schema import contacts
from tests.factories import link, statements

PERSONS = 500
STEP = 120  # contact ids 1, 121, 241 … and one at PERSONS × STEP: sampled at every id
IDS = [1 + STEP * number for number in range(PERSONS)] + [PERSONS * STEP]
CRITERIA = "mailing_group = NEWSLETTER and mailing_group = VIP"


@pytest.fixture
def world(sessions):
    """501 persons, ids spread over 60,000: nine in ten get the newsletter (not those whose
    number ends in 5), one in ten (ending in 0) is a VIP."""
    with sessions.begin() as session:
        session.execute(
            insert(contacts),
            [
                {"id": id_, "no": f"P{id_:05d}", "type": "person", "name": f"Person {id_}"}
                for id_ in IDS
            ],
        )
        for number, id_ in enumerate(IDS):
            person = session.get(t.Contact, id_)
            if number % 10 != 5:
                link(session, t.ContactMailingGroup, person, "NEWSLETTER")
            if number % 10 == 0:
                link(session, t.ContactMailingGroup, person, "VIP")
    return sessions


def export(sessions, table: str, where: str) -> tuple[list[str], list[object]]:
    """The exported lines, and the codes the reading statement (the one in key order)
    probes, in the order it tests them."""
    stream = io.StringIO()
    with statements(sessions) as seen:
        exports.export_table(sessions, table, where=where, stream=stream)
    read = [values for statement, values in seen if "ORDER BY" in statement]
    assert len(read) == 1, seen
    codes = [value for value in read[0] if value in ("NEWSLETTER", "VIP")]
    return stream.getvalue().splitlines(), codes


@pytest.mark.parametrize("table", ["contacts", "contact_mailing_groups"])
def test_k4_an_export_tests_the_least_likely_probing_term_first_on_sqlite(world, table):
    lines, codes = export(world, table, CRITERIA)
    with world() as session:
        postgresql = is_postgresql(session)
    # SQLite: the VIPs (one in ten) before the newsletter (nine in ten); PostgreSQL as written
    assert codes == (["NEWSLETTER", "VIP"] if postgresql else ["VIP", "NEWSLETTER"])
    vips = IDS[::10]
    per_contact = 2 if table == "contact_mailing_groups" else 1  # NEWSLETTER and VIP rows
    assert len(lines) == 1 + per_contact * len(vips)
    assert sorted({line.split(",")[0] for line in lines[1:]}) == [f"P{i:05d}" for i in vips]
    written_so, _ = export(world, table, "mailing_group = VIP and mailing_group = NEWSLETTER")
    assert written_so == lines  # the order of the terms changes nothing exported


def test_k4_an_export_of_few_contacts_keeps_the_terms_as_written(sessions):
    """Below the sampled size (fewer than 50,000 contact ids) nothing is sampled."""
    with sessions.begin() as session:
        for number in range(3):
            person = session.get(t.Contact, _person(session, number))
            link(session, t.ContactMailingGroup, person, "NEWSLETTER")
            link(session, t.ContactMailingGroup, person, "VIP")
    lines, codes = export(sessions, "contacts", CRITERIA)
    assert codes == ["NEWSLETTER", "VIP"]
    assert len(lines) == 4


def _person(session, number: int) -> int:
    return session.execute(
        insert(contacts)
        .values(no=f"Q{number}", type="person", name=f"Q {number}")
        .returning(contacts.c.id)
    ).scalar_one()


# A contact field beside the relations: the lines' contacts are tested where they are (not
# the relation-driven set), by the criteria's own condition.
LINE_CRITERIA = "no matches 'P*' and mailing_group = NEWSLETTER and mailing_group = VIP"
REVERSED = "no matches 'P*' and mailing_group = VIP and mailing_group = NEWSLETTER"


def removed(sessions, action, criteria: str) -> tuple[set[str], list[object]]:
    """The contact nos. a reduce or refine (`action`) with `criteria` leaves on a segment of
    every contact, and the codes its UPDATE probes, in the order it tests them."""
    no = segments.create_segment(sessions, description="likely", user="U").no
    add_contacts(sessions, no, criteria="no matches 'P*'", user="U")
    with statements(sessions) as seen:
        action(sessions, no, criteria=criteria, user="U")
    updates = [values for statement, values in seen if statement.startswith("UPDATE segment_lines")]
    assert len(updates) == 1, seen
    codes = [value for value in updates[0] if value in ("NEWSLETTER", "VIP")]
    lines = segments.get_lines(sessions, no)
    return {line.contact_no for line in lines}, codes


@pytest.mark.parametrize("action", [reduce, refine], ids=["reduce", "refine"])
def test_s4_a_reduce_or_refine_tests_the_least_likely_probing_term_first_on_sqlite(world, action):
    left, codes = removed(world, action, LINE_CRITERIA)
    with world() as session:
        postgresql = is_postgresql(session)
    assert codes == (["NEWSLETTER", "VIP"] if postgresql else ["VIP", "NEWSLETTER"])
    vips = {f"P{i:05d}" for i in IDS[::10]}
    everyone = {f"P{i:05d}" for i in IDS}
    assert left == (everyone - vips if action is reduce else vips)
    assert removed(world, action, REVERSED)[0] == left  # the order changes nothing removed


def test_x4_a_dynamic_segments_reduce_step_tests_the_least_likely_term_first_on_sqlite(world):
    """A refresh evaluates a reduce step's criteria on the contacts that changed, written as
    the reduce wrote them (an add step's are, by its selection)."""
    no = segments.create_segment(world, description="D", user="U", values=[("dynamic", "true")]).no
    add_contacts(world, no, criteria="no matches 'P*'", user="U")
    reduce(world, no, criteria=LINE_CRITERIA, keep_criteria=True, user="U")
    vip, plain = IDS[10], IDS[11]  # a VIP with the newsletter, and a contact without VIP
    with world.begin() as session:  # the VIP loses the tag, the other gains it
        session.execute(
            delete(mailing).where(
                mailing.c.contact_id == vip, mailing.c.mailing_group_code == "VIP"
            )
        )
        session.execute(insert(mailing).values(contact_id=plain, mailing_group_code="VIP"))
    with statements(world) as seen:
        dynamic.refresh(world, no, user="U")
    probed = [  # the sample of pass rates (its CTE `sample_index`) rates them as written
        [value for value in values if value in ("NEWSLETTER", "VIP")]
        for statement, values in seen
        if "sample_index" not in statement
    ]
    orders = {tuple(codes) for codes in probed if len(codes) == 2}
    with world() as session:
        postgresql = is_postgresql(session)
    assert orders == {("NEWSLETTER", "VIP") if postgresql else ("VIP", "NEWSLETTER")}
    on_it = {line.contact_no for line in segments.get_lines(world, no)}
    assert f"P{vip:05d}" in on_it
    assert f"P{plain:05d}" not in on_it

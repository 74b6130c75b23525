"""X2 of S4: a reduce's or a refine's preview counts the lines the action would remove and
shows the first of their contacts in line order (S11), on both engines and whichever way
the engine finds them. On PostgreSQL the sample is looked for first among the first
`_sample.WALK` contacts in line order; when that walk does not fill it (few lines, or lines
whose contacts all come later), one pass over the lines finds it. Each case here is checked
against the action itself: the preview must name the lines the reduce or refine then
removes, their first contacts read back in line order by a plain query.

The preview counts lines, not contacts: a contact on the segment twice (added again with
Allow Existing Contacts, S3, or by hand, S5) is two removed lines and stands twice in the
sample, as the lines the action removes give it. With Entire Companies (S4) a company's
contacts go, or stay, together. A line without a contact is not a case here: no service
writes one (every line is inserted from a contact the statement reads, a contact's line
edit needs an existing contact, and a contact on a segment cannot be deleted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from rapport.demo import company
from rapport.services.segments import header as segments
from rapport.services.segments import history, manual
from rapport.services.segments._lines import line_order
from rapport.services.segments._sample import SAMPLE_SIZE, WALK
from rapport.services.segments.actions import AddOptions, add_contacts, reduce, refine
from rapport.storage import schema
from rapport.storage.db import Sessions

pytestmark = pytest.mark.slow

contacts = schema.contacts
USER = "ADMIN"

# Which way finds the sample on PostgreSQL: the walk of the first WALK contacts in line
# order fills it (at least SAMPLE_SIZE of the removed lines are those contacts'), or it ends
# short (too few lines, or lines whose contacts come later) and the one pass finds it, or
# there is no line to find.
FILLS, SHORT, NONE = "the walk fills the sample", "the walk ends short", "no line"


@dataclass(frozen=True)
class Case:
    """A reduce or refine (`action`) with its criteria and the way it stands for on
    PostgreSQL. With `entire_companies`, `whole` names contacts whose companies the action
    removes whole (reduce) or keeps whole (refine), all their contacts with them."""

    action: Callable[..., Any]
    criteria: str
    where: str
    entire_companies: bool = False
    whole: tuple[str, ...] = ()


CASES = [
    Case(reduce, "mailing_group = NEWSLETTER", FILLS),
    Case(refine, "industry_group = RETAIL or job_responsibility = PURCHASE", FILLS),
    Case(reduce, "no in (SC0000007, SC0004321, SC0005999)", SHORT),
    Case(reduce, "company_name matches 'W*|Y*|Z*'", SHORT),
    Case(reduce, "no = NOBODY", NONE),
]

# On the segment a second time by hand (S5): five of the first contacts in line order, whose
# ten lines fill the walk's sample with five contacts; one near the walk's end; one after it.
FIRST_FIVE = ("SC0005203", "SC0003745", "SC0001371", "SC0002058", "SC0004663")
NEAR_THE_END, AFTER_THE_WALK = "SC0002900", "SC0002346"
ONCE_AFTER_THE_WALK = "SC0005899"
# Persons of companies among the first contacts in line order: SC0000237 (company, three
# persons, one of them a newsletter reader, on the segment twice), SC0000949, SC0000341.
# SC0003333 works for SC0000657, whose company contact is the walk's last contact and whose
# persons come after it.
PERSONS = ("SC0003677", "SC0005202", "SC0004563")

TWICE_AND_COMPANIES = [
    # S3 Allow Existing Contacts: every newsletter reader is on the segment twice
    Case(reduce, "mailing_group = NEWSLETTER", FILLS),
    Case(refine, "industry_group = RETAIL or job_responsibility = PURCHASE", FILLS),
    Case(reduce, f"no in ({', '.join(FIRST_FIVE)}, {AFTER_THE_WALK})", FILLS),
    Case(reduce, f"no in ({NEAR_THE_END}, {AFTER_THE_WALK}, {ONCE_AFTER_THE_WALK})", SHORT),
    Case(reduce, "company_name matches 'Z*'", SHORT),
    # S4 Entire Companies: a person's company goes, or stays, with all its contacts
    Case(reduce, "no = SC0003677", SHORT, True, whole=("SC0003677",)),
    Case(reduce, f"no in ({', '.join(PERSONS)})", FILLS, True, whole=PERSONS),
    Case(reduce, "no = SC0003333", SHORT, True, whole=("SC0003333",)),
    Case(reduce, "job_responsibility = PURCHASE", FILLS, True),
    Case(refine, f"no in ({', '.join(PERSONS)})", FILLS, True, whole=PERSONS),
    Case(refine, "type = company and not company_name matches 'Z*'", SHORT, True),
    Case(refine, "mailing_group = NEWSLETTER", FILLS, True),
]


@dataclass(frozen=True)
class Line:
    contact_no: str
    company_no: str


def lines_on(sessions: Sessions, no: str) -> dict[int, Line]:
    """The lines on the segment (not removed) by line no., read by a plain query."""
    lines, headers = schema.segment_lines, schema.segment_headers
    query = (
        select(lines.c.line_no, contacts.c.no, contacts.c.company_no)
        .join(contacts, contacts.c.id == lines.c.contact_id)
        .join(headers, headers.c.id == lines.c.segment_id)
        .where(headers.c.no == no, lines.c.removed_action.is_(None))
    )
    with sessions() as session:
        return {line_no: Line(contact, of) for line_no, contact, of in session.execute(query)}


def in_line_order(sessions: Sessions, nos: set[str] | None = None) -> list[str]:
    """Contact nos. in line order (of `nos`, or of every contact)."""
    with sessions() as session:
        query = select(contacts.c.no).order_by(*line_order())
        if nos is not None:
            query = query.where(contacts.c.no.in_(nos))
        return list(session.scalars(query))


def first_removed(sessions: Sessions, removed: Counter[str]) -> list[str]:
    """The first SAMPLE_SIZE removed lines' contacts in line order, a contact as often as
    it had lines removed."""
    ordered = in_line_order(sessions, set(removed))
    return [no for no in ordered for _ in range(removed[no])][:SAMPLE_SIZE]


def check(sessions: Sessions, no: str, walked: set[str], case: Case) -> None:
    """The case's preview names what its action removes; undone, the segment is back."""
    before = lines_on(sessions, no)
    options = {"criteria": case.criteria, "entire_companies": case.entire_companies}
    preview = case.action(sessions, no, user=USER, preview=True, **options)
    done = case.action(sessions, no, user=USER, **options)
    after = lines_on(sessions, no)
    assert after.items() <= before.items(), case
    removed = Counter(line.contact_no for n, line in before.items() if n not in after)
    total = sum(removed.values())
    assert (preview.removed, done.removed) == (total, total), case
    assert preview.no_of_lines == done.no_of_lines == len(after), case
    assert [contact.no for contact in preview.sample] == first_removed(sessions, removed), case
    check_way(case, sum(removed[no] for no in walked & set(removed)), total)
    if case.entire_companies:
        check_whole_companies(case, before, after)
    if done.removed:
        history.go_back(sessions, no)
    assert lines_on(sessions, no) == before, case


def check_way(case: Case, walked_lines: int, total: int) -> None:
    """The case takes the way it stands for on PostgreSQL."""
    if case.where == FILLS:
        assert walked_lines >= SAMPLE_SIZE, case
    elif case.where == SHORT:
        assert total, case
        assert walked_lines < SAMPLE_SIZE, case
    else:
        assert not total, case


def check_whole_companies(case: Case, before: dict[int, Line], after: dict[int, Line]) -> None:
    """No company keeps some of its lines and loses others; `whole`'s companies are the
    ones removed (reduce) or kept (refine), with every contact of theirs."""
    gone = {line.company_no for n, line in before.items() if n not in after}
    left = {line.company_no for line in after.values()}
    assert not (gone & left) - {""}, case
    if case.whole:
        named = {line.company_no for line in before.values() if line.contact_no in case.whole}
        touched = gone if case.action is reduce else left
        assert touched == named, case
        assert set(case.whole) <= {line.contact_no for line in before.values()}, case


def everyone_on_a_segment(sessions: Sessions) -> tuple[str, set[str]]:
    """WALK + 1000 demo contacts, all on a new segment; its no. and the walked contacts."""
    company.load(sessions, contacts=WALK + 1000)
    no = segments.create_segment(sessions, description="Everyone", user=USER).no
    add_contacts(
        sessions,
        no,
        criteria="no matches 'SC*'",
        user=USER,
        options=AddOptions(ignore_exclusion=True),
    )
    return no, set(in_line_order(sessions)[:WALK])


def test_x2_s4_a_removal_preview_shows_the_first_contacts_it_removes_in_line_order(sessions):
    no, walked = everyone_on_a_segment(sessions)
    for case in CASES:
        check(sessions, no, walked, case)


def test_x2_s4_s11_a_removal_preview_counts_each_line_of_a_contact_and_whole_companies(
    sessions,
):
    """A contact on the segment twice (S3 Allow Existing Contacts, S5 by hand) is two lines
    counted and twice in the sample; Entire Companies (S4) removes or keeps a company's
    contacts together: the preview agrees with the action on both engines, either way."""
    no, walked = everyone_on_a_segment(sessions)
    add_contacts(
        sessions,
        no,
        criteria="mailing_group = NEWSLETTER and no matches 'SC*'",
        user=USER,
        options=AddOptions(allow_existing=True, ignore_exclusion=True),
    )
    manual.add_contacts_by_hand(
        sessions, no, contact_nos=[*FIRST_FIVE, NEAR_THE_END, AFTER_THE_WALK], user=USER
    )
    on_it = Counter(line.contact_no for line in lines_on(sessions, no).values())
    assert {on_it[hand] for hand in (*FIRST_FIVE, NEAR_THE_END, AFTER_THE_WALK)} == {2}
    assert (on_it["SC0001326"], on_it[ONCE_AFTER_THE_WALK]) == (2, 1)
    for case in TWICE_AND_COMPANIES:
        check(sessions, no, walked, case)

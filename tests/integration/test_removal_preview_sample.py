"""X2 of S4: a reduce's or a refine's preview counts the lines the action would remove and
shows the first of their contacts in line order (S11), on both engines and whichever way
the engine finds them. On PostgreSQL the sample is looked for first among the first
`_sample.WALK` contacts in line order; when that walk does not fill it (few lines, or lines
whose contacts all come later), one pass over the lines finds it. Each case here is checked
against the action itself: the preview must name the lines the reduce or refine then
removes, their first contacts read back in line order by a plain query.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rapport.demo import company
from rapport.services.segments import header as segments
from rapport.services.segments import history
from rapport.services.segments._lines import line_order
from rapport.services.segments._sample import SAMPLE_SIZE, WALK
from rapport.services.segments.actions import AddOptions, add_contacts, reduce, refine
from rapport.storage import schema

pytestmark = pytest.mark.slow

contacts = schema.contacts
USER = "ADMIN"

# (action, criteria, which way finds the sample on PostgreSQL): the walk of the first WALK
# contacts in line order fills it, or it ends short (too few lines, or lines whose contacts
# come later) and the one pass finds it, or there is no line to find.
FILLS, SHORT, NONE = "the walk fills the sample", "the walk ends short", "no line"
CASES = [
    (reduce, "mailing_group = NEWSLETTER", FILLS),
    (refine, "industry_group = RETAIL or job_responsibility = PURCHASE", FILLS),
    (reduce, "no in (SC0000007, SC0004321, SC0005999)", SHORT),
    (reduce, "company_name matches 'W*|Y*|Z*'", SHORT),
    (reduce, "no = NOBODY", NONE),
]


def members(sessions, no: str) -> set[str]:
    return {line.contact_no for line in segments.get_lines(sessions, no)}


def in_line_order(sessions, nos: set[str] | None = None) -> list[str]:
    """Contact nos. in line order (of `nos`, or of every contact)."""
    with sessions() as session:
        query = select(contacts.c.no).order_by(*line_order())
        if nos is not None:
            query = query.where(contacts.c.no.in_(nos))
        return list(session.scalars(query))


def test_x2_s4_a_removal_preview_shows_the_first_contacts_it_removes_in_line_order(sessions):
    company.load(sessions, contacts=WALK + 1000)
    no = segments.create_segment(sessions, description="Everyone", user=USER).no
    add_contacts(
        sessions,
        no,
        criteria="no matches 'SC*'",
        user=USER,
        options=AddOptions(ignore_exclusion=True),
    )
    everyone = members(sessions, no)
    walked = set(in_line_order(sessions)[:WALK])
    for action, criteria, where in CASES:
        preview = action(sessions, no, criteria=criteria, user=USER, preview=True)
        done = action(sessions, no, criteria=criteria, user=USER)
        removed = everyone - members(sessions, no)
        expected = in_line_order(sessions, removed)[:SAMPLE_SIZE]
        assert (preview.removed, done.removed) == (len(removed), len(removed)), criteria
        assert [contact.no for contact in preview.sample] == expected, criteria
        # The case takes the way it stands for on PostgreSQL.
        if where == FILLS:
            assert len(removed & walked) >= SAMPLE_SIZE, criteria
        elif where == SHORT:
            assert removed, criteria
            assert len(removed & walked) < SAMPLE_SIZE, criteria
        else:
            assert not removed
        if done.removed:
            history.go_back(sessions, no)
        assert members(sessions, no) == everyone

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

# (action, criteria, what makes the case): the walk fills the sample, the lines are too
# few for it, or their contacts all lie past the walk.
CASES = [
    (reduce, "mailing_group = NEWSLETTER", "many lines: the walk fills the sample"),
    (refine, "industry_group = RETAIL or job_responsibility = PURCHASE", "a refine's many"),
    (reduce, "no in (SC0000007, SC0004321, SC0005999)", "three lines"),
    (reduce, "company_name matches 'W*|Y*|Z*'", "lines whose contacts come last"),
    (reduce, "no = NOBODY", "no line"),
]


def members(sessions, no: str) -> set[str]:
    return {line.contact_no for line in segments.get_lines(sessions, no)}


def in_line_order(sessions, nos: set[str]) -> list[str]:
    with sessions() as session:
        query = select(contacts.c.no).where(contacts.c.no.in_(nos)).order_by(*line_order())
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
    first_contacts = in_line_order(sessions, everyone)
    for action, criteria, case in CASES:
        preview = action(sessions, no, criteria=criteria, user=USER, preview=True)
        done = action(sessions, no, criteria=criteria, user=USER)
        removed = everyone - members(sessions, no)
        expected = in_line_order(sessions, removed)[:SAMPLE_SIZE]
        assert (preview.removed, done.removed) == (len(removed), len(removed)), case
        assert [contact.no for contact in preview.sample] == expected, case
        if done.removed:
            history.go_back(sessions, no)
        assert members(sessions, no) == everyone
    # The cases cover what they say: the last one's contacts all lie past the walk.
    late = action_removes(sessions, no, "company_name matches 'W*|Y*|Z*'")
    assert len(late) > SAMPLE_SIZE
    assert min(first_contacts.index(contact) for contact in late) >= WALK


def action_removes(sessions, no: str, criteria: str) -> set[str]:
    before = members(sessions, no)
    reduce(sessions, no, criteria=criteria, user=USER)
    removed = before - members(sessions, no)
    history.go_back(sessions, no)
    return removed

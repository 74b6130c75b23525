"""X3, X7: explain for a contact that was never on the segment says, for each add by
criteria, which parts of its criteria the contact matches now and, when it matches them
all, the consent or exclusion rule that leaves it out of an add (the reasons an add's
`skipped` counts), with the add's own ignore exclusion."""

from __future__ import annotations

from sqlalchemy import insert, update

from rapport.services.segments import explain as explaining
from rapport.services.segments import header as segments
from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.services.segments.manual import add_contact
from rapport.storage import schema
from tests.factories import make_person

contacts = schema.contacts


def _contact_id(session, no):
    return session.scalar(
        contacts.select().with_only_columns(contacts.c.id).where(contacts.c.no == no)
    )


def why_not(world, seg, contact_no):
    explanation = explaining.explain(world, seg, contact_no)
    return [
        (add.action_no, [part.matches for part in add.matched], add.skipped)
        for add in explanation.left_out
    ]


def test_x3_x7_each_add_says_why_it_left_a_contact_out(world):
    with world.begin() as session:
        session.execute(update(contacts).where(contacts.c.no == "P6").values(privacy_blocked=True))
        session.execute(
            update(contacts).where(contacts.c.no == "P2").values(correspondence_type="email")
        )
        session.execute(
            insert(schema.contact_opt_outs).values(
                contact_id=_contact_id(session, "P2"), correspondence_type="email"
            )
        )
    seg = segments.create_segment(world, description="Belgians", user="ADMIN").no
    add_contacts(world, seg, criteria="country = BE and type = person", user="ADMIN")
    add_contact(world, seg, contact_no="P3", user="ADMIN")  # by hand: not a reason
    add_contacts(
        world,
        seg,
        criteria="country = NL",
        user="ADMIN",
        options=AddOptions(ignore_exclusion=True),
    )

    assert why_not(world, seg, "P6") == [(1, [True, True], "privacy_blocked"), (3, [False], "")]
    assert why_not(world, seg, "P2") == [(1, [True, True], "opted_out"), (3, [False], "")]
    # GAMMA is excluded and a company: the first add's criteria say why before any rule
    assert why_not(world, seg, "GAMMA") == [(1, [True, False], ""), (3, [False], "")]
    # on the segment, or ever on it: its events say how; nothing is left out
    assert explaining.explain(world, seg, "P1").left_out == ()
    assert explaining.explain(world, seg, "P4").left_out == ()  # excluded, but ignored
    with world.begin() as session:  # a Belgian who came after the add
        make_person(session, "P9", "Gus", country="BE")
    assert why_not(world, seg, "P9") == [(1, [True, True], ""), (3, [False], "")]
    explained = explaining.explain(world, seg, "P9")
    assert not explained.on_segment
    assert [(add.criteria, add.user_id) for add in explained.left_out] == [
        ("country = BE and type = person", "ADMIN"),
        ("country = NL", "ADMIN"),
    ]


def test_x3_a_segment_without_adds_by_criteria_leaves_nothing_to_explain(world):
    seg = segments.create_segment(world, description="By hand", user="ADMIN").no
    add_contact(world, seg, contact_no="P1", user="ADMIN")
    assert explaining.explain(world, seg, "P2").left_out == ()

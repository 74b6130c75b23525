"""Property (S3, X7): an add puts on the segment exactly the contacts Business Central's
rules say, and counts the candidates it left out under the first reason that applies.

Written from the reference (bc-behaviour.md §2.5 and SPEC X7), not from the product's
statements: the candidates are the contacts the criteria select, expanded to whole
companies and then to related companies when asked; exclusion applies after expansion. A
contact already on the segment is neither added again nor counted unless the add allows
existing contacts. Every other candidate is left out when privacy blocked, else when opted
out of its line's correspondence type, else when excluded from segments (unless the add
ignores exclusion); the others become lines. The line's correspondence type is the header's
default when the header ignores the contact's, else the contact's own (no template here).

Random flags, opt-outs, header and options, a few adds in a row, on both engines: on
PostgreSQL an add by criteria counts what it skipped in the statement that writes its lines,
on SQLite in a query of its own, and the preview counts in a third way; all must agree with
the reference and with each other.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from rapport.services.contacts import consent
from rapport.services.segments import header as segments
from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.services.segments.results import Skipped
from rapport.storage import tables as t
from tests.reference import add_options

NOS = ["ACME", "BETA", "GAMMA", "P1", "P2", "P3", "P4", "P5", "P6"]
TYPES = ["email", "hard_copy"]


@dataclass(frozen=True)
class Contact:
    no: str
    type: str
    company_no: str
    country: str
    correspondence_type: str
    excluded: bool
    privacy_blocked: bool


# Each criteria text beside its meaning, on the world's fields.
CRITERIA = {
    "type = person": lambda c: c.type == "person",
    "country = BE": lambda c: c.country == "BE",
    "no in (P1, P3, P6, ACME)": lambda c: c.no in ("P1", "P3", "P6", "ACME"),
    "not country = NL": lambda c: c.country != "NL",
    "no matches '*'": lambda c: bool(c.no),
    "country = NL or type = company": lambda c: c.country == "NL" or c.type == "company",
}

world_changes = st.fixed_dictionaries(
    {
        "blocked": st.sets(st.sampled_from(NOS), max_size=3),
        "excluded": st.sets(st.sampled_from(NOS), max_size=4),
        "opted_out": st.sets(st.tuples(st.sampled_from(NOS), st.sampled_from(TYPES)), max_size=5),
        "header_type": st.sampled_from(["", *TYPES]),
        "ignore_contact_type": st.booleans(),
    }
)


def candidates(contacts: dict[str, Contact], criteria: str, option: AddOptions) -> set[str]:
    """§2.5 OnPostReport: the criteria's contacts, expanded, then with their companies."""
    chosen = {no for no, c in contacts.items() if CRITERIA[criteria](c)}
    if option.expand_companies:
        chosen = {
            other
            for no in chosen
            for other in (
                [o for o, c in contacts.items() if c.company_no == contacts[no].company_no]
                if contacts[no].company_no
                else [no]
            )
        }
    if option.related_companies:
        chosen |= {contacts[no].company_no for no in chosen if contacts[no].company_no}
    return chosen


def expected_add(
    contacts: dict[str, Contact],
    on_segment: set[str],
    opted_out: set[tuple[str, str]],
    line_type: dict[str, str],
    criteria: str,
    option: AddOptions,
) -> tuple[set[str], Skipped]:
    """UpdateSegLines with X7's consent: the contacts added and those left out by reason."""
    added: set[str] = set()
    reasons: Counter[str] = Counter()
    for no in candidates(contacts, criteria, option):
        contact = contacts[no]
        if not option.allow_existing and no in on_segment:
            continue
        if contact.privacy_blocked:
            reasons["privacy_blocked"] += 1
        elif line_type[no] and (no, line_type[no]) in opted_out:
            reasons["opted_out"] += 1
        elif contact.excluded and not option.ignore_exclusion:
            reasons["excluded"] += 1
        else:
            added.add(no)
    return added, Skipped(**reasons)


def read_contacts(sessions) -> dict[str, Contact]:
    with sessions.begin() as session:
        rows = session.execute(
            select(
                t.Contact.no,
                t.Contact.type,
                t.Contact.company_no,
                t.Contact.country,
                t.Contact.correspondence_type,
                t.Contact.excluded,
                t.Contact.privacy_blocked,
            )
        ).all()
    return {row.no: Contact(*row) for row in rows}


def members(sessions, no: str) -> list[str]:
    """The contact nos. of the lines on the segment, one per line."""
    with sessions.begin() as session:
        return sorted(
            session.scalars(
                select(t.Contact.no)
                .join(t.SegmentLine, t.SegmentLine.contact_id == t.Contact.id)
                .join(t.SegmentHeader, t.SegmentHeader.id == t.SegmentLine.segment_id)
                .where(t.SegmentHeader.no == no, t.SegmentLine.removed_action.is_(None))
            )
        )


def set_up(sessions, changes) -> str:
    """The world's flags and opt-outs as `changes` says; a new segment with its header's
    correspondence type rule. Its no."""
    with sessions.begin() as session:
        session.execute(delete(t.SegmentLine))  # no key cascades them (migration 0015)
        session.execute(delete(t.SegmentHeader))
        session.execute(delete(t.ContactOptOut))
        session.execute(update(t.Contact).values(privacy_blocked=False, excluded=False))
        for flag in ("blocked", "excluded"):
            column = "privacy_blocked" if flag == "blocked" else "excluded"
            session.execute(
                update(t.Contact).where(t.Contact.no.in_(changes[flag])).values({column: True})
            )
    for contact_no, kind in sorted(changes["opted_out"]):
        consent.opt_out(sessions, contact_no, correspondence_type=kind, by="tester")
    values = [("correspondence_type_default", changes["header_type"])]
    if changes["ignore_contact_type"]:
        values.append(("ignore_contact_corres_type", "true"))
    return segments.create_segment(sessions, description="X7", user="U", values=values).no


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    changes=world_changes,
    adds=st.lists(
        st.tuples(st.sampled_from(sorted(CRITERIA)), add_options()), min_size=1, max_size=3
    ),
)
def test_s3_x7_an_add_puts_on_and_skips_the_contacts_the_rules_say(world, changes, adds):
    no = set_up(world, changes)
    contacts = read_contacts(world)
    header_type = changes["header_type"]
    line_type = {
        n: header_type if changes["ignore_contact_type"] and header_type else c.correspondence_type
        for n, c in contacts.items()
    }
    on_segment: list[str] = []
    for criteria, option in adds:
        added, skipped = expected_add(
            contacts, set(on_segment), changes["opted_out"], line_type, criteria, option
        )
        preview = add_contacts(world, no, criteria=criteria, options=option, user="U", preview=True)
        assert (preview.added, preview.skipped) == (len(added), skipped), "the preview"
        result = add_contacts(world, no, criteria=criteria, options=option, user="U")
        assert (result.added, result.skipped) == (len(added), skipped), "the add"
        on_segment += added
        assert members(world, no) == sorted(on_segment)
        assert result.no_of_lines == len(on_segment)

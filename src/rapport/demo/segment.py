"""The demo's segment in progress: the invitations to the customer event of 2026 (campaign
CP00002, through its template INVITE), built by the marketer jim as on its card (S1, S3,
S4, S7): event subscribers added, then the persons of retail, wholesale and food customers,
those who want no mail taken off, and the rest kept to the Benelux. A first look at the
demo thus finds a card with lines, a criteria history to read and to undo step by step,
and a log still to do.

It is built through the segment services, each step its own transaction as a user's, so
it is exactly what those steps give (numbering, skipped contacts, history), dated the day
the demo is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapport.domain.enums import SegmentAction
from rapport.services.segments import actions, header
from rapport.services.segments.results import NO_OPTIONS, AddOptions
from rapport.storage.db import Sessions

USER = "jim"
DESCRIPTION = "Customer event 2026: invitations"
TEMPLATE = "INVITE"


@dataclass(frozen=True)
class Step:
    kind: SegmentAction  # add, reduce or refine
    criteria: str
    options: AddOptions = NO_OPTIONS
    entire_companies: bool = False


STEPS = (
    Step(SegmentAction.ADD, "mailing_group = EVENTS"),
    Step(
        SegmentAction.ADD,
        "business_relation = CUST and industry_group in (RETAIL, WHOLESALE, FOOD)",
        options=AddOptions(expand_companies=True),
    ),
    Step(SegmentAction.REDUCE, "mailing_group = NO_MAIL"),
    Step(SegmentAction.REFINE, "country in (BE, NL, LU)", entire_companies=True),
)


def build_segment_in_progress(sessions: Sessions) -> str:
    """Create the demo's open segment and take its criteria actions; its no."""
    no = header.create_segment(
        sessions,
        description=DESCRIPTION,
        user=USER,
        values=[("interaction_template_code", TEMPLATE)],
    ).no
    for step in STEPS:
        if step.kind is SegmentAction.ADD:
            actions.add_contacts(
                sessions, no, criteria=step.criteria, options=step.options, user=USER
            )
        else:
            remove = actions.reduce if step.kind is SegmentAction.REDUCE else actions.refine
            remove(
                sessions,
                no,
                criteria=step.criteria,
                entire_companies=step.entire_companies,
                user=USER,
            )
    return no

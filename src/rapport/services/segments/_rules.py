"""The consent and exclusion rules of an add (reference §2.5, X7): what keeps a candidate
off a segment, defined once for the add's filter (`_lines.eligible`), the count of the
contacts it left out and the preview (`_skipped`), and a dynamic segment's membership
(`_definition`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, case, exists, false, not_, true

from rapport.domain.skip_reasons import EXCLUDED, OPTED_OUT, PRIVACY_BLOCKED
from rapport.storage import schema
from rapport.storage.db import has_rows

if TYPE_CHECKING:
    from rapport.services.segments.results import AddOptions
    from rapport.storage.db import Db

contacts = schema.contacts


def opted_out(correspondence_type: ColumnElement[str]) -> ColumnElement[bool]:
    """X7: the contact opted out of the line's correspondence type (a line without one is
    opted out of nothing). The blank test is on the opt-out row, which the probe finds by
    its key, rather than on the line's type, a CASE SQLite would compute once more for
    every contact."""
    opt_outs = schema.contact_opt_outs
    return exists().where(
        opt_outs.c.contact_id == contacts.c.id,
        opt_outs.c.correspondence_type == correspondence_type,
        opt_outs.c.correspondence_type != "",
    )


@dataclass(frozen=True)
class Rule:
    """X7: a reason an add leaves a candidate out (`reason`, the name of one of
    `domain.skip_reasons`, a field of `Skipped`): `applies` to the contacts it leaves out,
    `passes` is its negation in the form the planners use (a flag compared with false meets
    its partial index)."""

    reason: str
    applies: ColumnElement[bool]
    passes: ColumnElement[bool]


def exclusion_rules(session: Db, line_type: ColumnElement[str], options: AddOptions) -> list[Rule]:
    """The consent and exclusion rules of an add (reference §2.5, X7), in the order of
    `domain.skip_reasons`, a candidate left out counted under the first that applies:
    privacy blocked; opted out of its line's correspondence type `line_type` (only when some
    contact opted out of something); excluded from segments, unless the add ignores
    exclusion."""
    blocked = contacts.c.privacy_blocked
    rules = [Rule(PRIVACY_BLOCKED.name, blocked == true(), blocked == false())]
    if has_rows(session, schema.contact_opt_outs):
        refused = opted_out(line_type)
        rules.append(Rule(OPTED_OUT.name, refused, not_(refused)))
    if not options.ignore_exclusion:
        excluded = contacts.c.excluded
        rules.append(Rule(EXCLUDED.name, excluded == true(), excluded == false()))
    return rules


def reason_of(rules: list[Rule]) -> ColumnElement[int]:
    """The number (from 1) of the first of `rules` that applies to the contact; 0 when none
    does, and the contact may go on the segment."""
    return case(*((rule.applies, number) for number, rule in enumerate(rules, 1)), else_=0)

"""The values of the interaction log entries' INSERT … SELECT that come from other rows
than the line's (L2): each line's campaign entry no., and the casefolded copies of the
texts copied from the line (schema.FOLDS), both inlined as a CASE over the few values a
segment's lines share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, literal, select

from rapport.services.interactions._checks import lines, logged_lines
from rapport.storage import schema
from rapport.storage.folding import INLINE, folded_case
from rapport.storage.schema import FOLDS

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader

INLINE_CAMPAIGNS = 50  # campaign entries written inline into the entries' INSERT

entries = schema.interaction_log_entries
campaign_entries = schema.campaign_entries


def campaign_entry_of_line(session: Db, entry_no: int) -> Any:
    """The campaign entry no. of a line's campaign: a CASE over the logged segment's few
    campaign entries (cheaper per line than a lookup), else a correlated lookup."""
    known = session.execute(
        select(campaign_entries.c.campaign_no, campaign_entries.c.entry_no).where(
            campaign_entries.c.register_no == entry_no
        )
    ).all()
    if len(known) <= INLINE_CAMPAIGNS:
        if not known:
            return literal(0)
        return case(dict(known), value=lines.c.campaign_no, else_=literal(0))
    lookup = (
        select(campaign_entries.c.entry_no)
        .where(
            campaign_entries.c.register_no == entry_no,
            campaign_entries.c.campaign_no == lines.c.campaign_no,
        )
        .scalar_subquery()
    )
    return func.coalesce(lookup, 0)


def folded_texts(session: Db, header: SegmentHeader) -> dict[str, Any]:
    """Each entry's casefolded copy of a text copied from its line (description,
    subject): a CASE over the line texts when they are few (a segment's lines mostly
    share them), else nothing (the copies are then rewritten after the insert). The
    texts are read together in one pass over the lines when their pairs are few."""
    names = FOLDS[entries.name]
    pairs = session.execute(
        select(*(lines.c[name] for name in names))
        .where(*logged_lines(header.id))
        .distinct()
        .limit(INLINE + 1)
    ).all()
    if len(pairs) <= INLINE:
        return {
            copy: folded_case(lines.c[name], {row[place] for row in pairs})
            for place, (name, copy) in enumerate(names.items())
        }
    copies: dict[str, Any] = {}
    for name, copy in FOLDS[entries.name].items():
        texts = select(lines.c[name]).where(*logged_lines(header.id)).distinct()
        found = session.scalars(texts.limit(INLINE + 1)).all()
        if len(found) <= INLINE:
            copies[copy] = folded_case(lines.c[name], found)
    return copies

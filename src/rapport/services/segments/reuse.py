"""Saving and reusing criteria (S9) and reusing a logged segment (S10).

Reuse replays every saved action through the same add/reduce/refine paths, honouring
*entire companies* on refine (SPEC §4 fixes BC's quirk 1). Reusing a logged segment adds
its contacts as one recorded action `logged_segment(N)`: canceled entries and contacts
already on the segment are skipped and exclusion applies, unless *allow existing* (then, as
in Business Central, one line per logged interaction) or *ignore exclusion* is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, literal, select
from sqlalchemy.orm import Session

from rapport.criteria.value import Criteria
from rapport.domain.codes import normalize_code
from rapport.domain.enums import SegmentAction
from rapport.domain.rules import TEXT_LENGTH
from rapport.errors import (
    CODE_FIELD,
    N_,
    Conflict,
    Invalid,
    Text,
    Unconfirmed,
    does_not_exist,
    text_of,
)
from rapport.services._criteria import replay_warnings
from rapport.services._logged import check_logged_segment
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import no_of_criteria_actions, no_of_lines
from rapport.services.segments._recording import apply_add, apply_remove
from rapport.services.segments.engine import add_logged_contacts
from rapport.services.segments.results import AddOptions, AddResult, Skipped
from rapport.storage.db import Sessions
from rapport.storage.tables import (
    SavedSegmentCriteria,
    SavedSegmentCriteriaLine,
    SegmentCriteriaLine,
    SegmentHeader,
    length_of,
    table_of,
)

FLAGS = (
    "allow_existing_contacts",
    "expand_contact",
    "allow_company_with_persons",
    "ignore_exclusion",
    "entire_companies",
)


@dataclass(frozen=True)
class ReuseResult:
    actions: int
    added: int
    removed: int
    no_of_lines: int
    skipped: Skipped = field(default_factory=Skipped)  # summed over the replayed adds (X7)
    # codes the saved criteria name that were deleted since: the actions ran and selected
    # nothing for them (issue 11 item 7)
    warnings: tuple[str, ...] = ()


def save_criteria(
    sessions: Sessions, segment_no: str, *, code: str, description: str = "", user: str
) -> str:
    """S9: store the segment's criteria actions under `code` (reference §2.9)."""
    try:
        code = normalize_code(code, length=10, field="code")
    except ValueError as exc:
        raise Invalid(text_of(exc)) from exc
    if not code:
        raise Invalid(N_("Code must have a value in Save Segment Criteria."))
    TEXT_LENGTH.check("description", description, length_of(SavedSegmentCriteria, "description"))
    with sessions.begin() as session:
        header = get_header(session, segment_no)
        if no_of_criteria_actions(session, header.id) == 0:
            raise Invalid(
                N_(
                    "No. of Criteria Actions must have a value in Segment Header: No.={no}. It "
                    "cannot be zero or empty.",
                    no=header.no,
                )
            )
        if session.get(SavedSegmentCriteria, code) is not None:
            raise Conflict(N_("The Saved Segment Criteria {code} already exists.", code=code))
        session.add(SavedSegmentCriteria(code=code, description=description, user_id=user))
        session.flush()
        source = table_of(SegmentCriteriaLine)
        session.execute(
            insert(table_of(SavedSegmentCriteriaLine)).from_select(
                ["segment_criteria_code", "line_no", "action", "criteria", *FLAGS],
                select(
                    literal(code),
                    source.c.action_no,
                    source.c.action,
                    source.c.criteria,
                    *(source.c[name] for name in FLAGS),
                ).where(source.c.segment_id == header.id),
            )
        )
        return code


def _confirm_reuse(session: Session, header: SegmentHeader, *, what: Text, yes: bool) -> None:
    """BC asks, default No, before reusing on a segment that already has criteria actions."""
    count = no_of_criteria_actions(session, header.id)
    if count and not yes:
        raise Unconfirmed(
            N_(
                "Segment {no} already contains {count} No. of Criteria Actions. "
                "Are you sure you want to reuse a {what}?",
                no=header.no,
                count=count,
                what=what,
            )
        )


def reuse_criteria(
    sessions: Sessions, segment_no: str, *, code: str, user: str, yes: bool = False
) -> ReuseResult:
    """S9: replay every action of the saved criteria `code` on the segment, in one
    transaction, against the contacts as they are now."""
    code = code.strip().upper()
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        # Looked up first: a code that names no saved criteria is said so, not asked about
        # (BC asks, then offers its list of saved criteria).
        if session.get(SavedSegmentCriteria, code) is None:
            raise does_not_exist(N_("Saved Segment Criteria"), (CODE_FIELD, code), field="code")
        _confirm_reuse(session, header, what=N_("Saved Segment Criteria"), yes=yes)
        saved = session.scalars(
            select(SavedSegmentCriteriaLine)
            .where(SavedSegmentCriteriaLine.segment_criteria_code == code)
            .order_by(SavedSegmentCriteriaLine.line_no)
        ).all()
        added = removed = 0
        skipped = Skipped()
        warned: dict[str, None] = {}
        for line in saved:
            criteria = Criteria.parse(line.criteria)
            warned.update(dict.fromkeys(replay_warnings(session, criteria)))
            more, fewer, left_out = _replay(session, header, line, criteria, user=user)
            added, removed, skipped = added + more, removed + fewer, skipped + left_out
        return ReuseResult(
            actions=len(saved),
            added=added,
            removed=removed,
            no_of_lines=no_of_lines(session, header.id),
            skipped=skipped,
            warnings=tuple(warned),
        )


def _replay(
    session: Session,
    header: SegmentHeader,
    line: SavedSegmentCriteriaLine,
    criteria: Criteria,
    *,
    user: str,
) -> tuple[int, int, Skipped]:
    """One saved action replayed; returns the lines it added and removed, and the
    candidates an add left out (X7)."""
    if line.action == SegmentAction.ADD:
        options = AddOptions(
            allow_existing=line.allow_existing_contacts,
            expand_companies=line.expand_contact,
            related_companies=line.allow_company_with_persons,
            ignore_exclusion=line.ignore_exclusion,
        )
        result = apply_add(session, header, criteria=criteria, options=options, user=user)
        return result.added, 0, result.skipped
    removed = apply_remove(
        session,
        header,
        action=SegmentAction(line.action),
        criteria=criteria,
        entire_companies=line.entire_companies,
        keep_criteria=True,
        user=user,
    ).removed
    return 0, removed, Skipped()


def reuse_logged(
    sessions: Sessions,
    segment_no: str,
    *,
    entry_no: int,
    user: str,
    allow_existing: bool = False,
    ignore_exclusion: bool = False,
    yes: bool = False,
) -> AddResult:
    """S10: the contacts of logged segment `entry_no` become lines of this segment."""
    with sessions.begin() as session:
        header = get_header(session, segment_no, lock=True)
        # said so, not asked about first
        check_logged_segment(session, entry_no, field="entry_no")
        _confirm_reuse(session, header, what=N_("Logged Segment"), yes=yes)
        return add_logged_contacts(
            session,
            header,
            entry_no=entry_no,
            user=user,
            options=AddOptions(allow_existing=allow_existing, ignore_exclusion=ignore_exclusion),
        )

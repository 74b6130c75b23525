"""Saved criteria (S9): list, show and delete the criteria saved with `save_criteria`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from rapport.domain.codes import normalize_code
from rapport.errors import CODE_FIELD, N_, does_not_exist
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import SavedSegmentCriteria, SavedSegmentCriteriaLine

LINE = SavedSegmentCriteriaLine


@dataclass(frozen=True)
class SavedActionRead:
    """One saved criteria action, replayed in line order by `reuse_criteria`."""

    line_no: int
    action: str
    criteria: str
    allow_existing_contacts: bool
    expand_contact: bool
    allow_company_with_persons: bool
    ignore_exclusion: bool
    entire_companies: bool


@dataclass(frozen=True)
class SavedCriteriaRead:
    code: str
    description: str
    user_id: str
    no_of_actions: int
    actions: tuple[SavedActionRead, ...] = ()


def _find(session: Session, code: str) -> SavedSegmentCriteria:
    """The saved criteria `code`, or NotFound: a code that could not be saved (longer than
    ten characters once upper-cased, as `ßß…` grows) names none either."""
    try:
        key = normalize_code(code, length=10, field="code")
    except ValueError:
        key, found = code.strip().upper(), None
    else:
        found = session.get(SavedSegmentCriteria, key)
    if found is None:
        raise does_not_exist(N_("Saved Segment Criteria"), (CODE_FIELD, key))
    return found


def get_all(sessions: Sessions) -> list[SavedCriteriaRead]:
    """S9: every saved criteria with its number of actions, by code."""
    counts = (
        select(LINE.segment_criteria_code, func.count().label("n"))
        .group_by(LINE.segment_criteria_code)
        .subquery()
    )
    query = (
        select(SavedSegmentCriteria, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.segment_criteria_code == SavedSegmentCriteria.code)
        .order_by(SavedSegmentCriteria.code)
    )
    with reading(sessions) as session:
        return [
            SavedCriteriaRead(row.code, row.description, row.user_id, int(n))
            for row, n in session.execute(query)
        ]


def get(sessions: Sessions, code: str) -> SavedCriteriaRead:
    """S9: one saved criteria with its actions in order."""
    with reading(sessions) as session:
        saved = _find(session, code)
        rows = session.scalars(
            select(LINE).where(LINE.segment_criteria_code == saved.code).order_by(LINE.line_no)
        ).all()
        actions = tuple(
            SavedActionRead(
                **{name: getattr(row, name) for name in SavedActionRead.__annotations__}
            )
            for row in rows
        )
        return SavedCriteriaRead(
            saved.code, saved.description, saved.user_id, len(actions), actions
        )


def delete_criteria(sessions: Sessions, code: str) -> SavedCriteriaRead:
    """S9: delete a saved criteria and its actions; returns what was deleted."""
    with sessions.begin() as session:
        saved = _find(session, code)
        result = SavedCriteriaRead(
            saved.code,
            saved.description,
            saved.user_id,
            int(
                session.scalar(select(func.count()).where(LINE.segment_criteria_code == saved.code))
                or 0
            ),
        )
        session.execute(delete(LINE).where(LINE.segment_criteria_code == saved.code))
        session.delete(saved)
        return result

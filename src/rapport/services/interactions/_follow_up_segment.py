"""L4: the follow-up segment a log creates inside its own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection

from rapport.services.segments.engine import add_logged_contacts, new_header

if TYPE_CHECKING:
    from rapport.storage.db import Db

FOLLOW_UP_LENGTH = 50


def create_follow_up(db: Db, *, old_no: str, campaign_no: str, entry_no: int, user: str) -> str:
    """L4: a new segment for the same contacts and campaign (reference §2.10 with the
    SPEC §4 decision: canceled entries and duplicates skipped, exclusion applies). The
    header is inserted as a mapped object: on a Core connection, by a session joined to its
    transaction, which the session neither commits nor ends when it closes (a rollback, on
    an error, is the log's)."""
    from sqlalchemy.orm import Session

    if isinstance(db, Connection):
        with Session(bind=db, join_transaction_mode="rollback_only") as session:
            return create_follow_up(
                session, old_no=old_no, campaign_no=campaign_no, entry_no=entry_no, user=user
            )
    header = new_header(
        db, description=f"Follow-up on segment {old_no}"[:FOLLOW_UP_LENGTH], user=user
    )
    header.campaign_no = campaign_no
    db.flush()
    add_logged_contacts(db, header, entry_no=entry_no, user=user)
    return header.no

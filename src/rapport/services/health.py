"""Health: whether the database answers (for `/api/health` and monitoring)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rapport.storage.db import Sessions, reading


def database_reachable(sessions: Sessions) -> bool:
    try:
        with reading(sessions) as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True

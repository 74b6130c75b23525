"""S1's "No. of Lines" kept on each segment's header (migration 0018): the check every test
database goes through at its end, and the count set for lines a test writes directly."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, func, inspect, select, text, update
from sqlalchemy.pool import NullPool

from rapport.storage import schema

# Every segment with its header's count and its lines on it, counted.
COUNTS = """
SELECT h.no, h.no_of_lines, (
    SELECT count(*) FROM segment_lines l WHERE l.segment_id = h.id AND l.removed_action IS NULL
) AS counted
FROM segment_headers h
"""


def assert_lines_counted(url: str) -> None:
    """Each segment's header counts the lines on it, whatever the test did to them: every
    path that adds, removes, restores or deletes lines keeps the count."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("segment_headers"):
                return
            rows = connection.execute(text(COUNTS)).all()
    finally:
        engine.dispose()
    wrong = [(no, kept, counted) for no, kept, counted in rows if kept != counted]
    assert not wrong, f"segments whose header miscounts their lines (no, kept, counted): {wrong}"


def count_lines(session: Any, *segment_ids: int) -> None:
    """Set the headers' counts (of these segments, or of all) to their lines on them, as the
    product keeps them, after a test wrote lines directly."""
    headers, lines = schema.segment_headers, schema.segment_lines
    on_it = (
        select(func.count())
        .select_from(lines)
        .where(lines.c.segment_id == headers.c.id, lines.c.removed_action.is_(None))
        .scalar_subquery()
    )
    chosen = update(headers).values(no_of_lines=on_it)
    session.execute(chosen.where(headers.c.id.in_(segment_ids)) if segment_ids else chosen)

"""The demo company exported as a lake, and a segment's lines as rows to compare (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from rapport.demo.company import load_demo
from rapport.services.lake.exports import export_lake
from rapport.storage import tables as t
from rapport.storage.db import Sessions, make_engine
from rapport.storage.segment_lines import segment_lines

SKIPPED_COLUMNS = {"id", "segment_id"}


def demo_lake(url: str, tmp_path: Path) -> Iterator[tuple[Sessions, Path]]:
    """The demo company loaded into the database at `url` and exported as a lake."""
    engine = make_engine(url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    load_demo(sessions)
    export_lake(sessions, folder=tmp_path / "lake")
    yield sessions, tmp_path / "lake"
    engine.dispose()


def lines_of(sessions: Sessions, segment_no: str) -> list[dict[str, Any]]:
    """Every line of the segment (removed ones included), by line no., with its contact no."""
    columns = [c for c in segment_lines.c if c.name not in SKIPPED_COLUMNS]
    with sessions() as session:
        header = session.scalars(select(t.SegmentHeader).where(t.SegmentHeader.no == segment_no))
        segment_id = header.one().id
        rows = session.execute(
            select(t.Contact.no, *columns)
            .outerjoin(t.Contact, t.Contact.id == segment_lines.c.contact_id)
            .where(segment_lines.c.segment_id == segment_id)
            .order_by(segment_lines.c.line_no)
        )
        return [dict(row._mapping) for row in rows]

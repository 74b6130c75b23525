"""The preview accelerator (X2, X6, SPEC §9): the server keeps the contacts' codes as
compressed bitmaps in its own process, so that a keystroke's preview and a segment's
composition chart are counted in memory instead of by the database.

It is exact, always. It answers only criteria it fully supports (`_accel_eval`) and
otherwise returns None, and the services ask SQL: the numbers are the same either way.
Before each answer it reads the change sequence (storage/changes.py) past its watermark,
in the caller's transaction, and re-reads just the contacts marked since; it is registered
as a change reader, so the triggers record while it lives (migration 0010). A segment's
active lines are cached per segment under a version token read in one indexed query (the
membership version the services bump, its last criteria action and its highest line no.).
A preview's sample is fetched by SQL for the few contacts first in line order.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pyroaring import BitMap
from sqlalchemy import func, select, text, true
from sqlalchemy.orm import Session

from rapport.criteria import fields as registry
from rapport.criteria.tree import And, Expr, Not, Or, SegmentMember
from rapport.criteria.value import Criteria
from rapport.services.segments._accel_build import ids_of, stream, trim_heap
from rapport.services.segments._accel_eval import Evaluator, Unsupported
from rapport.services.segments._accel_state import Index, Limits, as_bitmap, server_limits
from rapport.storage import changes
from rapport.storage.db import Sessions, is_postgresql, reading, small_page_cache
from rapport.storage.segment_lines import segment_lines
from rapport.storage.tables import SegmentCriteriaLine, SegmentHeader, table_of

__all__ = ["Accelerator", "Limits", "Lines", "server_limits"]

DIRTY_LIMIT = 5_000  # contacts whose line-order rank is stale before the ranks are re-read
HEARTBEAT = dt.timedelta(seconds=60)  # how often the reader's watermark is written back
headers = table_of(SegmentHeader)
criteria_lines = table_of(SegmentCriteriaLine)


@dataclass
class Lines:
    """A segment's active lines: its distinct contacts, the extra lines of a contact that is
    on it more than once, and the lines without a contact."""

    token: tuple[Any, ...]
    contacts: BitMap
    extra: dict[int, int] = field(default_factory=dict)
    no_contact: int = 0

    @property
    def total(self) -> int:
        return len(self.contacts) + sum(self.extra.values()) + self.no_contact

    def lines_of(self, chosen: BitMap) -> int:
        """How many of the lines belong to the contacts `chosen`."""
        return self.contacts.intersection_cardinality(chosen) + sum(
            n for c, n in self.extra.items() if c in chosen
        )


class Accelerator:
    """The in-process index of one server, over `sessions`; thread-safe. `limits`: the bytes
    of bitmaps and columns it may hold (the columns of the scans are kept only within them)
    and how it reads."""

    def __init__(self, sessions: Sessions, *, limits: Limits | None = None) -> None:
        self.sessions = sessions
        self.limits = limits or Limits()
        self.index: Index | None = None
        self.reader: int | None = None
        self.lock = threading.RLock()
        self.segments: dict[int, Lines] = {}
        self.seen_at = dt.datetime.min
        self.building = False
        self.thread: threading.Thread | None = None
        self.last: tuple[tuple[str, int, int, dt.date], BitMap] | None = None

    # -- life --------------------------------------------------------------------------

    def build(self) -> None:
        """Register as a change reader, then read the whole index (about a minute of CPU at
        1M contacts); until it is built the services answer by SQL. A build that fails
        takes its registration back (the triggers need not record for it)."""
        with self.lock:
            self.building = True
        try:
            with self.sessions.begin() as session:
                reader = changes.register_reader(session)
            try:
                index = self._read(reader)
            except BaseException:
                with self.sessions.begin() as session:
                    changes.unregister_reader(session, reader)
                raise
            with self.lock:
                self.index, self.reader, self.segments = index, reader, {}
                self.last = None
                self.seen_at = _now()
        finally:
            with self.lock:
                self.building = False

    def _read(self, reader: int) -> Index:
        _wait_for_writers(self.sessions)
        index = Index(limits=self.limits)
        with reading(self.sessions) as session:  # short: it holds appends off
            upto = changes.watermark(session)
        with reading(self.sessions) as session, small_page_cache(session):
            # what changes meanwhile is re-read from the log
            index.load(session, upto)
        with self.sessions.begin() as session:
            changes.reader_seen(session, reader, upto=index.watermark)
        return index

    def start(self) -> threading.Thread:
        """Build in a background thread (the server starts serving at once)."""
        thread = threading.Thread(target=self.build, name="rapport-accelerator", daemon=True)
        self.thread = thread
        thread.start()
        return thread

    def close(self) -> None:
        """Unregister (the triggers stop recording when no reader and no dynamic segment)."""
        with self.lock:
            reader, self.index, self.reader = self.reader, None, None
        if reader is not None:
            with self.sessions.begin() as session:
                changes.unregister_reader(session, reader)

    def memory(self) -> int:
        """Bytes held by the index (bitmaps and columns)."""
        with self.lock:
            return 0 if self.index is None else self.index.memory()

    # -- keeping in step ---------------------------------------------------------------

    def ready(self, session: Session) -> Index | None:
        """The index in step with `session`'s view of the database, or None (not built, or
        dropped as a stale reader: then it is built again in the background). Call with
        `lock` held."""
        index, reader = self.index, self.reader
        if index is None or reader is None:
            return None
        upto = changes.watermark_now(session)
        if upto is None:  # a writer is appending to the log (PostgreSQL): SQL answers
            return None
        if not changes.reader_registered(session, reader):
            self.index = self.reader = None
            if not self.building:
                self.start()
            return None
        if upto > index.watermark:
            marked = session.scalars(
                select(func.distinct(changes.contact_changes.c.contact_id)).where(
                    changes.contact_changes.c.seq > index.watermark,
                    changes.contact_changes.c.seq <= upto,
                )
            )
            index.apply(session, BitMap(marked), upto)
        if len(index.dirty) > DIRTY_LIMIT:
            index.load_rank(session)
        return index

    def heartbeat(self) -> None:
        """Write the watermark back now and then (its own short transaction), drop the
        changes nobody needs any more, and hand the heap the keystrokes freed back to the
        system (the resident set stays near what the index holds)."""
        with self.lock:
            index, reader = self.index, self.reader
            if index is None or reader is None or _now() - self.seen_at < HEARTBEAT:
                return
            self.seen_at = _now()
            upto = index.watermark
        with self.sessions.begin() as session:
            if not changes.reader_seen(session, reader, upto=upto):
                return
            dynamic = session.scalar(
                select(func.min(headers.c.refreshed_seq)).where(headers.c.dynamic == true())
            )
            changes.prune(session, upto=upto if dynamic is None else min(upto, int(dynamic)))
        trim_heap()

    # -- segments ----------------------------------------------------------------------

    def lines(self, session: Session, segment_id: int) -> Lines:
        """The segment's active lines, read again only when its version token moved."""
        token = _token(session, segment_id)
        cached = self.segments.get(segment_id)
        if cached is not None and cached.token == token:
            return cached
        active = (
            segment_lines.c.segment_id == segment_id,
            segment_lines.c.removed_action.is_(None),
        )
        query = select(segment_lines.c.contact_id).where(
            *active, segment_lines.c.contact_id.is_not(None)
        )
        # streamed (a server-side cursor on PostgreSQL): 32-bit ids, no row kept past its
        # chunk (a segment of millions of lines fetched at once is hundreds of MB of rows)
        parts = [ids_of(chunk) for chunk in stream(session, query)]
        ids = np.concatenate(parts) if parts else np.zeros(0, np.uint32)
        del parts
        ids.sort()
        repeated, counts = np.unique(ids[1:][ids[1:] == ids[:-1]], return_counts=True)
        found = Lines(
            token,
            as_bitmap(ids),
            extra=dict(zip(repeated.tolist(), counts.tolist(), strict=True)),
            no_contact=int(
                session.scalar(
                    select(func.count()).where(*active, segment_lines.c.contact_id.is_(None))
                )
                or 0
            ),
        )
        self.segments[segment_id] = found
        return found

    def member_of(self, session: Session) -> Callable[[str], BitMap]:
        """`segment(NO)` as the contacts on it."""

        def contacts_on(no: str) -> BitMap:
            found = session.scalar(select(headers.c.id).where(headers.c.no == no))
            return BitMap() if found is None else self.lines(session, found).contacts

        return contacts_on

    def selected(self, session: Session, index: Index, criteria: Criteria) -> BitMap:
        """The contacts the criteria select; Unsupported when SQL must answer."""
        if criteria.subject is not registry.CONTACTS:
            raise Unsupported(criteria.subject.name)
        # A keystroke asks the same criteria three times (add, reduce, refine): the last
        # answer is kept while the index is unchanged (not with `segment(NO)`, whose lines
        # have a version of their own).
        key = (criteria.text, id(index), index.watermark, dt.date.today())
        if self.last is not None and self.last[0] == key:
            return self.last[1]
        found = Evaluator(index, self.member_of(session)).ids(criteria.tree)
        if not _reads_segments(criteria.tree):
            self.last = (key, found)
        return found


def _reads_segments(expr: Expr) -> bool:
    """Whether `expr` has a `segment(NO)` anywhere."""
    if isinstance(expr, SegmentMember):
        return True
    if isinstance(expr, And | Or):
        return any(_reads_segments(part) for part in expr.parts)
    if isinstance(expr, Not):
        return _reads_segments(expr.operand)
    return False


def _token(session: Session, segment_id: int) -> tuple[Any, ...]:
    """What changes whenever the segment's active lines change, in one indexed query."""
    last_action = (
        select(func.max(criteria_lines.c.action_no))
        .where(criteria_lines.c.segment_id == segment_id)
        .scalar_subquery()
    )
    last_line = (
        select(func.max(segment_lines.c.line_no))
        .where(segment_lines.c.segment_id == segment_id)
        .scalar_subquery()
    )
    row = session.execute(
        select(headers.c.no, headers.c.membership_version, last_action, last_line).where(
            headers.c.id == segment_id
        )
    ).one()
    return tuple(row)


def _wait_for_writers(sessions: Sessions) -> None:
    """PostgreSQL: wait until the transactions running when the reader registered have
    ended (their writes may have found no reader and gone unrecorded), so the base state
    read next includes them; SQLite serializes writers, so the registration came after."""
    with reading(sessions) as session:
        if not is_postgresql(session):
            return
        horizon = session.scalar(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text"))
    while True:
        with reading(sessions) as session:
            done = session.scalar(
                text("SELECT pg_snapshot_xmin(pg_current_snapshot()) >= CAST(:h AS xid8)"),
                {"h": horizon},
            )
        if done:
            return
        time.sleep(0.05)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)

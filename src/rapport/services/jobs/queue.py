"""The job queue: submit, watch, run one at a time, resume after a restart."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from rapport.domain.codes import may_name_a_row
from rapport.errors import N_, Conflict, NotFound, RapportError, Text, text_data, text_from
from rapport.services.jobs import _running
from rapport.storage.db import Sessions, is_postgresql, reading
from rapport.storage.tables import Job

log = logging.getLogger("rapport.jobs")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
FINISHED = (DONE, FAILED)
ROW_EVERY = 0.25  # seconds between two writes of a job's progress row (the last one is kept)


@dataclass(frozen=True)
class JobRead:
    id: int
    kind: str
    state: str
    done: int
    total: int | None
    messages: list[Text]  # in English `str(text)`, in the reader's language `said(text, …)`
    result: dict[str, Any] | None
    error: str
    created_by: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class JobFailed(RapportError):
    """A job's failure with what it found, kept as the job's result (a file's bad rows)."""

    def __init__(self, message: str, result: dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result


class Progress:
    """What a running job reports: how far it is and what it has to say. Every update is
    kept in this process at once (`_running`) and written to the job's row for the other
    processes, except beside a write lock the job holds itself (`beside_write_lock`). `by`
    is the user who queued the job, on whose behalf it runs (an import's audit entries)."""

    def __init__(self, sessions: Sessions, job_id: int, *, by: str) -> None:
        self.sessions, self.job_id, self.by = sessions, job_id, by
        self._row_waits = False
        self._written = 0.0

    def update(
        self,
        done: int,
        total: int | None = None,
        phase: str | None = None,  # noqa: ARG002 (an import's phase; see below)
    ) -> None:
        """How far the job is; the row is written at most every ROW_EVERY seconds (and
        with the last value when the job ends). A job's progress is its counts: the
        `phase` an import names is for the command line's bar and is not kept."""
        _running.keep(self.job_id, done, total)
        if not self._row_waits and time.monotonic() - self._written >= ROW_EVERY:
            self._write(done, total)
            self._written = time.monotonic()

    def _write(self, done: int, total: int | None) -> None:
        values: dict[str, Any] = {"done": done}
        if total is not None:
            values["total"] = total
        with self.sessions.begin() as session:
            session.execute(update(Job).where(Job.id == self.job_id).values(**values))

    @contextmanager
    def beside_write_lock(self) -> Iterator[None]:
        """While the block holds the database's write lock (an import): on PostgreSQL the row
        is still written, from a connection of its own that needs no lock the block holds;
        on SQLite it would wait for the block's own lock, so the progress is kept in this
        process only (the API of this process reads it) and the row gets the last value
        when the block ends."""
        engine = self.sessions.kw["bind"]
        self._row_waits = not is_postgresql(engine)
        try:
            yield
        finally:
            waited, self._row_waits = self._row_waits, False
            last = _running.get(self.job_id)
            if waited and last is not None:
                self._write(*last)

    def say(self, message: str | Text) -> None:
        with self.sessions.begin() as session:
            job = session.get(Job, self.job_id)
            if job is not None:
                job.messages = json.dumps([*json.loads(job.messages), text_data(message)])


Runner = Callable[[Sessions, Mapping[str, Any], Progress], dict[str, Any]]
# Reads the live progress of a kind of job from the data it works on (e.g. the delivery
# queue of a logged segment), for kinds whose work is a queue of its own.
LiveProgress = Callable[[Session, Mapping[str, Any]], tuple[int, int] | None]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def submit_in(
    session: Session,
    *,
    kind: str,
    params: Mapping[str, Any],
    by: str,
    total: int | None = None,
    message: str | Text = "",
) -> int:
    """Queue a job inside the caller's transaction (it exists only if the caller commits),
    with what it has to say from the start (`message`; a `Text` is kept as its template and
    values, so that each reader is told it in their language)."""
    job = Job(
        kind=kind,
        state=QUEUED,
        done=0,
        total=total,
        params=json.dumps(dict(params), default=str),
        messages=json.dumps([text_data(message)] if message else []),
        error="",
        created_by=by[:50],
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job.id


def submit(
    sessions: Sessions,
    *,
    kind: str,
    params: Mapping[str, Any],
    by: str,
    total: int | None = None,
    message: str | Text = "",
) -> int:
    with sessions.begin() as session:
        return submit_in(session, kind=kind, params=params, by=by, total=total, message=message)


def _read(session: Session, job: Job, live: Mapping[str, LiveProgress] | None = None) -> JobRead:
    """A job as its row says, with the live count of its work while it is not finished
    (kept by this process, or counted from the work's own queue)."""
    done, total = job.done, job.total
    kept = _running.get(job.id) if job.state == RUNNING else None
    if kept is not None:
        done, total = kept[0], kept[1] if kept[1] is not None else total
    watcher = (live or {}).get(job.kind)
    if watcher is not None and job.state not in FINISHED:
        counted = watcher(session, json.loads(job.params))
        if counted is not None:
            done, total = counted
    return JobRead(
        id=job.id,
        kind=job.kind,
        state=job.state,
        done=done,
        total=total,
        messages=[text_from(kept) for kept in json.loads(job.messages)],
        result=json.loads(job.result) if job.result else None,
        error=job.error,
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _job(session: Session, job_id: int) -> Job:
    """The job's row; NotFound also for an id beyond the ids' column (32-bit on PostgreSQL)."""
    job = session.get(Job, job_id) if may_name_a_row(job_id) else None
    if job is None:
        raise NotFound(N_("there is no job {job_id}", job_id=job_id))
    return job


def get(
    sessions: Sessions, job_id: int, *, live: Mapping[str, LiveProgress] | None = None
) -> JobRead:
    with reading(sessions) as session:
        return _read(session, _job(session, job_id), live)


def get_all(
    sessions: Sessions, *, limit: int = 50, by: str | None = None, before: int | None = None
) -> list[JobRead]:
    """The newest `limit` jobs (of user `by`), those older than job `before` when given (the
    next page)."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if before is not None:
        query = query.where(Job.id < before)
    if by is not None:
        query = query.where(func.lower(Job.created_by) == by.lower())
    with reading(sessions) as session:
        return [_read(session, job) for job in session.scalars(query)]


def _claim(sessions: Sessions) -> tuple[int, str, dict[str, Any], str] | None:
    with sessions.begin() as session:
        job = session.scalars(select(Job).where(Job.state == QUEUED).order_by(Job.id)).first()
        if job is None:
            return None
        claimed = session.execute(
            update(Job)
            .where(Job.id == job.id, Job.state == QUEUED)
            .values(state=RUNNING, started_at=utcnow())
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return job.id, job.kind, json.loads(job.params), job.created_by


def _finish(sessions: Sessions, job_id: int, **values: Any) -> None:
    """Record the job's end, with the last progress it reported."""
    last = _running.get(job_id)
    if last is not None:
        values = {"done": last[0], **({"total": last[1]} if last[1] is not None else {}), **values}
    with sessions.begin() as session:
        session.execute(update(Job).where(Job.id == job_id).values(finished_at=utcnow(), **values))
    _running.forget(job_id)


def run_next(sessions: Sessions, runners: Mapping[str, Runner]) -> bool:
    """Run the oldest queued job to its end; False when none was waiting."""
    claimed = _claim(sessions)
    if claimed is None:
        return False
    job_id, kind, params, by = claimed
    runner = runners.get(kind)
    try:
        if runner is None:
            raise RapportError(f"this server does not run jobs of kind {kind!r}")
        result = runner(sessions, params, Progress(sessions, job_id, by=by))
    except RapportError as exc:
        found = json.dumps(exc.result, default=str) if isinstance(exc, JobFailed) else None
        _finish(sessions, job_id, state=FAILED, error=exc.message[:500], result=found)
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        _finish(sessions, job_id, state=FAILED, error="an internal error occurred; it is logged")
    else:
        _finish(sessions, job_id, state=DONE, result=json.dumps(result, default=str))
    return True


def delete(sessions: Sessions, job_id: int) -> None:
    """Forget a finished job; one queued or running is refused (it cannot be stopped)."""
    with sessions.begin() as session:
        job = _job(session, job_id)
        if job.state not in FINISHED:
            raise Conflict(
                N_(
                    "job {job_id} is {state}; only a finished job can be deleted",
                    job_id=job_id,
                    state=job.state,
                )
            )
        session.delete(job)


def get_kept(sessions: Sessions, ids: set[int], *, finished_since: dt.datetime) -> set[int]:
    """Of the jobs `ids`, those that still exist and have not finished before
    `finished_since` (queued, running, or finished since)."""
    query = select(Job.id).where(
        Job.id.in_(sorted(ids)), (Job.finished_at.is_(None)) | (Job.finished_at >= finished_since)
    )
    with reading(sessions) as session:
        return set(session.scalars(query))


def resume_interrupted(sessions: Sessions) -> int:
    """Queue again the jobs that were running when the server stopped."""
    with sessions.begin() as session:
        resumed = session.execute(
            update(Job).where(Job.state == RUNNING).values(state=QUEUED, started_at=None)
        )
        return int(resumed.rowcount)  # type: ignore[attr-defined]

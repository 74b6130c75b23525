"""Criteria actions on a segment computed on Apache Spark over the lake (issue 16): add
contacts, reduce, refine (S3, S4; X2 with `preview`), for contact bases kept in a data lake.

Spark computes the contact nos. with Business Central's options (jobs.py: expansion to
companies, the segment's members left out) and writes them as Parquet; the database then
stages them and runs the same set-based path as every action, in one transaction: the line
defaults, numbering, exclusion, consent (each counted), history and undo of an add, the
removal marks of a reduce or refine. Contact nos. the lake has and the database
does not are reported and skipped. The segment's current members go to Spark as a small
Parquet file (an add without *allow existing*). The Spark session starts once per call;
its start-up and the job's time are reported beside the result.

A dynamic segment's refresh on the lake (X4) is a full evaluation applied as a delta: Spark
writes the contacts each step of the definition picks, the database folds them with
consent and exclusion as its own refresh does, and applies the difference as one recorded
action.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.domain.enums import SegmentAction
from rapport.errors import N_, Conflict
from rapport.services._criteria import CriteriaSource, as_criteria
from rapport.services.lake import jobs, staging
from rapport.services.lake.checks import require_schema
from rapport.services.segments import previews
from rapport.services.segments._definition import definition
from rapport.services.segments._lines import contacts, eligible, lines
from rapport.services.segments._propagation import get_header
from rapport.services.segments._reading import no_of_criteria_actions, no_of_lines
from rapport.services.segments._recording import apply_remove, record_insertions
from rapport.services.segments._refresh import RefreshResult, refresh_segment, require_dynamic
from rapport.services.segments._sample import count_and_sample
from rapport.services.segments._skipped import count_skipped
from rapport.services.segments.results import (
    NO_OPTIONS,
    AddOptions,
    AddPreview,
    AddResult,
    RemovalResult,
)
from rapport.storage import spark
from rapport.storage.db import Sessions, reading
from rapport.storage.segment_lines import on_segment

__all__ = [
    "LakeAction",
    "add_contacts_on_lake",
    "reduce_on_lake",
    "refine_on_lake",
    "refresh_on_lake",
]


@dataclass(frozen=True)
class LakeAction:
    """What an action on the lake did: its result as on the database, the contact nos. the
    lake has and the database does not (skipped), and where the time went."""

    result: AddResult | RemovalResult | RefreshResult
    unknown_contacts: int
    unknown_sample: tuple[str, ...]
    master: str
    startup_seconds: float
    spark_seconds: float


def add_contacts_on_lake(
    sessions: Sessions,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    options: AddOptions = NO_OPTIONS,
    lake: str | Path,
    master: str = spark.DEFAULT_MASTER,
    user: str,
    preview: bool = False,
) -> LakeAction:
    """S3 on Spark (X2 with `preview`): put the lake's contacts matching `criteria` on the
    segment, with expansion before exclusion and no duplicates unless allowed."""
    parsed, folder = as_criteria(criteria, database=sessions), require_schema(lake)
    with reading(sessions) as session:
        get_header(session, segment_no)
    started = spark.start(master)
    with tempfile.TemporaryDirectory(prefix="rapport-lake-") as work:
        members = None if options.allow_existing else _members(sessions, segment_no, Path(work))
        rules = jobs.AddRules(options.expand_companies, options.related_companies)
        began, out = time.perf_counter(), Path(work) / "selected"
        jobs.add_nos(
            started.session,
            folder,
            parsed.tree,
            today=dt.date.today(),
            rules=rules,
            members=members,
            out=out,
        )
        spent = time.perf_counter() - began
        result: AddResult
        if preview:
            with reading(sessions) as session:
                result, unknown = _add_preview(session, segment_no, out, options)
        else:
            with sessions.begin() as session:
                header = get_header(session, segment_no, lock=True)
                staged = staging.stage(session, staging.nos_in(out))
                unknown = staging.unknown(session, staged)
                result = record_insertions(
                    session,
                    header,
                    criteria=parsed,
                    user=user,
                    candidates=staging.is_staged(staged),
                    options=options,
                )
                staging.drop(session, staged)
    return LakeAction(result, unknown.count, unknown.sample, master, started.seconds, spent)


def _add_preview(
    session: Session, segment_no: str, out: Path, options: AddOptions
) -> tuple[AddPreview, staging.Unknown]:
    header = get_header(session, segment_no)
    staged = staging.stage(session, staging.nos_in(out))
    candidates = staging.is_staged(staged)
    ids, _ = eligible(session, header, candidates=candidates, options=options)
    added, sample = count_and_sample(session, ids, reads_contacts=True)
    preview = AddPreview(
        action_no=no_of_criteria_actions(session, header.id) + 1,
        added=added,
        no_of_lines=no_of_lines(session, header.id) + added,
        sample=sample,
        skipped=count_skipped(session, header, candidates=candidates, options=options),
    )
    found = staging.unknown(session, staged)
    staging.drop(session, staged)
    return preview, found


def _members(sessions: Sessions, segment_no: str, work: Path) -> Path:
    """The segment's current members' contact nos. as a Parquet file for Spark."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = work / "members.parquet"
    schema = pa.schema([pa.field("no", pa.string(), False)])
    with reading(sessions) as session, pq.ParquetWriter(str(path), schema) as writer:
        header = get_header(session, segment_no)
        query = (
            select(contacts.c.no)
            .join(lines, lines.c.contact_id == contacts.c.id)
            .where(on_segment(header.id))
        )
        result = session.execute(query.execution_options(stream_results=True, yield_per=50_000))
        for part in result.partitions():
            writer.write_batch(pa.record_batch([pa.array([row[0] for row in part])], schema))
    return path


def reduce_on_lake(
    sessions: Sessions,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    lake: str | Path,
    master: str = spark.DEFAULT_MASTER,
    user: str,
    preview: bool = False,
) -> LakeAction:
    """S4 Reduce on Spark: remove the lines whose contact matches `criteria` in the lake."""
    return _remove(
        sessions,
        segment_no,
        SegmentAction.REDUCE,
        criteria,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        lake=lake,
        master=master,
        user=user,
        preview=preview,
    )


def refine_on_lake(
    sessions: Sessions,
    segment_no: str,
    *,
    criteria: CriteriaSource,
    entire_companies: bool = False,
    keep_criteria: bool = False,
    lake: str | Path,
    master: str = spark.DEFAULT_MASTER,
    user: str,
    preview: bool = False,
) -> LakeAction:
    """S4 Refine on Spark: keep only the lines whose contact matches `criteria` in the lake."""
    return _remove(
        sessions,
        segment_no,
        SegmentAction.REFINE,
        criteria,
        entire_companies=entire_companies,
        keep_criteria=keep_criteria,
        lake=lake,
        master=master,
        user=user,
        preview=preview,
    )


def _remove(
    sessions: Sessions,
    segment_no: str,
    action: SegmentAction,
    criteria: CriteriaSource,
    *,
    entire_companies: bool,
    keep_criteria: bool,
    lake: str | Path,
    master: str,
    user: str,
    preview: bool,
) -> LakeAction:
    parsed, folder = as_criteria(criteria, database=sessions), require_schema(lake)
    with reading(sessions) as session:
        get_header(session, segment_no)
    started = spark.start(master)
    with tempfile.TemporaryDirectory(prefix="rapport-lake-") as work:
        began, out = time.perf_counter(), Path(work) / "matched"
        jobs.matched_nos(
            started.session,
            folder,
            parsed.tree,
            today=dt.date.today(),
            entire_companies=entire_companies,
            out=out,
        )
        spent = time.perf_counter() - began
        with reading(sessions) if preview else sessions.begin() as session:
            header = get_header(session, segment_no, lock=not preview)
            staged = staging.stage(session, staging.nos_in(out))
            matched = lines.c.contact_id.in_(staging.staged_ids(staged))
            result: RemovalResult
            if preview:
                result = previews.removal_preview(
                    session,
                    header,
                    action,
                    parsed,
                    entire_companies=False,
                    matched=matched,
                    keep_criteria=keep_criteria,
                )
            else:
                result = apply_remove(
                    session,
                    header,
                    action=action,
                    criteria=parsed,
                    entire_companies=entire_companies,
                    keep_criteria=keep_criteria,
                    user=user,
                    matched=matched,
                )
            unknown = staging.unknown(session, staged)
            staging.drop(session, staged)
    return LakeAction(result, unknown.count, unknown.sample, master, started.seconds, spent)


def refresh_on_lake(
    sessions: Sessions,
    segment_no: str,
    *,
    lake: str | Path,
    master: str = spark.DEFAULT_MASTER,
    user: str,
) -> LakeAction:
    """X4 on Spark: bring the dynamic segment's lines to what its definition gives on the
    lake now, every contact evaluated, the difference applied as one recorded action."""
    folder = require_schema(lake)
    with reading(sessions) as session:
        header = get_header(session, segment_no)
        require_dynamic(header)
        found = definition(session, header.id)
        steps = [
            jobs.Step(
                step.action,
                step.criteria.tree,
                jobs.AddRules(step.options.expand_companies, step.options.related_companies),
                step.entire_companies,
            )
            for step in found.steps
        ]
    started = spark.start(master)
    with tempfile.TemporaryDirectory(prefix="rapport-lake-") as work:
        began = time.perf_counter()
        files = jobs.definition_nos(
            started.session, folder, steps, today=dt.date.today(), out=Path(work)
        )
        spent = time.perf_counter() - began
        with sessions.begin() as session:
            header = get_header(session, segment_no, lock=True)
            require_dynamic(header)
            staged = [
                staging.stage(session, staging.nos_in(path), name=f"{staging.STAGED}_{index}")
                for index, path in enumerate(files)
            ]
            if definition(session, header.id) != found:
                raise Conflict(
                    N_(
                        "Segment {no}'s definition changed while Spark ran: refresh again.",
                        no=header.no,
                    )
                )
            result = refresh_segment(
                session,
                header,
                user=user,
                picked=lambda index: staging.is_staged(staged[index]),
            )
            unknown = staging.unknown_in(session, staged)
            for table in staged:
                staging.drop(session, table)
    return LakeAction(result, unknown.count, unknown.sample, master, started.seconds, spent)

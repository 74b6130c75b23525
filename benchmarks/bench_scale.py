"""Benchmark: SPEC §9's "the same operations at N = 10,000,000 on PostgreSQL ≤ 10 × the 1M
figures", with the two sizes measured in the same rounds (issue 15).

    .venv/bin/python benchmarks/bench_scale.py [--pg-dir-small DIR --pg-dir-large DIR]
        [--small 1000000] [--large 10000000] [--ops add,preview] [--runs 5]

Times operations of bench_segments.py at both sizes, the product and the same-schema
hand-written statement, each in a fresh process forked from bench_segments' fork server, on
the built databases `contacts_<N>` themselves (as bench_segments' `--in-place` does: the
segments the run creates are deleted at the end, also on error): those of the clusters kept
in the two folders, or, without them, of one temporary cluster built for the run. Each round
runs the four measurements (two sizes, two variants) from the state bench_segments resets
to, in an order rotated from round to round, so that the machine's drift through the run
falls on both sizes alike: its speed moves by a third from minute to minute
(docs/benchmarks.md), and runs that timed the 10M rounds and then the 1M rounds put that
drift into the ratio. At each size both variants must leave the same lines and count the
same rows.

Prints, for each operation, the medians at each size, the product's growth from the small
size to the large against the target (SPEC §9: ≤ 10 ×) and the hand-written statement's
growth beside it (SPEC §9: it grows 11–18 ×).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
from pathlib import Path
from typing import Any

from _bench import build_pg, context, postgres_server, segments_of_the_run
from bench_segments import (
    before_run,
    fingerprint,
    measure,
    prepare,
    start_forks,
    tidy,
)
from sqlalchemy import text

from rapport.storage.db import Sessions, open_database

TARGET = 10.0
VARIANTS = ("hand", "rapport")


def opened(stack: contextlib.ExitStack, server: str, contacts: int) -> tuple[str, Sessions]:
    """The built database of `contacts` contacts on `server`, its segments of the run deleted
    and bench_segments' work table dropped when `stack` closes."""
    url = build_pg(server, contacts, clone=False)
    sessions = open_database(url)
    stack.callback(sessions.kw["bind"].dispose)
    stack.callback(tidy, sessions)
    stack.callback(_drop_work_table, sessions)
    stack.enter_context(segments_of_the_run(sessions))
    return url, sessions


def _drop_work_table(sessions: Sessions) -> None:
    with sessions.begin() as session:
        session.execute(text("DROP TABLE IF EXISTS bench_bc_segment_history"))


def rounds(
    databases: dict[int, tuple[str, Sessions, dict[str, str]]], op: str, runs: int
) -> dict[tuple[int, str], list[float]]:
    """`runs` rounds of `op` at each size and in each variant, in rotated order; the seconds
    of each."""
    combos = [(size, variant) for size in databases for variant in VARIANTS]
    seconds: dict[tuple[int, str], list[float]] = {combo: [] for combo in combos}
    for round_no in range(runs):
        shift = round_no % len(combos)
        left: dict[int, Any] = {}
        for size, variant in combos[shift:] + combos[:shift]:
            url, sessions, nos = databases[size]
            before_run(sessions, op, nos[op], size)
            figures = measure(url, op, variant, nos[op])
            seconds[(size, variant)].append(figures["seconds"])
            outcome = (figures["rows"], figures.get("shown"), fingerprint(sessions, nos[op], op))
            if left.setdefault(size, outcome) != outcome:
                sys.exit(f"{op} at {size:,}: the variants left other lines or counts")
        print(
            f"  {op} round {round_no + 1}: "
            + ", ".join(f"{s:,} {v} {seconds[(s, v)][-1]:.3f} s" for s, v in combos),
            flush=True,
        )
    return seconds


def report(op: str, seconds: dict[tuple[int, str], list[float]], small: int, large: int) -> None:
    medians = {combo: statistics.median(values) for combo, values in seconds.items()}
    growth = {v: medians[(large, v)] / medians[(small, v)] for v in VARIANTS}
    verdict = "ok" if growth["rapport"] <= TARGET else f"> {TARGET:g} ×"
    print(
        f"{op:<8} rapport {medians[(large, 'rapport')]:.3f} s / {medians[(small, 'rapport')]:.3f} s"
        f" = {growth['rapport']:.2f} × ({verdict});"
        f"  hand {medians[(large, 'hand')]:.3f} s / {medians[(small, 'hand')]:.3f} s"
        f" = {growth['hand']:.2f} ×",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-dir-small", type=Path, help="the cluster kept for --small")
    parser.add_argument("--pg-dir-large", type=Path, help="the cluster kept for --large")
    parser.add_argument("--small", type=int, default=1_000_000)
    parser.add_argument("--large", type=int, default=10_000_000)
    parser.add_argument("--ops", default="add,preview")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ops = args.ops.split(",")
    start_forks()
    about = context()
    print(f"{about['date']}, {about['commit']}, load {about['load']:.2f}", flush=True)
    with contextlib.ExitStack() as stack:
        servers: dict[Path | None, str] = {}
        databases = {}
        for size, pg_dir in ((args.small, args.pg_dir_small), (args.large, args.pg_dir_large)):
            if pg_dir not in servers:  # without folders, one temporary cluster for both
                servers[pg_dir] = stack.enter_context(postgres_server(pg_dir))
            url, sessions = opened(stack, servers[pg_dir], size)
            nos = prepare(sessions, size, ops)
            tidy(sessions)
            databases[size] = (url, sessions, nos)
        for op in ops:
            report(op, rounds(databases, op, args.runs), args.small, args.large)


if __name__ == "__main__":
    main()

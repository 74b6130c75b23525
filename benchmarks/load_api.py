"""Load test of the REST API (SPEC §7, §9; issue 12 "Performance"): concurrent clients
against a real `rapport serve` on loopback.

    .venv/bin/python benchmarks/load_api.py [--clients 50] [--seconds 30]
        [--db URL | --engine sqlite|postgresql --contacts N [--pg-cluster DIR]] [--lines N]
        [--json-out FILE]

The database: `--db URL` (a database loaded with `rapport demo --contacts N`, used as it
is), or else a work copy of the synthetic one of `--contacts` (SQLite: a copy of
`benchmarks/data/contacts-<N>.db`; PostgreSQL: a throwaway server on loopback and a clone
of the database built there once). A marketer with an API token gets a segment of the
first `--lines` synthetic contacts (default: half of them) before the server starts.

The script starts `rapport serve` on a free loopback port, waits for `/api/health`, runs
`--clients` async httpx clients for `--seconds`, each sending one request after the other,
drawn at random in the proportions of MIX:

  contact        GET /api/contacts/{no}, a random synthetic contact
  segments       GET /api/segments (the first page of the list)
  lines          GET /api/segments/{no}/lines?limit=100&after=…, a random page (keyset)
  segment card   GET /api/segments/{no} (the header with its counts)
  preview        POST /api/segments/{no}/actions, an add's preview for one country

and stops the server (SIGINT, as Ctrl-C: a graceful shutdown). It reports the throughput,
p50 and p99 per kind and overall, and every failure (a status other than 200, or no
answer); it exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from _bench import (
    DATA,
    Fixture,
    admin,
    api_fixture,
    build_base,
    build_pg,
    context,
    free_port,
    postgres_server,
    rapport_executable,
)
from sqlalchemy import text

from rapport.api.pages import encode_cursor
from rapport.services.users import accounts
from rapport.storage.db import Sessions, open_database

USER = "loadapi"
MIX = {"contact": 35, "segments": 10, "lines": 30, "segment card": 15, "preview": 10}
COUNTRIES = ("BE", "NL", "FR", "DE", "GB", "US")
PREVIEW = "no matches 'SC*' and mailing_group = NEWSLETTER and country = {country}"


@dataclass
class Workload:
    """What the clients ask for: the segment, cursors into its lines, the contacts."""

    fixture: Fixture
    contacts: int
    cursors: list[str]


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[str] = field(default_factory=list)


def prepare(url: str, lines: int) -> Workload:
    """The benchmark's user, token and segment (untimed), and an admin if there is none
    (`rapport serve` refuses to start without one). `lines` 0: half of the synthetic
    contacts."""
    sessions = open_database(url)
    try:
        with sessions() as session:
            last = session.scalar(text("SELECT max(no) FROM contacts WHERE no LIKE 'SC%'"))
        if not last:
            raise SystemExit(f"{url} has no synthetic contacts (rapport demo --contacts N)")
        contacts = int(last[2:])
        if accounts.count_admins(sessions) == 0:
            accounts.add_user(sessions, f"{USER}admin", role="admin", by="benchmark")
        fixture = api_fixture(sessions, user=USER, lines=lines or contacts // 2)
        return Workload(fixture, contacts, cursors(sessions, fixture.segment))
    finally:
        sessions.kw["bind"].dispose()


def cursors(sessions: Sessions, no: str) -> list[str]:
    """The cursors of about 1,000 pages spread over the segment's lines."""
    with sessions() as session:
        line_nos = session.scalars(
            text(
                "SELECT l.line_no FROM segment_lines l JOIN segment_headers h"
                " ON h.id = l.segment_id WHERE h.no = :no AND l.removed_action IS NULL"
                " ORDER BY l.line_no"
            ),
            {"no": no},
        ).all()
    step = max(1, len(line_nos) // 1000)
    return [encode_cursor(int(line_no)) for line_no in line_nos[::step]]


def request(workload: Workload, kind: str) -> tuple[str, str, Any]:
    """(method, URL, JSON body) of one request of `kind`."""
    no = workload.fixture.segment
    if kind == "contact":
        return "GET", f"/api/contacts/SC{random.randint(1, workload.contacts):07d}", None
    if kind == "segments":
        return "GET", "/api/segments", None
    if kind == "lines":
        return (
            "GET",
            f"/api/segments/{no}/lines?limit=100&after={random.choice(workload.cursors)}",
            None,
        )
    if kind == "segment card":
        return "GET", f"/api/segments/{no}", None
    criteria = PREVIEW.format(country=random.choice(COUNTRIES))
    return (
        "POST",
        f"/api/segments/{no}/actions",
        {"type": "add", "criteria": criteria, "preview": True},
    )


async def client_loop(
    client: httpx.AsyncClient, workload: Workload, deadline: float, results: Results
) -> None:
    kinds, weights = list(MIX), list(MIX.values())
    while time.perf_counter() < deadline:
        kind = random.choices(kinds, weights)[0]
        method, url, body = request(workload, kind)
        start = time.perf_counter()
        try:
            answer = await client.request(method, url, json=body)
        except httpx.HTTPError as error:
            results.failures.append(f"{method} {url}: {type(error).__name__} {error}")
            continue
        elapsed = (time.perf_counter() - start) * 1000
        if answer.status_code != 200:
            results.failures.append(f"{method} {url}: {answer.status_code} {answer.text[:200]}")
            continue
        results.times[kind].append(elapsed)


async def run_clients(base_url: str, token: str, workload: Workload, args: Any) -> Results:
    results = Results()
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=base_url,
        headers={"authorization": f"Bearer {token}"},
        limits=limits,
        timeout=httpx.Timeout(300.0),
    ) as client:
        for kind in MIX:  # one of each first, untimed (the server's first use of each)
            method, url, body = request(workload, kind)
            answer = await client.request(method, url, json=body)
            if answer.status_code != 200:
                raise SystemExit(f"{method} {url} answered {answer.status_code}: {answer.text}")
        deadline = time.perf_counter() + args.seconds
        await asyncio.gather(
            *(client_loop(client, workload, deadline, results) for _ in range(args.clients))
        )
    return results


@contextlib.contextmanager
def served(url: str) -> Iterator[tuple[str, int]]:
    """`rapport serve` on a free loopback port for the block; its base URL and process id.
    Stopped with
    SIGINT (uvicorn's graceful shutdown), then killed if it has not ended in 60 s."""
    port = free_port()
    environment = {**os.environ, "RAPPORT_SECRET_KEY": secrets.token_urlsafe(32)}
    log = Path(tempfile.mkstemp(prefix="rapport-serve-", suffix=".log")[1])
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            [str(rapport_executable()), "--db", url, "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, server, log)
        yield base, server.pid
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        sys.stderr.write(f"rapport serve's output:\n{log.read_text()}")
        log.unlink(missing_ok=True)


def wait_healthy(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"rapport serve ended at start:\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"rapport serve did not answer /api/health in 120 s:\n{log.read_text()}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(results: Results, seconds: float) -> dict[str, Any]:
    every = [ms for times in results.times.values() for ms in times]
    rows = {
        kind: {
            "requests": len(times),
            "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
        }
        for kind, times in results.times.items()
    }
    return {
        "requests": len(every),
        "per_second": round(len(every) / seconds, 1),
        "p50_ms": round(statistics.median(every), 1) if every else None,
        "p99_ms": round(percentile(every, 0.99), 1) if every else None,
        "failures": len(results.failures),
        "kinds": rows,
    }


def report(figures: dict[str, Any], results: Results, label: str) -> None:
    out = sys.stdout
    out.write(f"{label}\n")
    out.write(
        f"  {figures['requests']:,} requests, {figures['per_second']} per second, "
        f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms, "
        f"{figures['failures']} failed; the server's CPU "
        f"{figures['server_cpu_ms_per_request']} ms per request\n"
    )
    for kind, row in sorted(figures["kinds"].items()):
        out.write(
            f"  {kind:<13} {row['requests']:>7,}  p50 {row['p50_ms']:>8.1f} ms"
            f"  p99 {row['p99_ms']:>8.1f} ms\n"
        )
    for failure in results.failures[:10]:
        out.write(f"  failed: {failure}\n")


def load(url: str, args: argparse.Namespace) -> tuple[dict[str, Any], Results, int]:
    workload = prepare(url, args.lines)
    with served(url) as (base, pid):
        started, cpu = time.perf_counter(), cpu_seconds(pid)
        results = asyncio.run(run_clients(base, workload.fixture.token, workload, args))
        seconds, cpu = time.perf_counter() - started, cpu_seconds(pid) - cpu
    figures = summary(results, seconds)
    answered = figures["requests"] + figures["failures"] + len(MIX)
    figures["server_cpu_ms_per_request"] = round(cpu * 1000 / max(answered, 1), 1)
    return figures, results, workload.contacts


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) the server process has used so far (Linux /proc):
    what each request costs the server whatever else the machine runs."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    """The database URL of this run: `--db`, or a work copy of the synthetic data."""
    if args.db:
        yield args.db
    elif args.engine == "postgresql":
        with postgres_server(args.pg_cluster) as server:
            url = build_pg(server, args.contacts)
            try:
                yield url
            finally:
                admin(server, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")
    else:
        with tempfile.TemporaryDirectory(dir=DATA) as folder:
            work = Path(folder) / "load.db"
            shutil.copyfile(build_base(args.contacts), work)
            yield f"sqlite:///{work}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--db", help="a database loaded with `rapport demo --contacts N`")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--contacts", type=int, default=100_000, help="without --db")
    parser.add_argument("--lines", type=int, default=0, help="default: half of --contacts")
    parser.add_argument(
        "--pg-cluster", type=Path, help="keep the PostgreSQL cluster (and its data) in DIR"
    )
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    with database(args) as url:
        engine = url.split(":", 1)[0]
        figures, results, contacts = load(url, args)
    label = (
        f"{args.clients} clients for {args.seconds:.0f} s against rapport serve ({engine}, "
        f"{contacts:,} contacts), load average {os.getloadavg()[0]:.1f}:"
    )
    report(figures, results, label)
    if args.json_out:
        record = {**context(), "engine": engine, "contacts": contacts, "clients": args.clients}
        record.update(figures)
        args.json_out.write_text(json.dumps(record, indent=2) + "\n")
    return 1 if results.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())

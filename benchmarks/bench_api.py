"""Benchmark of the REST API's reads and a preview (SPEC §7, §9; issue 12 "Performance").

    .venv/bin/python benchmarks/bench_api.py [--contacts 1000000] [--lines 500000] [--runs 20]
        [--json-out FILE]

On a copy of `benchmarks/data/contacts-<N>.db` (built once with `rapport demo`, shared with
the other benchmarks) a marketer with an API token gets a segment of the first `--lines`
synthetic contacts (untimed; default: half of the contacts). Then it times, through the
ASGI app in this process with an async client on its ASGI transport (bearer token,
routing, role check, services, JSON; no network),
each request beside its baseline measured in the same run:

  lines, first page   GET /api/segments/{no}/lines?limit=100; target ≤ 50 ms.
                      Baseline: the hand-written SELECT of the same 101 rows (keyset).
  lines, middle page  the same after the middle line's cursor; target ≤ 50 ms.
  contact card        GET /api/contacts/{no}; target ≤ 10 ms. Baseline: the card's
                      hand-written SELECTs (the contact and each list on its card).
  segment card        GET /api/segments/{no} (the header with its counts). Baseline: the
                      header row by its no.
  preview             POST /api/segments/{no}/actions {"type": "add", "preview": true};
                      target within 10 % of its baseline, the same preview in-process
                      (`add_contacts(…, preview=True)` called directly).

Times are medians of `--runs` after one warm-up, each as CPU time of this process (all
threads: the server's work and the client's small part; what a busy machine does not
inflate, and what the targets are judged on) and as wall clock.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from _bench import DATA, Fixture, api_fixture, build_base, context
from sqlalchemy import text

from rapport.api.pages import encode_cursor
from rapport.app import create_app
from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.settings import Settings
from rapport.storage.db import Sessions, open_database

USER = "benchapi"
PREVIEW_CRITERIA = "no matches 'SC*' and mailing_group = NEWSLETTER and country = BE"
TARGETS = {"lines, first page": 50.0, "lines, middle page": 50.0, "contact card": 10.0}
PREVIEW_MARGIN = 1.10

LINES_PAGE = """
SELECT l.*, c.no, c.name, c.type, coalesce(co.name, '')
FROM segment_lines l
LEFT JOIN contacts c ON c.id = l.contact_id
LEFT JOIN contacts co ON co.no = l.contact_company_no
WHERE l.segment_id = :segment AND l.removed_action IS NULL AND l.line_no > :after
ORDER BY l.line_no LIMIT 101
"""
HEADER = "SELECT * FROM segment_headers WHERE no = :no"
CARD = [
    "SELECT * FROM contacts WHERE no = :no",
    "SELECT * FROM contact_mailing_groups a JOIN mailing_groups g"
    " ON g.code = a.mailing_group_code WHERE a.contact_id = :id",
    "SELECT * FROM contact_industry_groups a JOIN industry_groups g"
    " ON g.code = a.industry_group_code WHERE a.contact_id = :company",
    "SELECT * FROM contact_business_relations a JOIN business_relations g"
    " ON g.code = a.business_relation_code WHERE a.contact_id = :company",
    "SELECT * FROM contact_job_responsibilities a JOIN job_responsibilities g"
    " ON g.code = a.job_responsibility_code WHERE a.contact_id = :id",
    "SELECT * FROM contact_web_sources a WHERE a.contact_id = :id",
    "SELECT * FROM contact_profile_answers a WHERE a.contact_id = :id",
    "SELECT * FROM contact_alt_addresses a WHERE a.contact_id = :id ORDER BY a.code",
    "SELECT * FROM interaction_log_entries e WHERE e.contact_id = :id"
    " ORDER BY e.date DESC, e.entry_no DESC LIMIT 10",
    "SELECT * FROM contact_opt_outs o WHERE o.contact_id = :id",
]


@dataclass(frozen=True)
class Timing:
    """Medians in milliseconds: wall clock, and this process's CPU time (every thread: the
    server's work, which a busy machine does not inflate, and the client's small part)."""

    wall: float
    cpu: float

    def as_json(self) -> dict[str, float]:
        return {"wall_ms": round(self.wall, 2), "cpu_ms": round(self.cpu, 2)}


class Clock:
    """Wall and CPU time of the runs of one thing."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @contextlib.contextmanager
    def run(self) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.cpu.append((time.process_time() - cpu) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)

    def median(self) -> Timing:
        return Timing(statistics.median(self.wall), statistics.median(self.cpu))


def median_ms(action: Callable[[], object], runs: int) -> Timing:
    """The medians of `action`, after one untimed warm-up."""
    action()
    clock = Clock()
    for _ in range(runs):
        with clock.run():
            action()
    return clock.median()


async def api_ms(client: httpx.AsyncClient, url: str, runs: int) -> Timing:
    """The medians of GET `url` through the app, after one untimed warm-up."""
    answer = await client.get(url)
    if answer.status_code != 200:
        raise SystemExit(f"{url} answered {answer.status_code}: {answer.text[:300]}")
    clock = Clock()
    for _ in range(runs):
        with clock.run():
            await client.get(url)
    return clock.median()


def hand(sessions: Sessions, statements: list[str], **params: Any) -> Callable[[], object]:
    """The hand-written statements, each fetched whole, on one connection of the product's
    engine (a read transaction, as the service's)."""
    engine = sessions.kw["bind"]

    def run() -> object:
        with engine.connect() as connection:
            return [connection.execute(text(s), params).all() for s in statements]

    return run


def segment_ids(sessions: Sessions, no: str) -> tuple[int, int]:
    """The segment's id and the line no. in the middle of its lines (untimed)."""
    with sessions() as session:
        segment = session.scalar(text("SELECT id FROM segment_headers WHERE no = :no"), {"no": no})
        middle = session.scalar(
            text(
                "SELECT line_no FROM segment_lines WHERE segment_id = :s AND removed_action IS NULL"
                " ORDER BY line_no LIMIT 1 OFFSET (SELECT count(*) / 2 FROM segment_lines"
                " WHERE segment_id = :s AND removed_action IS NULL)"
            ),
            {"s": segment},
        )
    return int(segment), int(middle)


def contact_ids(sessions: Sessions, no: str) -> dict[str, Any]:
    with sessions() as session:
        row = session.execute(
            text("SELECT id, company_id FROM contacts WHERE no = :no"), {"no": no}
        ).one()
    return {"no": no, "id": row.id, "company": row.company_id or row.id}


async def check_page(client: httpx.AsyncClient, url: str) -> None:
    """The page the benchmark times is 100 lines with a next page, as it should be."""
    page = (await client.get(url)).json()
    if len(page["items"]) != 100 or not page["next"]:
        raise SystemExit(f"GET {url} is not a page of 100 lines with a next page")


async def read_figures(
    client: httpx.AsyncClient, sessions: Sessions, no: str, runs: int
) -> dict[str, tuple[Timing, Timing]]:
    """(API, baseline) in milliseconds for each read."""
    segment, middle = segment_ids(sessions, no)
    first = f"/api/segments/{no}/lines?limit=100"
    later = f"{first}&after={encode_cursor(middle)}"
    await check_page(client, first)
    await check_page(client, later)
    person = contact_ids(sessions, (await client.get(later)).json()["items"][0]["contact_no"])
    return {
        "lines, first page": (
            await api_ms(client, first, runs),
            median_ms(hand(sessions, [LINES_PAGE], segment=segment, after=0), runs),
        ),
        "lines, middle page": (
            await api_ms(client, later, runs),
            median_ms(hand(sessions, [LINES_PAGE], segment=segment, after=middle), runs),
        ),
        "contact card": (
            await api_ms(client, f"/api/contacts/{person['no']}", runs),
            median_ms(hand(sessions, CARD, **person), runs),
        ),
        "segment card": (
            await api_ms(client, f"/api/segments/{no}", runs),
            median_ms(hand(sessions, [HEADER], no=no), runs),
        ),
    }


async def preview_figures(
    client: httpx.AsyncClient, sessions: Sessions, no: str, user: str, runs: int
) -> tuple[Timing, Timing]:
    """(API, in-process) in milliseconds for the preview of an add, alternating the two so
    that a change in the machine's load touches both alike."""
    body = {"type": "add", "criteria": PREVIEW_CRITERIA, "preview": True}
    over_http = await client.post(f"/api/segments/{no}/actions", json=body)
    if over_http.status_code != 200:
        raise SystemExit(f"the preview answered {over_http.status_code}: {over_http.text[:300]}")
    direct = add_contacts(
        sessions, no, criteria=PREVIEW_CRITERIA, options=AddOptions(), user=user, preview=True
    )
    if over_http.json()["added"] != direct.added:
        raise SystemExit("the preview over HTTP and in-process count other contacts")
    api, service = Clock(), Clock()
    for _ in range(runs):
        with api.run():
            await client.post(f"/api/segments/{no}/actions", json=body)
        with service.run():
            add_contacts(
                sessions,
                no,
                criteria=PREVIEW_CRITERIA,
                options=AddOptions(),
                user=user,
                preview=True,
            )
    return api.median(), service.median()


def report(figures: dict[str, tuple[Timing, Timing]], preview: tuple[Timing, Timing]) -> bool:
    """The table on stdout; whether every target is met (judged on CPU time, the server's
    own time whatever else the machine runs; wall clock beside it)."""
    out, met = sys.stdout, True
    out.write(f"{'':<20} {'API':>21} {'baseline':>21}\n")
    out.write(f"{'request':<20} {'CPU':>10} {'wall':>10} {'CPU':>10} {'wall':>10}  target\n")
    for name, (api, base) in figures.items():
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"≤ {target:.0f} ms: " + ("met" if api.cpu <= target else "MISSED")
            met = met and api.cpu <= target
        out.write(f"{name:<20} {columns(api)} {columns(base)}  {verdict}\n")
    api, service = preview
    ratio = api.cpu / service.cpu
    ok = ratio <= PREVIEW_MARGIN
    verdict = f"×{ratio:.3f} (wall ×{api.wall / service.wall:.3f}), within 10 %: "
    out.write(f"{'preview':<20} {columns(api)} {columns(service)}  {verdict}")
    out.write(("met" if ok else "MISSED") + "\n")
    return met and ok


def columns(timing: Timing) -> str:
    return f"{timing.cpu:8.1f}ms {timing.wall:8.1f}ms"


async def measure(
    url: str, sessions: Sessions, fixture: Fixture, runs: int
) -> tuple[dict[str, tuple[Timing, Timing]], tuple[Timing, Timing]]:
    """Every figure, through the app in this event loop (no background work: the job and
    webhook loops are not started)."""
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(32))
    app = create_app(settings, sessions, background=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"authorization": f"Bearer {fixture.token}"},
    ) as client:
        figures = await read_figures(client, sessions, fixture.segment, runs)
        preview = await preview_figures(client, sessions, fixture.segment, fixture.user, runs)
    return figures, preview


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=0, help="default: half of --contacts")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    lines = args.lines or args.contacts // 2
    base = build_base(args.contacts)
    with tempfile.TemporaryDirectory(dir=DATA) as folder:
        work = Path(folder) / "api.db"
        shutil.copyfile(base, work)
        url = f"sqlite:///{work}"
        sessions = open_database(url)
        fixture = api_fixture(sessions, user=USER, lines=lines)
        figures, preview = asyncio.run(measure(url, sessions, fixture, args.runs))
        sessions.kw["bind"].dispose()
    sys.stdout.write(
        f"REST API, {lines:,}-line segment on {args.contacts:,} contacts (SQLite), "
        f"median of {args.runs}, load average {context()['load']:.1f}:\n"
    )
    met = report(figures, preview)
    if args.json_out:
        record = {
            **context(),
            "contacts": args.contacts,
            "lines": lines,
            "reads": {
                name: {"api": api.as_json(), "baseline": base.as_json()}
                for name, (api, base) in figures.items()
            },
            "preview": {"api": preview[0].as_json(), "in_process": preview[1].as_json()},
        }
        args.json_out.write_text(json.dumps(record, indent=2) + "\n")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the web UI's segment card (SPEC §8, §9; issue 13 "Performance").

    .venv/bin/python benchmarks/bench_web.py [--contacts 1000000] [--lines 500000] [--runs 20]

Builds `benchmarks/data/contacts-<N>.db` once with `rapport demo --contacts N` (gitignored,
shared with bench_segments.py), copies it to a work file, puts the first `--lines` synthetic
contacts on a segment with the services (untimed; default: half of the contacts), and then
times, through the ASGI app in this process (a signed-in marketer's request, routing,
role check, services, template, the whole answer; no network):

  card        GET /segments/{no}: the card's first page (header, criteria pane, builder,
              the first 25 lines); target ≤ 200 ms at 500,000 lines on 1M contacts
  next page   GET /segments/{no}/lines?after=…: a later page of lines (keyset)
  filtered    GET /segments/{no}/lines?filter=…: the first page of a criteria filter
  chart       GET /segments/{no}/chart: the composition, fetched after the card
  preview     GET /segments/{no}/preview: one keystroke's live preview (add, reduce, refine)

The card never counts the lines itself (the header keeps the count): the figure of `card`
does not grow with the segment. Times are medians of `--runs` after one warm-up request.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _bench import DATA, api_fixture, build_base
from fastapi.testclient import TestClient

from rapport.app import create_app
from rapport.settings import Settings
from rapport.storage.db import open_database

USER = "benchweb"
TARGET_MS = 200.0


def timed(client: TestClient, url: str, runs: int) -> float:
    """The median time of GET `url` in milliseconds (after one untimed warm-up)."""
    answer = client.get(url)
    if answer.status_code != 200:
        raise SystemExit(f"GET {url} answered {answer.status_code}: {answer.text[:300]}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=0, help="default: half of --contacts")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    lines = args.lines or args.contacts // 2
    base = build_base(args.contacts)
    with tempfile.TemporaryDirectory(dir=DATA) as folder:
        work = Path(folder) / "web.db"
        shutil.copyfile(base, work)
        url = f"sqlite:///{work}"
        sessions = open_database(url)
        fixture = api_fixture(sessions, user=USER, lines=lines)
        token, no = fixture.token, fixture.segment
        app = create_app(Settings(database_url=url, secret_key=secrets.token_urlsafe(32)), sessions)
        with TestClient(app) as client:
            client.headers["authorization"] = f"Bearer {token}"
            card = client.get(f"/segments/{no}").text
            on_card = card.count('<tr id="line-')
            figures = {
                "card": timed(client, f"/segments/{no}", args.runs),
                "next page": timed(client, f"/segments/{no}/lines?after=2500000", args.runs),
                "filtered": timed(client, f"/segments/{no}/lines?filter=country+%3D+BE", args.runs),
                "chart": timed(client, f"/segments/{no}/chart?by=country", args.runs),
                "preview": timed(
                    client, f"/segments/{no}/preview?criteria=country+%3D+BE", args.runs
                ),
            }
    out = sys.stdout
    out.write(
        f"segment card of {lines:,} lines on {args.contacts:,} contacts (SQLite), "
        f"{on_card} lines on the first page, median of {args.runs}:\n"
    )
    for name, ms in figures.items():
        mark = f"  (target ≤ {TARGET_MS:.0f} ms)" if name == "card" else ""
        out.write(f"  {name:<10} {ms:8.1f} ms{mark}\n")
    return 0 if figures["card"] <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())

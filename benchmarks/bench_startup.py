"""Benchmark: whole-process start-up of the CLI (SPEC §9: `rapport --help` and a
one-contact command ≤ 0.3 s on a quiet machine).

    .venv/bin/python benchmarks/bench_startup.py [--db URL] [--contact NO] [--runs 5]

Runs `rapport --help`, `rapport contacts show NO` and `rapport segment list` on the
database as a user does (the installed `rapport` script, output to a pipe), each as a new
process, `--runs` rounds with the commands interleaved, and prints for each the median
elapsed time and the median CPU time (user + system, from the child's own rusage, as
`/usr/bin/time -f "%e %U %S"` reports it): on a shared machine the CPU time is the honest
figure, the elapsed time also counts the wait for a core. Beside them, the floors: the
interpreter alone and the interpreter importing SQLAlchemy. The load average is printed
before and after. Without `--db`, a new SQLite file holds the one contact NO.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.3


def run_timed(command: list[str]) -> tuple[float, float]:
    """Elapsed and CPU (user + system) seconds of one process running `command`, its
    output thrown away; the child is reaped here so that its rusage is its own."""
    start = time.perf_counter()
    pid = os.posix_spawn(
        command[0],
        command,
        os.environ,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ],
    )
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if status:
        raise SystemExit(f"{' '.join(command)} failed (status {status}); run it by hand")
    return elapsed, usage.ru_utime + usage.ru_stime


def commands(url: str, contact: str) -> dict[str, list[str]]:
    rapport = str(Path(sys.executable).with_name("rapport"))
    return {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "python -c 'import sqlalchemy' (floor)": [sys.executable, "-c", "import sqlalchemy"],
        "rapport --help": [rapport, "--help"],
        f"rapport contacts show {contact}": [rapport, "--db", url, "contacts", "show", contact],
        "rapport segment list": [rapport, "--db", url, "segment", "list"],
    }


def one_contact_database(folder: str, contact: str) -> str:
    from rapport.services.contacts.cards import add_contact
    from rapport.storage.db import open_database

    url = f"sqlite:///{folder}/startup.db"
    sessions = open_database(url)
    add_contact(sessions, fields={"no": contact, "name": "Start-up benchmark"})
    sessions.kw["bind"].dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--contact", default="CT000001", help="the contact to show")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or one_contact_database(folder, args.contact)
        runs = commands(url, args.contact)
        for command in runs.values():  # warm the file cache and the bytecode
            run_timed(command)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, command in runs.items():
                times[name].append(run_timed(command))
        print(f"load average after:  {os.getloadavg()[0]:.2f}")
    print(f"{'command':44} {'elapsed':>8} {'CPU':>8}   (medians of {args.runs}, seconds)")
    for name, measured in times.items():
        elapsed = statistics.median(e for e, _ in measured)
        cpu = statistics.median(c for _, c in measured)
        verdict = "" if "floor" in name else ("  ok" if cpu <= TARGET else f"  > {TARGET}")
        print(f"{name:44} {elapsed:8.3f} {cpu:8.3f}{verdict}")


if __name__ == "__main__":
    main()

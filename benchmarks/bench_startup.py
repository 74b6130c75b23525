"""Benchmark: whole-process start-up of the CLI (SPEC §9: `rapport --help` and a
one-contact command ≤ 0.3 s on a quiet machine).

    .venv/bin/python benchmarks/bench_startup.py [--db URL] [--contact NO] [--runs 5]
        [--compare OTHER/src] [--venv OTHER_VENV]

Runs `rapport --help`, `rapport contacts show NO` and `rapport segment list` on the
database as a user does (the installed `rapport` script, output to a pipe), each as a new
process, `--runs` rounds with the commands interleaved, and prints for each the median
elapsed time and the median CPU time (user + system, from the child's own rusage, as
`/usr/bin/time -f "%e %U %S"` reports it): on a shared machine the CPU time is the honest
figure, the elapsed time also counts the wait for a core. Beside them, the floors: the
interpreter alone and the interpreter importing SQLAlchemy, and each command's CPU time
as a multiple of the SQLAlchemy floor (the machine's speed varies about 2 × through a day;
the ratio does not). The load average is printed before and after. Without `--db`, a new
SQLite file holds the one contact NO.

The warm-up round writes the bytecode of every module imported, as an installed package
has it, even when `PYTHONDONTWRITEBYTECODE` is set (else each process would compile
Rapport's own modules again). `--compare OTHER/src` also runs each `rapport` command on
another checkout's code (`PYTHONPATH`), in the same rounds, for a before/after at the
same load. `--venv OTHER_VENV` also runs the floors and the commands from another
installation of Rapport (its `bin/python` and `bin/rapport`), in the same rounds: e.g. one
made with Debian's own `python3`, which is what the README's commands install on a fresh
Debian machine, where this machine's default `python3` is a build without profile-guided
optimisation.
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


Command = tuple[list[str], dict[str, str]]


def run_timed(command: Command) -> tuple[float, float]:
    """Elapsed and CPU (user + system) seconds of one process running `command` (its
    arguments and environment), its output thrown away; the child is reaped here so that
    its rusage is its own."""
    arguments, environment = command
    start = time.perf_counter()
    pid = os.posix_spawn(
        arguments[0],
        arguments,
        environment,
        file_actions=[
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ],
    )
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if status:
        raise SystemExit(f"{' '.join(arguments)} failed (status {status}); run it by hand")
    return elapsed, usage.ru_utime + usage.ru_stime


FLOOR = "python -c 'import sqlalchemy' (floor)"


def commands(
    url: str, contact: str, compare: str | None, venv: str | None = None
) -> dict[str, Command]:
    runs = _installation(Path(sys.executable), url, contact, compare)
    if venv:
        other = _installation(Path(venv) / "bin" / "python", url, contact)
        runs |= {f"{name} [{venv}]": run for name, run in other.items()}
    return runs


def _installation(
    python: Path, url: str, contact: str, compare: str | None = None
) -> dict[str, Command]:
    """The floors and the commands of the installation whose interpreter is `python`."""
    rapport = str(python.with_name("rapport"))
    env = dict(os.environ)
    runs = {
        "python -c pass (floor)": ([str(python), "-c", "pass"], env),
        FLOOR: ([str(python), "-c", "import sqlalchemy"], env),
    }
    for name, arguments in {
        "rapport --help": ["--help"],
        f"rapport contacts show {contact}": ["--db", url, "contacts", "show", contact],
        "rapport segment list": ["--db", url, "segment", "list"],
    }.items():
        runs[name] = ([rapport, *arguments], env)
        if compare:
            runs[f"{name} [{compare}]"] = ([rapport, *arguments], {**env, "PYTHONPATH": compare})
    return runs


def warm(runs: dict[str, Command]) -> None:
    """Run each command once, writing the bytecode of what it imports (see the docstring)."""
    for arguments, environment in runs.values():
        writing = {k: v for k, v in environment.items() if k != "PYTHONDONTWRITEBYTECODE"}
        run_timed((arguments, writing))


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
    parser.add_argument("--compare", help="another checkout's src folder, run beside this one")
    parser.add_argument("--venv", help="another installation's folder, run beside this one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or one_contact_database(folder, args.contact)
        runs = commands(url, args.contact, args.compare, args.venv)
        warm(runs)
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(args.runs):
            for name, command in runs.items():
                times[name].append(run_timed(command))
        print(f"load average after:  {os.getloadavg()[0]:.2f}")
    report(times, args.runs)


def report(times: dict[str, list[tuple[float, float]]], runs: int) -> None:
    """Each command's medians, its CPU time as a multiple of its own installation's floor."""
    floors = {
        name[len(FLOOR) :]: statistics.median(c for _, c in measured)
        for name, measured in times.items()
        if name.startswith(FLOOR)
    }
    width = max(map(len, times))
    print(f"{'command':{width}} {'elapsed':>8} {'CPU':>8} {'× floor':>8}   (medians of {runs}, s)")
    for name, measured in times.items():
        elapsed = statistics.median(e for e, _ in measured)
        cpu = statistics.median(c for _, c in measured)
        floor = next((f for suffix, f in floors.items() if suffix and name.endswith(suffix)), None)
        floor = floors[""] if floor is None else floor
        verdict = "" if "floor" in name else ("  ok" if cpu <= TARGET else f"  > {TARGET}")
        print(f"{name:{width}} {elapsed:8.3f} {cpu:8.3f} {cpu / floor:8.2f}{verdict}")


if __name__ == "__main__":
    main()

"""What the benchmarks share: the synthetic database built once per scale (`rapport demo`),
a throwaway PostgreSQL server on loopback with the same data, the figures' context (date,
commit, load average, command), and a signed-in user with a token and a segment of N lines
for the server's benchmarks (bench_web.py, bench_api.py, load_api.py).

Imported by the scripts beside it (`python benchmarks/bench_x.py` puts this folder first
on the path); not part of the product.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, func, select, text

from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.services.segments.header import create_segment
from rapport.services.users import accounts, tokens
from rapport.storage import tables as t
from rapport.storage.db import Sessions, open_database

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def rapport_executable() -> Path:
    return Path(sys.executable).with_name("rapport")


def installed_environment() -> dict[str, str]:
    """The environment of a whole `rapport` process timed as a user runs it: Python writes
    the bytecode of what it imports, as an installed product has it. A shell that sets
    PYTHONDONTWRITEBYTECODE would otherwise make every process compile the modules it
    imports again, 30–40 ms more for a writing command than for `segment list`."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def demo_command(url: str, contacts: int) -> list[str]:
    return [str(rapport_executable()), "--db", url, "demo", "--contacts", str(contacts)]


def build_base(contacts: int) -> Path:
    """The SQLite file with N synthetic contacts, built once (`rapport demo`) and shared by
    every benchmark (gitignored); use a copy of it, never the file itself."""
    base = DATA / f"contacts-{contacts}.db"
    if base.exists():
        return base
    DATA.mkdir(exist_ok=True)
    partial = base.with_suffix(".partial.db")
    partial.unlink(missing_ok=True)
    print(f"building {base} (rapport demo --contacts {contacts:,}) …", flush=True)
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        demo_command(f"sqlite:///{partial}", contacts),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    partial.rename(base)
    return base


# The regression guard's line (bench_segments.py, bench_import.py --check): a ratio to the
# hand-written baseline past GROWTH × the recorded one, after up to RETRIES measurements.
GROWTH = 1.5
RETRIES = 2
# ... and more than NOISE seconds slower than its recorded ratio makes it: at the guard's
# scale some operations take 0.05-0.07 s (PostgreSQL's undo of an add), which the machine's
# noise stretches by half or more from one measurement to the next (1.29-2.19 x).
NOISE = 0.05


def context() -> dict[str, Any]:
    """When, on what code and under what load the figures were taken, and the command."""
    commit = subprocess.run(  # noqa: S603
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],  # noqa: S607
        check=False,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit,
        "load": os.getloadavg()[0],
        "command": " ".join([Path(sys.argv[0]).as_posix(), *sys.argv[1:]]),
    }


# --- A signed-in user and a segment of N lines ----------------------------------------------


@dataclass(frozen=True)
class Fixture:
    user: str
    token: str
    segment: str
    lines: int


def api_fixture(sessions: Sessions, *, user: str, lines: int) -> Fixture:
    """A marketer `user` with an API token, and a segment holding the first `lines`
    synthetic contacts (added with the services; untimed)."""
    accounts.add_user(sessions, user, role="marketer", by="benchmark")
    token = tokens.create_token(sessions, user, name="bench", by="benchmark").token
    no = create_segment(sessions, description=f"Benchmark {lines:,} lines", user=user).no
    add_contacts(
        sessions,
        no,
        criteria=f"no matches 'SC0000001..SC{lines:07d}'",
        options=AddOptions(ignore_exclusion=True),
        user=user,
    )
    return Fixture(user=user, token=token, segment=no, lines=lines)


# --- PostgreSQL: a throwaway server and the database built once --------------------------


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_bindir() -> Path:
    out = subprocess.check_output(["pg_config", "--bindir"], text=True).strip()  # noqa: S607
    return Path(out)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def running_port(data: Path) -> int | None:
    """The port of the server running on this cluster (its postmaster.pid names it), or
    None when none runs."""
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return None
    fields = pid_file.read_text().splitlines()
    try:
        os.kill(int(fields[0]), 0)
    except (ProcessLookupError, ValueError, IndexError):
        return None
    return int(fields[3])


@contextlib.contextmanager
def postgres_server(keep: Path | None) -> Iterator[str]:
    """A PostgreSQL server on loopback for this run (default durability settings); yields
    its base URL and is stopped at the end, also on error. Without `keep`, its cluster is a
    temporary directory removed at the end. A server already running on the kept cluster
    (several benchmarks sharing one 10M database) is used as it is and left running."""
    running = running_port(keep / "data") if keep else None
    if running:
        print(f"PostgreSQL server already running in {keep} on port {running}", flush=True)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{running}"
        return
    bindir = pg_bindir()
    base = keep or Path(tempfile.mkdtemp(prefix="rapport-bench-pg-"))
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(base, entry.pw_uid, entry.pw_gid)
    data, port = base / "data", free_port()
    try:
        if not (data / "PG_VERSION").exists():
            subprocess.run(  # noqa: S603
                as_postgres(
                    [
                        *(str(bindir / "initdb"), "-D", str(data), "-U", "postgres"),
                        *("-A", "trust", "-E", "UTF8", "--no-locale"),
                    ]
                ),
                check=True,
                capture_output=True,
            )
        subprocess.run(  # noqa: S603
            as_postgres(
                [
                    *(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-w"),
                    *("-o", f"-h 127.0.0.1 -p {port} -k {base}", "start"),
                ]
            ),
            check=True,
            capture_output=True,
        )
        print(f"PostgreSQL server in {base} on port {port}", flush=True)
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        finally:
            subprocess.run(  # noqa: S603
                as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                check=False,
                capture_output=True,
            )
    finally:
        if keep is None:
            shutil.rmtree(base, ignore_errors=True)


def admin(server: str, statement: str) -> list[Any]:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            result = connection.execute(text(statement))
            return list(result.scalars()) if result.returns_rows else []
    finally:
        engine.dispose()


@contextlib.contextmanager
def built_in_place(pg_dir: Path, contacts: int) -> Iterator[Sessions]:
    """The database `contacts_<N>` of the PostgreSQL cluster kept in `pg_dir` (built once),
    used in place, not cloned (at 10M a clone is another 19 GB of disk): the segments the
    run creates are deleted at the end, their lines and criteria lines with them."""
    with postgres_server(pg_dir) as server:
        sessions = open_database(build_pg(server, contacts, clone=False))
        try:
            with segments_of_the_run(sessions):
                yield sessions
        finally:
            sessions.kw["bind"].dispose()


@contextlib.contextmanager
def cloned(server: str, contacts: int) -> Iterator[str]:
    """The URL of a clone of the database `contacts_<N>` (built once), dropped at the end
    (also on error): what the run writes leaves no dead rows in the database later runs
    clone (a template grown by in-place runs made every later clone slower,
    docs/benchmarks.md)."""
    url = build_pg(server, contacts)
    try:
        yield url
    finally:
        admin(server, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


@contextlib.contextmanager
def built_clone(pg_dir: Path, contacts: int) -> Iterator[Sessions]:
    """Sessions on a clone of `contacts_<N>` of the cluster kept in `pg_dir` (`cloned`)."""
    with postgres_server(pg_dir) as server, cloned(server, contacts) as url:
        sessions = open_database(url)
        try:
            yield sessions
        finally:
            sessions.kw["bind"].dispose()


@contextlib.contextmanager
def segments_of_the_run(sessions: Sessions) -> Iterator[None]:
    """Delete, when the block ends (also on error), the segments created while it ran, their
    lines first (their criteria lines cascade): those numbered past the highest segment id
    at its start. For a database the benchmark has to itself, as `--in-place` asks."""
    headers = t.SegmentHeader.__table__
    lines = t.SegmentLine.__table__
    with sessions.begin() as session:
        last = session.scalar(select(func.max(headers.c.id))) or 0
    try:
        yield
    finally:
        with sessions.begin() as session:
            session.execute(delete(lines).where(lines.c.segment_id > last))
            gone = session.execute(delete(headers).where(headers.c.id > last)).rowcount
        print(f"deleted the {gone} segments of the run", flush=True)


def build_pg(server: str, contacts: int, *, clone: bool = True) -> str:
    """The database `contacts_<N>` built once (`rapport demo`, which analyzes what it
    loads), cloned into a work database for this run; the work database's URL. Without
    `clone`, the built database's own URL (at 10M a clone is another 19 GB of disk): the
    caller works there and removes what it adds."""
    base, work = f"contacts_{contacts}", f"work_{os.getpid()}"
    existing = admin(server, "SELECT datname FROM pg_database")
    if base not in existing:
        partial = f"{base}_partial"
        if partial in existing:
            admin(server, f"DROP DATABASE {partial}")
        admin(server, f"CREATE DATABASE {partial}")
        print(f"building {base} (rapport demo --contacts {contacts:,}) …", flush=True)
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            demo_command(f"{server}/{partial}", contacts),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        admin(server, f"ALTER DATABASE {partial} RENAME TO {base}")
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    if not clone:
        size = admin(server, f"SELECT pg_size_pretty(pg_database_size('{base}'))")[0]
        print(f"working in {base} ({size}) itself", flush=True)
        return f"{server}/{base}"
    started = time.perf_counter()
    admin(server, f"CREATE DATABASE {work} TEMPLATE {base} STRATEGY FILE_COPY")
    size = admin(server, f"SELECT pg_size_pretty(pg_database_size('{work}'))")[0]
    print(f"cloned {base} ({size}) in {time.perf_counter() - started:.1f} s", flush=True)
    return f"{server}/{work}"

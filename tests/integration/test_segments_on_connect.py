"""Segment actions through a Spark that outlives one command (issue 16, S3, S4, X10): a Spark
Connect server started once by `rapport lake serve`, and the commands' `--master sc://…`.
The lines an add, a reduce and a refine make through it equal those the database makes
from the same data; the server stops cleanly on SIGTERM; the errors name what is wrong.

The commands run in their own processes, as a user runs them: a Spark Connect client and a
classic session (the `spark` fixture's, in this process) do not share one Python process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from rapport.cli.main import run
from rapport.services.segments import actions
from rapport.services.segments.header import create_segment
from rapport.services.segments.results import AddOptions
from rapport.storage.db import Sessions
from tests.integration.lake_world import lines_of

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def connect_master(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`rapport lake serve` on a free loopback port (local[1]), for the module's tests; its
    `--master`. Stopped with SIGTERM at the end, which it must survive cleanly (exit 0)."""
    log = tmp_path_factory.mktemp("connect") / "server.log"
    argv = ["--json", "lake", "serve", "--master", "local[1]", "--memory", "1g"]
    argv += ["--port", str(_free_port())]
    with log.open("wb") as messages:
        server = subprocess.Popen(
            [sys.executable, "-m", "rapport", *argv], stdout=subprocess.PIPE, stderr=messages
        )
    try:
        assert server.stdout is not None
        ready = json.loads(b"".join(iter(server.stdout.readline, b"}\n")) + b"}")
        assert ready["spark_master"] == "local[1]", log.read_text()
        yield str(ready["master"])
    finally:
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=90)
        server.stdout.close()
    said = log.read_text()
    assert status == 0, said
    assert "The Spark Connect server stopped." in said
    assert not _listening(ready["master"])


def _listening(master: str) -> bool:
    host, port = master.removeprefix("sc://").rsplit(":", 1)
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


# Through the Connect server, the ways the compiler builds a job: a relation inside an `or`
# (a correlated EXISTS), semi and anti joins, the profile answers' join, `@` on the folded
# copies, the union with companies (made distinct), and the segment's members (a Parquet
# file this process writes) left out.
STEPS: list[tuple[str, str, list[str]]] = [
    ("add", "industry_group = RETAIL or job_title matches '@*manager*'", ["--expand-companies"]),
    (
        "reduce",
        "(post_code matches '1000..1999|2*' or opted_out) and not profile(answer_line = 1)",
        ["--entire-companies"],
    ),
    ("refine", "not (mailing_group = NO_MAIL) and name matches '@?*'", []),
]


def _in_database(sessions: Sessions, segment: str, step: tuple[str, str, list[str]]) -> Any:
    verb, where, flags = step
    if verb == "add":
        options = AddOptions(expand_companies="--expand-companies" in flags)
        return actions.add_contacts(
            sessions, segment, criteria=where, options=options, user="admin"
        )
    remove = actions.reduce if verb == "reduce" else actions.refine
    entire = "--entire-companies" in flags
    return remove(sessions, segment, criteria=where, entire_companies=entire, user="admin")


def test_segment_actions_through_spark_connect_equal_the_database_line_for_line(
    lake_demo, connect_master
):
    """S3, S4, X10, issue 16: `segment add|reduce|refine --engine spark --master sc://…`, each its
    own command against the one server, give the database's results and lines."""
    sessions, lake = lake_demo
    in_database, on_spark = (
        create_segment(sessions, description="Spring mailing", user="admin").no for _ in range(2)
    )
    url = str(sessions.kw["bind"].url)
    for step in STEPS:
        verb, where, flags = step
        argv = ["--db", url, "--json", "--user", "admin", "segment", verb, on_spark]
        argv += ["--where", where, *flags, "--engine", "spark", "--lake", str(lake)]
        done = subprocess.run(
            [sys.executable, "-m", "rapport", *argv, "--master", connect_master],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""  # no warning from the Connect client's modules
        shown = json.loads(done.stdout)
        expected = _in_database(sessions, in_database, step)
        assert shown["master"] == connect_master
        assert shown["result"] == json.loads(json.dumps(asdict(expected))), step
        assert lines_of(sessions, on_spark) == lines_of(sessions, in_database), step
    lines = lines_of(sessions, on_spark)
    assert any(line["removed_action"] for line in lines)
    assert sum(1 for line in lines if not line["removed_action"]) > 10


def test_a_connect_master_that_does_not_answer_is_named_and_nothing_changes(lake_demo, capsys):
    """X10, issue 16: `--master sc://…` with no server listening exits 1 at once, naming
    it."""
    sessions, lake = lake_demo
    segment = create_segment(sessions, description="Spring mailing", user="admin").no
    master = f"sc://127.0.0.1:{_free_port()}"
    argv = ["--db", str(sessions.kw["bind"].url), "segment", "add", segment, "--where"]
    argv += ["country = BE", "--engine", "spark", "--lake", str(lake), "--master", master]
    assert run(argv) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: --master: no Spark Connect server answers at {master}; start one with "
        f"`rapport lake serve --port {master.rsplit(':', 1)[1]}`"
    )
    assert lines_of(sessions, segment) == []


def test_lake_serve_refuses_a_port_that_is_taken(spark, capsys):
    """X10, issue 16: the port in use is named, and no server is started."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run(["lake", "serve", "--master", "local[1]", "--port", str(port)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"error: --port: 127.0.0.1:{port} cannot be listened on (Address already in use): "
        "choose another port"
    )


def test_lake_serve_runs_on_a_spark_master_not_on_another_connect_server(spark, capsys):
    """X10, issue 16."""
    argv = ["lake", "serve", "--master", "sc://127.0.0.1:15002", "--port", str(_free_port())]
    assert run(argv) == 1
    assert capsys.readouterr().err.strip() == (
        "error: --master: a Spark Connect server runs on a Spark master, not on sc://"
    )


def _serve_without(env: dict[str, str], *prelude: str) -> subprocess.CompletedProcess[str]:
    argv = ["lake", "serve", "--port", str(_free_port())]
    code = "\n".join(
        [*prelude, "from rapport.cli.main import main", f"sys.argv = ['rapport', *{argv!r}]"]
    )
    return subprocess.run(
        [sys.executable, "-c", f"import sys\n{code}\nmain()"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=60,
    )


def test_lake_serve_without_java_exits_1_naming_the_runtime(tmp_path: Path):
    """X10, issue 16: a missing Java runtime is one line, without the command's flags."""
    done = _serve_without({**os.environ, "PATH": str(tmp_path)})
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: the Spark engine needs a Java 17 runtime (apt-get install openjdk-17-jre-headless)"
    )


def test_lake_serve_without_the_extra_exits_1_naming_it():
    """X10, issue 16."""
    block = (
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('pyspark', 'pyarrow'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())"
    )
    done = _serve_without(dict(os.environ), block)
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "error: the Spark engine needs the optional extra rapport[spark]: "
        "pip install 'rapport[spark]'"
    )

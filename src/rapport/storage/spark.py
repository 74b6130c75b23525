"""The Spark session of the lake engine (issue 16): the engine that reads the lake, as
db.py makes the database's engine. PySpark is an optional extra (`rapport[spark]`): this
module imports it only when a session starts, and a missing extra or Java runtime is an
`Invalid` naming the engine and what to install, never a traceback.

A session binds the driver to loopback (Spark would otherwise resolve the host's name),
runs without its web UI and progress bars, and keeps one shuffle partition per thread of a
local master; `master` is `local[*]` by default, `spark://HOST:PORT` for a standalone
cluster, any master `spark-submit` takes (YARN, Kubernetes), or `sc://HOST:PORT`: a Spark
Connect server that outlives the command (`rapport lake serve`, spark_connect.py), so that
the JVM's start-up and the compilation of Spark's code are paid once, not per command. Its
start-up is then the client's connection: the server already holds these settings.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapport.errors import Invalid

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
EXTRA = "rapport[spark]"
CONNECT = "sc://"
# What the Spark Connect client imports beside PySpark (pyspark[connect], pinned in the extra).
CONNECT_MODULES = ("grpc", "grpc_status", "google.rpc", "pandas", "zstandard")
CONNECT_PORT = 15002  # Spark Connect's own default port


@dataclass(frozen=True)
class Started:
    """A Spark session and the seconds its start-up took (paid once per command; with a
    Spark Connect master, the client's connection to the running server)."""

    session: SparkSession
    seconds: float


def require_spark(*, connect: bool = False, field: str | None = "engine") -> None:
    """Invalid (about `field`) when the optional extra or a Java runtime is missing; with
    `connect`, the Spark Connect client's modules instead of Java (the server runs it)."""
    modules = ("pyarrow", "pyspark", *(CONNECT_MODULES if connect else ()))
    try:
        for module in modules:
            __import__(module)
    except ImportError:
        raise Invalid(
            f"the Spark engine needs the optional extra {EXTRA}: pip install '{EXTRA}'",
            field=field,
        ) from None
    if not connect and shutil.which("java") is None:
        raise Invalid(
            "the Spark engine needs a Java 17 runtime (apt-get install openjdk-17-jre-headless)",
            field=field,
        )


def is_connect(master: str) -> bool:
    """Whether `master` names a Spark Connect server (`sc://HOST:PORT`)."""
    return master.startswith(CONNECT)


def connect_address(master: str) -> tuple[str, int]:
    """The host and port of a Spark Connect URL (`sc://HOST[:PORT][/;PARAMS]`)."""
    found = re.fullmatch(r"sc://(\[[^\]]+\]|[^:/;]+)(?::(\d+))?/?(?:;.*)?", master)
    if found is None:
        raise Invalid(f"{master} is not a Spark Connect URL (sc://HOST:PORT)", field="master")
    host = found.group(1).strip("[]")
    return host, int(found.group(2) or CONNECT_PORT)


def local_threads(master: str) -> int | None:
    """The worker threads of a local master (`local`, `local[N]`, `local[*]`,
    `local[N,F]`), None for a cluster's."""
    found = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master)
    if found is None:
        return None
    threads = found.group(1) or "1"
    return os.cpu_count() or 1 if threads == "*" else int(threads)


def settings(master: str, *, partitions: int | None = None, memory: str = "2g") -> dict[str, str]:
    """The settings of a session on `master` (the command's own, or a Spark Connect
    server's). Shuffles use `partitions` partitions; by default one per thread of a local
    master (more only add tasks to schedule on the same cores) and Spark's own default on a
    cluster, which adaptive execution coalesces."""
    chosen = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": memory,
        "spark.sql.session.timeZone": "UTC",
    }
    shuffle = partitions if partitions is not None else local_threads(master)
    if shuffle is not None:
        chosen["spark.sql.shuffle.partitions"] = str(shuffle)
    return chosen


def start(
    master: str = DEFAULT_MASTER, *, partitions: int | None = None, memory: str = "2g"
) -> Started:
    """A Spark session on `master`, timed: a JVM of this command's own, or with
    `sc://HOST:PORT` a session of the running Spark Connect server."""
    connect = is_connect(master)
    require_spark(connect=connect)
    began = time.perf_counter()
    if connect:
        session = _connected(master, partitions)
    else:
        session = _launched(master, settings(master, partitions=partitions, memory=memory))
    return Started(session, time.perf_counter() - began)


def _launched(master: str, chosen: dict[str, str]) -> SparkSession:
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # read by the JVM it launches
    builder = SparkSession.builder.master(master).appName("rapport")
    for key, value in chosen.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _connected(master: str, partitions: int | None) -> SparkSession:
    """A session of the Spark Connect server at `master`. Only the session's own settings
    can be chosen here (the server holds the JVM's: memory, shuffle partitions per thread);
    a server that does not answer is named at once rather than after the client's retries."""
    from pyspark.sql import SparkSession

    host, port = connect_address(master)
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError:
        raise Invalid(
            f"no Spark Connect server answers at {master}; start one with "
            f"`rapport lake serve --port {port}`",
            field="master",
        ) from None
    builder = SparkSession.builder.remote(master).config("spark.sql.session.timeZone", "UTC")
    if partitions is not None:
        builder = builder.config("spark.sql.shuffle.partitions", str(partitions))
    return builder.getOrCreate()

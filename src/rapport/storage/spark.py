"""The Spark session of the lake engine (issue 16): the engine that reads the lake, as
db.py makes the database's engine. PySpark is an optional extra (`rapport[spark]`): this
module imports it only when a session starts, and a missing extra or Java runtime is an
`Invalid` naming the engine and what to install, never a traceback.

A session binds the driver to loopback (Spark would otherwise resolve the host's name),
runs without its web UI and progress bars, and keeps one shuffle partition per thread of a
local master; `master` is `local[*]` by default, `spark://HOST:PORT` for a standalone
cluster, or any master `spark-submit` takes (YARN, Kubernetes).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapport.errors import Invalid

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
EXTRA = "rapport[spark]"


@dataclass(frozen=True)
class Started:
    """A Spark session and the seconds its start-up took (paid once per command)."""

    session: SparkSession
    seconds: float


def require_spark() -> None:
    """Invalid (field `engine`) when the optional extra or a Java runtime is missing."""
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError:
        raise Invalid(
            f"the Spark engine needs the optional extra {EXTRA}: pip install '{EXTRA}'",
            field="engine",
        ) from None
    if shutil.which("java") is None:
        raise Invalid(
            "the Spark engine needs a Java 17 runtime (apt-get install openjdk-17-jre-headless)",
            field="engine",
        )


def local_threads(master: str) -> int | None:
    """The worker threads of a local master (`local`, `local[N]`, `local[*]`,
    `local[N,F]`), None for a cluster's."""
    found = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\d+)?\])?", master)
    if found is None:
        return None
    threads = found.group(1) or "1"
    return os.cpu_count() or 1 if threads == "*" else int(threads)


def start(
    master: str = DEFAULT_MASTER, *, partitions: int | None = None, memory: str = "2g"
) -> Started:
    """A Spark session on `master`, timed. Shuffles use `partitions` partitions; by default
    one per thread of a local master (more only add tasks to schedule on the same cores)
    and Spark's own default on a cluster, which adaptive execution coalesces."""
    require_spark()
    from pyspark.sql import SparkSession

    began = time.perf_counter()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # read by the JVM it launches
    builder = SparkSession.builder.master(master).appName("rapport")
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": memory,
        "spark.sql.session.timeZone": "UTC",
    }
    shuffle = partitions if partitions is not None else local_threads(master)
    if shuffle is not None:
        settings["spark.sql.shuffle.partitions"] = str(shuffle)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return Started(session, time.perf_counter() - began)

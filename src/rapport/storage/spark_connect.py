"""The Spark that outlives one command (issue 16): a Spark Connect server that runs the lake
engine's jobs for the users' commands, so that the JVM's start-up and the compilation of
Spark's generated code (the JIT) are paid once, not in every command. The commands reach it
with `--master sc://HOST:PORT` (spark.py).

The server is PySpark's own: `spark-submit` of `org.apache.spark.sql.connect.service.
SparkConnectServer` from the pip package's SPARK_HOME (its jars carry the Connect server),
with the settings a command's own session has (spark.settings) and the gRPC port bound to
`host` (loopback by default: Spark Connect has no authentication of its own here). It reads
the lake and writes the chosen contact nos. at the paths the commands give it, so it runs on
the machine (or the shared file system) of the lake and of the commands' work folder.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from rapport.errors import Invalid
from rapport.storage import spark

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
READY_SECONDS = 180.0  # a JVM's start-up on a loaded 2-core machine took up to 50 s
STOP_SECONDS = 30.0
STDERR = 2  # the file descriptor


@dataclass(frozen=True)
class ServerPlan:
    """Where and how a Spark Connect server runs."""

    master: str = spark.DEFAULT_MASTER
    host: str = "127.0.0.1"
    port: int = spark.CONNECT_PORT
    memory: str = "2g"

    @property
    def url(self) -> str:
        """The `--master` the commands give to use this server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"sc://{host}:{self.port}"


def spark_home() -> Path:
    """The pip package's SPARK_HOME (its bin/, sbin/ and jars/)."""
    import pyspark

    return Path(pyspark.__file__).parent


def server_command(plan: ServerPlan, home: Path) -> list[str]:
    """The `spark-submit` command line (of SPARK_HOME `home`) that runs the server in the
    foreground."""
    if spark.is_connect(plan.master):
        raise Invalid("a Spark Connect server runs on a Spark master, not on sc://", field="master")
    submit = home / "bin" / "spark-submit"
    chosen = spark.settings(plan.master, memory=plan.memory)
    chosen |= {
        "spark.connect.grpc.binding.address": plan.host,
        "spark.connect.grpc.binding.port": str(plan.port),
        "spark.log.level": "WARN",
    }
    command = [str(submit), "--class", SERVER_CLASS, "--name", "Rapport Spark Connect server"]
    command += ["--master", plan.master, "--driver-memory", plan.memory]
    for key, value in chosen.items():
        command += ["--conf", f"{key}={value}"]
    return command


def require_free(plan: ServerPlan) -> None:
    """Invalid (field `port`) when the server's address is taken or cannot be bound here."""
    family = socket.AF_INET6 if ":" in plan.host else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((plan.host, plan.port))
        except OSError as exc:
            raise Invalid(
                f"{plan.host}:{plan.port} cannot be listened on ({exc.strerror}): "
                "choose another port",
                field="port",
            ) from None


def listening(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


@dataclass
class Server:
    """A running Spark Connect server: its plan and its process (the server's JVM: the
    launcher scripts exec it)."""

    plan: ServerPlan
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = READY_SECONDS) -> None:
        """Return when the server accepts connections; Invalid if it stops before."""
        deadline = time.monotonic() + timeout
        connect_host = "127.0.0.1" if self.plan.host in ("0.0.0.0", "::") else self.plan.host  # noqa: S104
        while not listening(connect_host, self.plan.port):
            status = self.process.poll()
            if status is not None:
                raise Invalid(
                    f"the Spark Connect server stopped before it listened (exit status "
                    f"{status}); its messages say why",
                    field="master",
                )
            if time.monotonic() > deadline:
                raise Invalid(
                    f"the Spark Connect server did not listen on {self.plan.url} within "
                    f"{timeout:.0f} s",
                    field="master",
                )
            time.sleep(0.25)

    def wait(self) -> int:
        """Block until the server's process ends; its exit status."""
        return self.process.wait()

    def stop(self) -> int:
        """Stop the server (SIGTERM: Spark's shutdown hooks run) and return its exit
        status; killed if it has not stopped within `STOP_SECONDS`."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()


@contextlib.contextmanager
def running(plan: ServerPlan, *, output: IO[bytes] | int | None = None) -> Iterator[Server]:
    """The server, started and listening; stopped (SIGTERM, then killed past
    `STOP_SECONDS`) when the block ends, however it ends. Its messages go to `output`, by
    default to this process's stderr (its stdout stays this process's own)."""
    spark.require_spark(field=None)  # the server's command has no --engine
    command = server_command(plan, spark_home())
    require_free(plan)
    process = subprocess.Popen(  # noqa: S603 (PySpark's own launcher, no shell)
        command,
        env={**os.environ, "SPARK_LOCAL_IP": "127.0.0.1"},
        stdin=subprocess.DEVNULL,
        stdout=STDERR if output is None else output,
        stderr=output,
        start_new_session=True,  # this process forwards Ctrl-C and SIGTERM itself
    )
    server = Server(plan, process)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()

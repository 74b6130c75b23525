"""Issue 16 (X10): a Spark session shuffles into one partition per thread of a local master
and leaves a cluster's to Spark (adaptive execution coalesces them); a Spark Connect master
names its server, and the server `rapport lake serve` runs has a command's settings."""

from __future__ import annotations

import os
from pathlib import Path
from unittest.mock import ANY

import pytest

from rapport.errors import Invalid
from rapport.storage.spark import connect_address, is_connect, local_threads, settings
from rapport.storage.spark_connect import SERVER_CLASS, ServerPlan, server_command


@pytest.mark.parametrize(
    ("master", "threads"),
    [("local", 1), ("local[2]", 2), ("local[16]", 16), ("local[3,2]", 3)],
)
def test_x10_a_local_master_shuffles_into_one_partition_per_thread(master, threads):
    assert local_threads(master) == threads


def test_x10_local_star_means_every_core():
    assert local_threads("local[*]") == (os.cpu_count() or 1)


@pytest.mark.parametrize(
    "master", ["spark://127.0.0.1:7077", "yarn", "k8s://https://host:443", "localhost"]
)
def test_x10_a_cluster_master_keeps_sparks_own_shuffle_partitions(master):
    assert local_threads(master) is None


@pytest.mark.parametrize(
    ("master", "address"),
    [
        ("sc://127.0.0.1:15002", ("127.0.0.1", 15002)),
        ("sc://spark.example:443/;use_ssl=true", ("spark.example", 443)),
        ("sc://localhost", ("localhost", 15002)),
        ("sc://[::1]:15003", ("::1", 15003)),
    ],
)
def test_x10_a_spark_connect_master_names_the_server_to_connect_to(master, address):
    assert is_connect(master)
    assert connect_address(master) == address


@pytest.mark.parametrize("master", ["sc://", "sc://host:port", "sc://:15002"])
def test_x10_a_malformed_spark_connect_url_is_named(master):
    with pytest.raises(Invalid) as raised:
        connect_address(master)
    assert (raised.value.field, raised.value.message) == (
        "master",
        f"{master} is not a Spark Connect URL (sc://HOST:PORT)",
    )


def test_x10_the_connect_server_runs_pysparks_own_launcher_with_a_commands_settings():
    """Issue 16: `rapport lake serve` submits Spark's Connect server class from the pip
    package's SPARK_HOME, bound where it was told, with the settings of a command's own
    session (loopback driver, no UI, UTC, one shuffle partition per local thread)."""
    plan = ServerPlan("local[2]", "127.0.0.1", 15999, "3g")
    command = server_command(plan, Path("/opt/spark"))
    assert command[:5] == ["/opt/spark/bin/spark-submit", "--class", SERVER_CLASS, "--name", ANY]
    assert command[command.index("--master") + 1] == "local[2]"
    assert command[command.index("--driver-memory") + 1] == "3g"
    confs = dict(command[i + 1].split("=", 1) for i, arg in enumerate(command) if arg == "--conf")
    assert confs["spark.connect.grpc.binding.address"] == "127.0.0.1"
    assert confs["spark.connect.grpc.binding.port"] == "15999"
    assert {key: confs[key] for key in settings("local[2]", memory="3g")} == settings(
        "local[2]", memory="3g"
    )
    assert confs["spark.sql.shuffle.partitions"] == "2"
    assert plan.url == "sc://127.0.0.1:15999"
    assert ServerPlan(host="::1", port=15002).url == "sc://[::1]:15002"


def test_x10_a_connect_server_does_not_run_on_another_connect_server():
    with pytest.raises(Invalid) as raised:
        server_command(ServerPlan("sc://127.0.0.1:15002"), Path("/opt/spark"))
    assert raised.value.field == "master"

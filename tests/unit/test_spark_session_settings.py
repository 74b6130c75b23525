"""Issue 16 (X10): a Spark session shuffles into one partition per thread of a local master
and leaves a cluster's to Spark (adaptive execution coalesces them)."""

from __future__ import annotations

import os

import pytest

from rapport.storage.spark import local_threads


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

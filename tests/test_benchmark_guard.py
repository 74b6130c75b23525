"""The performance regression guard (SPEC §9, X10): the segment benchmarks at a small scale
on both engines, each operation beside its hand-written statement, failing when an
operation's ratio to that statement grows past 1.5 × the ratio recorded in
`benchmarks/ratios.json` (a recorded ratio under 1 counting as 1) and the operation is more
than 50 ms slower than that recorded ratio makes it, measured again up to twice before it
counts. Ratios, not times, so a busy machine does not fail it; the
benchmark itself fails when the product and the hand-written statement leave other lines
on the segment, or count other rows.

Re-record after a deliberate change with the command in that file (`command`).

The two ratio guards are marked `alone`: `make test` runs them in a step of their own after
the rest of the suite, since at 100k an operation takes 0.03–0.2 s and the other worker's
tests beside it once pushed a ratio past its limit (PostgreSQL's undo of a removal at
2.03 × against 2.01 ×; it passed alone right after)."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT / "benchmarks" / "bench_segments.py"
RECORDED = ROOT / "benchmarks" / "ratios.json"
IMPORT_BENCHMARK = ROOT / "benchmarks" / "bench_import.py"
IMPORT_RECORDED = ROOT / "benchmarks" / "import_ratios.json"
SCALE_BENCHMARK = ROOT / "benchmarks" / "bench_scale.py"


def test_x10_the_recorded_ratios_cover_every_operation_on_both_engines():
    recorded = json.loads(RECORDED.read_text())
    operations = {"add", "preview", "reduce", "refine", "undo_add", "undo_remove", "log"}
    assert set(recorded["ratios"]) == {"sqlite", "postgresql"}
    for ratios in recorded["ratios"].values():
        assert set(ratios) == operations
        assert all(0 < figures["ratio"] < 100 for figures in ratios.values())
    assert "--record" in recorded["command"]


def guard(benchmark: Path, recorded: Path, *options: str) -> str:
    """Run `benchmark` at the scale recorded in `recorded`, on both engines, with `--check`;
    its output. PostgreSQL must be there in CI."""
    if shutil.which("pg_config") is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed; CI must run the benchmark guard")
        pytest.skip("PostgreSQL is not installed")
    contacts = str(json.loads(recorded.read_text())["contacts"])
    command = [sys.executable, str(benchmark), "--engine", "sqlite,postgresql"]
    command += ["--contacts", contacts, "--sample", "0", "--no-cli", "--check", str(recorded)]
    done = subprocess.run(
        [*command, *options], capture_output=True, text=True, timeout=1200, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.alone
def test_x10_no_operation_grew_slower_against_its_hand_written_statement(tmp_path):
    figures_file = str(tmp_path / "figures.json")
    guard(BENCHMARK, RECORDED, "--runs", "3", "--no-yardstick", "--json-out", figures_file)
    recorded = json.loads(RECORDED.read_text())
    figures = json.loads((tmp_path / "figures.json").read_text())["results"]
    assert {row["op"] for row in figures["sqlite"]} == set(recorded["ratios"]["sqlite"])


@pytest.mark.slow
@pytest.mark.postgres
def test_x10_spec_yardstick_leaves_what_the_product_leaves(tmp_path):
    """SPEC §9's yardstick (benchmarks/_bench_yardstick.py: the operations written by hand
    on a minimal schema with Business Central's natural keys and its segment history) run
    beside the product on both engines at a small scale: the benchmark stops unless, after
    every operation, its tables hold the same contacts under the same line nos. as the
    product's segment, it counted the same rows and its preview showed the same contacts
    and skipped counts; each operation then reports its figure and the product's ratio."""
    if shutil.which("pg_config") is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed; CI must run the yardstick")
        pytest.skip("PostgreSQL is not installed")
    figures = tmp_path / "figures.json"
    command = [sys.executable, str(BENCHMARK), "--engine", "sqlite,postgresql"]
    command += ["--contacts", "4000", "--runs", "1", "--sample", "0", "--no-cli"]
    command += ["--ops", ",".join(YARDSTICK_OPERATIONS), "--json-out", str(figures)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for rows in json.loads(figures.read_text())["results"].values():
        assert [row["op"] for row in rows] == YARDSTICK_OPERATIONS
        assert all(row["natural"] > 0 and row["natural_ratio"] > 0 for row in rows)
        assert {row["op"]: row["rows"] for row in rows}["undo_add"] == 2000


YARDSTICK_OPERATIONS = ["add", "preview", "reduce", "refine", "undo_add", "undo_remove", "log"]


@pytest.mark.slow
@pytest.mark.postgres
def test_x10_the_growth_benchmark_times_both_sizes_in_the_same_rounds():
    """SPEC §9's 10M ≤ 10 × the 1M figures, as benchmarks/bench_scale.py measures it, at a
    small scale on one temporary cluster: every round times the product and the
    hand-written statement at both sizes (it stops when at one size they leave other lines
    or count other rows), and each operation reports both growths."""
    if shutil.which("pg_config") is None:
        if IN_CI:
            pytest.fail("PostgreSQL is not installed; CI must run the growth benchmark")
        pytest.skip("PostgreSQL is not installed")
    command = [sys.executable, str(SCALE_BENCHMARK), "--small", "1000", "--large", "4000"]
    done = subprocess.run(
        [*command, "--runs", "2"], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    rounds = [line for line in done.stdout.splitlines() if " round " in line]
    assert len(rounds) == 4
    assert all(line.count(" s") == 4 for line in rounds)
    for op in ("add", "preview"):
        [summary] = [line for line in done.stdout.splitlines() if line.startswith(f"{op} ")]
        assert "rapport" in summary
        assert "hand" in summary
        assert summary.count(" ×") == 2


def test_k4_the_recorded_import_ratios_cover_both_engines():
    recorded = json.loads(IMPORT_RECORDED.read_text())
    assert set(recorded["ratios"]) == {"sqlite", "postgresql"}
    assert all(0 < figures["ratio"] < 100 for figures in recorded["ratios"].values())
    assert "--record" in recorded["command"]


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.alone
def test_k4_the_import_grew_no_slower_against_the_same_rows_loaded_by_hand():
    """The import of contacts at a small scale on both engines, beside the hand-written load
    of the same rows into the same schema (bench_import.py, which fails when the two wrote
    other rows), failing when its ratio grew past 1.5 × the one recorded in
    `benchmarks/import_ratios.json`."""
    assert "every ratio within" in guard(IMPORT_BENCHMARK, IMPORT_RECORDED, "--rounds", "3")


def guard_rule() -> Any:
    """`bench_segments.grown`, the guard's rule, imported from the benchmarks' folder."""
    sys.path.insert(0, str(BENCHMARK.parent))
    try:
        return importlib.import_module("bench_segments").grown
    finally:
        sys.path.remove(str(BENCHMARK.parent))


def measured(rapport: float, hand: float) -> dict[str, Any]:
    """One operation's in-process figures, as `bench_segments.summary` gives them (without
    the whole process: `--no-cli`)."""
    ratio = rapport / hand
    return {"op": "undo_add", "rapport": rapport, "hand": hand, "ratio": ratio, "cli_net": None}


def test_x10_the_guard_fails_an_operation_past_its_ratio_and_its_noise_floor():
    """An operation fails the guard when its ratio grew past 1.5 × the recorded one (a
    recorded ratio under 1 counting as 1) and it is more than 50 ms slower than that ratio
    makes it; a 0.05 s operation whose ratio doubles within that floor passes."""
    grown = guard_rule()
    recorded = {"undo_add": {"ratio": 1.37}}
    assert grown(measured(0.15, 0.05), recorded)  # 3.0 ×, 0.08 s over 1.37 × 0.05 s
    assert not grown(measured(0.11, 0.05), recorded)  # 2.2 ×, 0.04 s over: noise
    assert not grown(measured(0.30, 0.15), recorded)  # 2.0 ×, within 1.5 × 1.37
    assert grown(measured(0.80, 0.50), {"undo_add": {"ratio": 0.6}})  # 1.6 × past 1.5 × 1
    assert not grown(measured(0.70, 0.50), {"undo_add": {"ratio": 0.6}})  # 1.4 ×

"""The guided CLI tour of `make tour`: the guided tour plays on a fresh demo company without an
error (S1, S3, S4, S7, S8, X2, X3, L2, L4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.line_counts import assert_lines_counted

ROOT = Path(__file__).resolve().parents[2]


def test_the_guided_tour_runs_on_the_demo_company(tmp_path):
    rapport = Path(sys.executable).with_name("rapport")
    url = f"sqlite:///{tmp_path / 'tour.db'}"
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    subprocess.run([str(rapport), "--db", url, "demo"], check=True, capture_output=True, env=env)
    done = subprocess.run(
        [str(ROOT / "scripts" / "tour.sh"), str(rapport), url],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "has been logged" in done.stdout + done.stderr
    assert "Undid action 3; 76 lines, 2 criteria actions." in done.stdout
    assert "is on the segment (line 20000)." in done.stdout  # one line, in the singular
    assert_lines_counted(url)  # every segment the tour left counts its lines (S1)

"""The criteria grammar's parser is built once and kept in the user's cache directory (SPEC
§9 start-up, X1): a later process loads it instead of building it, a damaged file is built
again, and the parses are the same either way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PARSE = (
    "from rapport.criteria import parse, render; "
    'print(render(parse("country in (BE, NL) and mailing_group = NEWSLETTER")))'
)


def parse_in_a_process(cache: Path) -> str:
    environ = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", PARSE], capture_output=True, text=True, env=environ, check=True
    )
    assert done.stderr == ""
    return done.stdout.strip()


def test_x1_the_parser_is_kept_loaded_and_rebuilt_when_damaged(tmp_path):
    first = parse_in_a_process(tmp_path)
    kept = list((tmp_path / "rapport").glob("criteria-*.lark"))
    assert len(kept) == 1
    assert kept[0].stat().st_size > 1000
    assert (tmp_path / "rapport").stat().st_mode & 0o077 == 0  # the user's own
    written = kept[0].stat().st_mtime_ns
    assert parse_in_a_process(tmp_path) == first
    assert kept[0].stat().st_mtime_ns == written  # loaded, not built again
    kept[0].write_bytes(b"not a parser")
    assert parse_in_a_process(tmp_path) == first
    assert kept[0].stat().st_size > 1000  # built and kept again


def test_x1_without_a_writable_cache_directory_the_parser_is_built_in_memory(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")  # the cache "directory" is a file: nothing can be kept there
    assert "mailing_group = NEWSLETTER" in parse_in_a_process(blocked)

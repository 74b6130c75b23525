"""The criteria grammar's parser (grammar.lark), built once and kept in the user's cache
directory: a command given criteria loads the built LALR tables instead of building them
again (SPEC §9, start-up). The parser reads the text's shape; `parser.py` gives it meaning.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import lark
from lark import Lark


@cache
def built_parser() -> Lark:
    """The LALR parser of grammar.lark, built once per process and kept in the user's cache
    directory, so that a command given criteria loads it instead of building the tables
    again (SPEC §9, start-up)."""
    grammar = resources.files("rapport.criteria").joinpath("grammar.lark").read_text()
    cached = _cache_file(grammar)
    if cached is not None and cached.exists():
        try:
            with cached.open("rb") as file:
                return Lark.load(file)
        except Exception:  # an unreadable or foreign cache file is rebuilt below
            cached.unlink(missing_ok=True)
    parser = Lark(grammar, parser="lalr", maybe_placeholders=True)
    if cached is not None:
        _keep(parser, cached)
    return parser


def _cache_file(grammar: str) -> Path | None:
    """Where the built parser of this grammar (for this lark and Python) is kept: a file
    named by their hash in the user's own cache directory, or None when there is none."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "rapport"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(folder, os.W_OK) or folder.stat().st_uid != os.getuid():
        return None
    key = f"{grammar}|{lark.__version__}|{sys.version_info[:2]}"
    return folder / f"criteria-{hashlib.sha256(key.encode()).hexdigest()[:16]}.lark"


def _keep(parser: Lark, path: Path) -> None:
    """Write the parser next to `path` and move it into place, so that no process ever
    reads a half-written file."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
            parser.save(file)
        os.replace(file.name, path)
    except OSError:
        return

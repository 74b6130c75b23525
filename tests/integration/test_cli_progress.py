"""Progress bars on the command line (K4, L3; issue 12 item 7): `rapport import`, `export -o`
and `segment log --deliver` show a rich bar while they work when stdout is a terminal, and
none with --json or when stdout is a pipe. The commands run in a process of their own on a
pseudo-terminal, as a person's shell runs them."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from decimal import Decimal

import pytest

from rapport.storage.db import open_database
from tests.factories import build_log_world, make_segment
from tests.integration.import_world import write_file

BAR = "━"  # what rich draws a bar with


def run_on_terminal(*args: str, env: dict[str, str] | None = None, pipe: bool = False) -> str:
    """Run `rapport ARGS…` with stdout and stderr on a pseudo-terminal (stdout on a pipe
    with `pipe`) and return everything the terminal showed."""
    main, side = pty.openpty()
    out = subprocess.PIPE if pipe else side
    command = [sys.executable, "-m", "rapport", *args]
    process = subprocess.Popen(command, stdout=out, stderr=side, env={**os.environ, **(env or {})})
    os.close(side)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal is closed once the process has ended
            break
        if not chunk:
            break
        shown.extend(chunk)
    if pipe and process.stdout is not None:
        process.stdout.read()
        process.stdout.close()
    assert process.wait(60) == 0, shown.decode(errors="replace")
    os.close(main)
    return shown.decode(errors="replace")


@pytest.fixture
def languages(tmp_path):
    rows = [["code", "name"]] + [[f"L{n:03}", f"Language {n}"] for n in range(300)]
    return write_file(tmp_path / "languages.csv", rows)


def test_k4_import_shows_a_bar_on_a_terminal_and_none_with_json_or_a_pipe(sqlite_url, languages):
    shown = run_on_terminal("--db", sqlite_url, "import", "languages", str(languages))
    assert "Importing languages.csv" in shown
    assert "Importing languages.csv: done" in shown  # the phase, named beside the bar
    assert BAR in shown
    assert "languages: 300 imported" in shown
    as_json = run_on_terminal(
        "--db", sqlite_url, "--json", "import", "languages", str(languages), "--update"
    )
    assert "Importing" not in as_json
    assert BAR not in as_json
    piped = run_on_terminal(
        "--db", sqlite_url, "import", "languages", str(languages), "--update", pipe=True
    )
    assert "Importing" not in piped
    assert "languages: 0 imported, 300 updated" in piped


def test_k4_export_to_a_file_shows_a_bar_on_a_terminal(sqlite_url, languages, tmp_path):
    run_on_terminal("--db", sqlite_url, "--json", "import", "languages", str(languages))
    target = tmp_path / "out.csv"
    shown = run_on_terminal("--db", sqlite_url, "export", "languages", "-o", str(target))
    assert "Exporting languages" in shown
    assert BAR in shown
    assert "300/300" in shown
    assert len(target.read_text().splitlines()) == 301


def test_l3_log_with_delivery_shows_a_bar_on_a_terminal(sqlite_url, smtp):
    inbox, mail = smtp
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        contacts = build_log_world(session)
        lines = [
            {"contact": contacts[no], "attachment_no": 1, "correspondence_type": "email"}
            for no in ("ACME", "P1")
        ]
        make_segment(
            session,
            "SEG1",
            lines=lines,
            interaction_template_code="ABSTRACT",
            interaction_group_code="LETTER",
            salesperson_code="JO",
            description="Spring mailing",
            unit_cost=Decimal(2),
            information_flow="outbound",
            initiated_by="us",
        )
    sessions.kw["bind"].dispose()
    env = {"RAPPORT_SMTP_URL": str(mail.smtp_url), "RAPPORT_MAIL_FROM": str(mail.mail_from)}
    shown = run_on_terminal("--db", sqlite_url, "segment", "log", "SEG1", "--deliver", env=env)
    assert "Delivering" in shown
    assert BAR in shown
    assert "Segment SEG1 has been logged." in shown
    assert sorted(m["To"] for m in inbox.messages) == ["ann@acme.test", "info@acme.test"]

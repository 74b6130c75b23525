"""The CLI's text for people (SPEC §6.2, §9): a line is written as it is, through rich on a
terminal and plainly to a file or a pipe; user text never turns into markup either way."""

from __future__ import annotations

import io
import sys

import pytest

from rapport.cli import output

USER_TEXT = "Acme [bold]Ltd[/bold] :smile: 50% → ok"


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a person's shell is."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def fresh_consoles():
    """Each test's consoles are made on the streams that test installs."""
    output._console.cache_clear()
    yield
    output._console.cache_clear()


@pytest.mark.parametrize("stream", [io.StringIO, Terminal], ids=["pipe", "terminal"])
def test_x10_a_line_for_people_is_written_as_it_is(stream, monkeypatch):
    out, err = stream(), stream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    output.say(USER_TEXT)
    output.say()
    output.message(f"Segment {USER_TEXT} has been logged.")
    output.fields({"no": "SEG00001", "description": USER_TEXT})
    assert out.getvalue() == (f"{USER_TEXT}\n\nno           SEG00001\ndescription  {USER_TEXT}\n")
    assert err.getvalue() == f"Segment {USER_TEXT} has been logged.\n"

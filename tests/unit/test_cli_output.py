"""The CLI's text for people (SPEC §6.2, §9): a line is written as it is, through rich on a
terminal and plainly to a file or a pipe; user text never turns into markup either way."""

from __future__ import annotations

import datetime as dt
import io
import json
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


def test_x10_results_are_plain_as_asdict_makes_them():
    """`plain` gives a result's fields as `dataclasses.asdict` does, nested results, lists
    and tuples included, without copying every value."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from rapport.services.segments.results import AddPreview, SampleContact, Skipped

    preview = AddPreview(
        action_no=2,
        added=3,
        no_of_lines=7,
        sample=(SampleContact("P1", "Ann", "person", "ACME"),),
        skipped=Skipped(excluded=1, privacy_blocked=0, opted_out=2),
    )
    assert output.plain(preview) == dataclasses.asdict(preview)
    assert output.plain({"at": dt.date(2026, 12, 4), "cost": Decimal("1.50"), "n": [1]}) == {
        "at": dt.date(2026, 12, 4),
        "cost": Decimal("1.50"),
        "n": [1],
    }


def test_x10_a_long_table_is_written_as_its_rows_come(monkeypatch):
    """X5 (a membership log of 500,000 events): the plain table's widths come from its first
    rows; each row is written when read, and a longer value further down widens its own
    line only, every value whole."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    written_before_last = []

    def rows():
        for number in range(output.WIDTH_ROWS + 2):
            if number == output.WIDTH_ROWS + 1:
                written_before_last.append(len(out.getvalue().splitlines()))
            yield {"no": f"C{number}" if number <= output.WIDTH_ROWS else "C" + "9" * 12}

    output.table(rows(), ["no", "name"])
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["no    name", "C0"]
    assert lines[-1] == "C999999999999"
    assert len(lines) == output.WIDTH_ROWS + 3
    assert written_before_last == [output.WIDTH_ROWS + 2]  # the header and every row before


def test_a_moment_in_json_carries_its_offset_as_the_apis_does(capsys):
    """SPEC §6.2/§7: `--json` writes a stored moment (UTC without an offset) with
    `+00:00`, as the API does; a date stays a date."""
    from rapport.api.shapes import jsonable

    moment = dt.datetime(2026, 12, 5, 18, 30, 5)
    output.write_json({"at": moment, "on": dt.date(2026, 12, 5)})
    written = json.loads(capsys.readouterr().out)
    assert written == {"at": "2026-12-05T18:30:05+00:00", "on": "2026-12-05"}
    assert written["at"] == jsonable(moment)


@pytest.mark.parametrize(
    ("number", "noun", "plural", "said"),
    [
        (0, "line", "", "0 lines"),
        (1, "line", "", "1 line"),
        (2, "line", "", "2 lines"),
        (1, "opportunity", "opportunities", "1 opportunity"),
        (3, "opportunity", "opportunities", "3 opportunities"),
    ],
)
def test_a_count_is_said_in_its_number(number, noun, plural, said):
    assert output.counted(number, noun, plural) == said

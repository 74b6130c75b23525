"""K4: an import's progress names every phase: the rows read, chunk by chunk, then each step
of the set-based work after reading as it starts (checking, writing, building the indexes of
a first load of contacts, updating the statistics, committing), and `done` with the rows
handled once committed. Reported through the service's own `on_progress`."""

from __future__ import annotations

from itertools import groupby
from typing import Any

import pytest

from rapport.services.transfer import imports
from rapport.services.transfer._phases import Phase
from tests.integration.import_world import write_file

ROWS = 60_000  # two chunks of the reader (50,000 each): reading is reported chunk by chunk


def contacts_file(tmp_path: Any, rows: int, *, bad: bool = False) -> Any:
    cells = [[f"C{n:06}", "company", f"Company {n}"] for n in range(rows)]
    if bad:
        cells[-1][1] = "persoon"
    return write_file(tmp_path / "contacts.csv", [["no", "type", "name"], *cells])


def follow(sessions: Any, path: Any, **options: Any) -> list[tuple[int, int | None, Phase]]:
    reported: list[tuple[int, int | None, Phase]] = []
    imports.import_table(
        sessions,
        "contacts",
        path,
        by="tester",
        on_progress=lambda done, total, phase: reported.append((done, total, phase)),
        **options,
    )
    return reported


def phases(reported: list[tuple[int, int | None, Phase]]) -> list[Phase]:
    return [phase for phase, _ in groupby(phase for _, _, phase in reported)]


def test_k4_a_first_load_names_every_phase_in_order(sessions, tmp_path):
    reported = follow(sessions, contacts_file(tmp_path, ROWS))
    assert phases(reported) == [
        Phase.READING,
        Phase.CHECKING,
        Phase.WRITING,
        Phase.BUILDING_INDEXES,
        Phase.ANALYZING,
        Phase.COMMITTING,
        Phase.DONE,
    ]
    read = [done for done, _, phase in reported if phase == Phase.READING]
    assert len(read) > 1
    assert read == sorted(read)
    assert read[-1] == ROWS
    after = [(done, total) for done, total, phase in reported[len(read) : -1]]
    assert set(after) == {(ROWS, None)}
    assert reported[-1] == (ROWS, ROWS, Phase.DONE)


def test_k4_an_import_into_a_table_with_rows_builds_no_indexes(sessions, tmp_path):
    follow(sessions, contacts_file(tmp_path, 10))
    reported = follow(sessions, contacts_file(tmp_path, 10), update=True)
    assert phases(reported) == [
        Phase.READING,
        Phase.CHECKING,
        Phase.WRITING,
        Phase.ANALYZING,
        Phase.COMMITTING,
        Phase.DONE,
    ]
    assert reported[-1] == (10, 10, Phase.DONE)


def test_k4_a_bad_file_stops_after_checking(sessions, tmp_path):
    reported: list[Phase] = []
    with pytest.raises(imports.BadFile):
        imports.import_table(
            sessions,
            "contacts",
            contacts_file(tmp_path, 10, bad=True),
            on_progress=lambda _done, _total, phase: reported.append(phase),
            by="tester",
        )
    assert [phase for phase, _ in groupby(reported)] == [Phase.READING, Phase.CHECKING]

"""K4: a whole database exported table by table re-imports unchanged into a new database."""

from __future__ import annotations

import pytest

from rapport.services.transfer import exports, imports
from tests.integration.import_world import ORDER, SAMPLES, build_world, from_dicts


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_k4_every_table_exported_re_imports_unchanged(sessions, sqlite_sessions, tmp_path, suffix):
    with sessions.begin() as session:
        build_world(session)
    for table in ORDER:
        imports.import_table(
            sessions, table, from_dicts(tmp_path / f"in-{table}.csv", SAMPLES[table]), by="tester"
        )
    for table in ORDER:
        path = tmp_path / f"{table}{suffix}"
        exports.export_table(sessions, table, path=path)
        imports.import_table(sqlite_sessions, table, path, by="tester")
    for table in ORDER:
        first, second = tmp_path / f"a-{table}.csv", tmp_path / f"b-{table}.csv"
        one = exports.export_table(sessions, table, path=first)
        two = exports.export_table(sqlite_sessions, table, path=second)
        assert one.rows == two.rows > 0
        assert first.read_text() == second.read_text(), table


def test_k4_export_streams_rows_in_key_order(sqlite_sessions, tmp_path):
    rows = [{"no": f"C{i:05d}", "name": f"Company {i}"} for i in range(2500, 0, -1)]
    imports.import_table(
        sqlite_sessions, "contacts", from_dicts(tmp_path / "c.csv", rows), by="tester"
    )
    out = tmp_path / "out.csv"
    result = exports.export_table(sqlite_sessions, "contacts", path=out)
    lines = out.read_text().splitlines()
    assert result.rows == 2500
    assert lines[1].startswith("C00001,company,Company 1,COMPANY 1,C00001,Company 1")
    assert lines[-1].startswith("C02500,")

"""`rapport segment refresh` and `segment exceptions` (X4): JSON shapes, `--all` going on past
a segment that fails and exiting 1, and the usage of one segment or `--all`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker

from rapport.cli.main import run
from rapport.storage import tables as t
from rapport.storage.db import make_engine
from tests.integration.segment_world import build_world


@pytest.fixture
def cli(sqlite_url, capsys):
    engine = make_engine(sqlite_url)
    with sessionmaker(engine).begin() as session:
        build_world(session)
    engine.dispose()

    def call(*args: str) -> tuple[int, object, str]:
        code = run(["--db", sqlite_url, "--json", "--user", "admin", *args])
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else None, err

    call.url = sqlite_url  # type: ignore[attr-defined]
    return call


def test_x4_create_dynamic_refresh_and_exceptions_from_the_command_line(cli):
    code, created, _ = cli("segment", "create", "--description", "Live", "--dynamic")
    assert (code, created["dynamic"]) == (0, True)
    no = created["no"]
    cli("segment", "add", no, "--where", "country = BE and type = person")
    code, refreshed, _ = cli("segment", "refresh", no)
    assert code == 0
    assert set(refreshed) == {"segment", "action_no", "added", "removed", "no_of_lines", "full"}
    cli("segment", "remove-contact", no, "P2")
    code, listed, _ = cli("segment", "exceptions", no)
    assert [row["contact_no"] for row in listed] == ["P2"]
    shown = cli("segment", "show", no)[1]
    assert [row["contact_no"] for row in shown["exceptions"]] == ["P2"]
    assert cli("segment", "exceptions", no, "--remove", "P2")[1] == []
    code, header, _ = cli("segment", "set", no, "refresh_every=1d")
    assert (code, header["refresh_every"]) == (0, "1d")


def test_x4_refresh_all_reports_each_segment_and_exits_1_when_one_failed(cli):
    first = cli("segment", "create", "--description", "A", "--dynamic")[1]["no"]
    second = cli("segment", "create", "--description", "B", "--dynamic")[1]["no"]
    cli("segment", "add", first, "--where", "country = BE")
    cli("segment", "add", second, "--where", "country = NL")
    code, outcomes, _ = cli("segment", "refresh", "--all")
    assert code == 0
    assert [set(o) for o in outcomes] == [
        {"segment", "added", "removed", "no_of_lines", "error"}
    ] * 2
    engine = make_engine(cli.url)
    criteria = t.SegmentCriteriaLine.__table__
    with sessionmaker(engine).begin() as session:  # criteria no longer valid
        session.execute(update(criteria).where(criteria.c.action_no == 1).values(criteria="x = 1"))
    engine.dispose()
    code, outcomes, _ = cli("segment", "refresh", "--all")
    assert code == 1
    assert all(o["error"] for o in outcomes)


def test_x4_refresh_takes_one_segment_or_all(cli):
    code, _, err = cli("segment", "refresh")
    assert code == 1
    assert "name one segment, or give --all" in err
    code, _, err = cli("segment", "refresh", "SEG99999")
    assert (code, err.strip()) == (
        1,
        "error: The Segment does not exist. Identification fields and values: No.='SEG99999'",
    )

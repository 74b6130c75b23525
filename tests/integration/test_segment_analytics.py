"""Segment analytics (X6) on SQLite and PostgreSQL: composition by a contact field or a
relation (kept on the company where the criteria read it there), overlap as a matrix, and
the `segment stats` / `segment overlap` commands printing the same numbers."""

from __future__ import annotations

import json

import pytest

from rapport.cli.main import run
from rapport.errors import Invalid, NotFound
from rapport.services.segments import actions, analytics, header
from rapport.storage.db import open_database
from tests.integration.segment_world import build_world


def segment(sessions, criteria):
    no = header.create_segment(sessions, description="Stats", user="ADMIN").no
    actions.add_contacts(sessions, no, criteria=criteria, user="ADMIN", preview=False)
    return no


def counts(result):
    return {group.value: group.lines for group in result.groups}


def test_x6_composition_by_a_contact_field_largest_first(world):
    no = segment(world, "type = person")  # P1 P2 P3 P5 P6 (P4 is excluded)
    result = analytics.stats(world, no, by="Country")
    assert result.by == "country"
    assert result.no_of_lines == 5
    assert [(g.value, g.lines) for g in result.groups] == [("BE", 4), ("NL", 1)]
    assert counts(analytics.stats(world, no, by="salesperson")) == {"": 4, "JO": 1}


def test_x6_composition_by_a_relation_reads_company_relations_on_the_company(world):
    no = segment(world, "type = person")
    assert counts(analytics.stats(world, no, by="industry_group")) == {
        "RETAIL": 2,  # Ann and Bob, through ACME
        "WHOLESALE": 1,  # Cas, through BETA
        "": 2,  # Eve (GAMMA has none) and Fay (no company)
    }
    assert counts(analytics.stats(world, no, by="job_responsibility")) == {
        "PURCHASE": 4,
        "SALES": 1,
    }


def test_x6_removed_lines_do_not_count(world):
    no = segment(world, "type = person")
    actions.reduce(world, no, criteria="country = NL", user="ADMIN")
    assert counts(analytics.stats(world, no, by="country")) == {"BE": 4}


def test_x6_an_unknown_field_is_refused_with_a_suggestion(world):
    no = segment(world, "type = person")
    with pytest.raises(Invalid, match="did you mean 'country'") as caught:
        analytics.stats(world, no, by="contry")
    assert caught.value.field == "by"
    with pytest.raises(Invalid, match="profile has no code"):
        analytics.stats(world, no, by="profile")


def test_x6_overlap_is_a_symmetric_matrix_with_each_segment_on_the_diagonal(world):
    belgians = segment(world, "country = BE")  # ACME P1 P2 P5 P6 (GAMMA excluded)
    buyers = segment(world, "job_responsibility = PURCHASE")  # P1 P3 P5 P6
    dutch = segment(world, "country = NL")  # BETA P3
    result = analytics.overlap(world, [belgians, buyers, dutch.lower()])
    assert result.segment_nos == [belgians, buyers, dutch]
    assert result.counts == [[5, 3, 0], [3, 4, 1], [0, 1, 2]]


def test_x6_overlap_needs_two_existing_segments(world):
    no = segment(world, "country = BE")
    with pytest.raises(Invalid, match="give 2 to 12 different segments"):
        analytics.overlap(world, [no, no])
    with pytest.raises(NotFound, match="SEG09999"):
        analytics.overlap(world, [no, "SEG09999"])


def test_x6_the_stats_and_overlap_commands_print_the_service_numbers(sqlite_url, capsys):
    sessions = open_database(sqlite_url)
    with sessions.begin() as session:
        build_world(session)
    first = segment(sessions, "type = person")
    second = segment(sessions, "country = NL")
    capsys.readouterr()
    assert run(["--db", sqlite_url, "--json", "segment", "stats", first, "--by", "country"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["groups"] == [{"value": "BE", "lines": 4}, {"value": "NL", "lines": 1}]
    assert run(["--db", sqlite_url, "--json", "segment", "overlap", first, second]) == 0
    assert json.loads(capsys.readouterr().out)["counts"] == [[5, 1], [1, 2]]
    assert run(["--db", sqlite_url, "segment", "stats", first, "--by", "contry"]) == 1
    assert "did you mean 'country'" in capsys.readouterr().err

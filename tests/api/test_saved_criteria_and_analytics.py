"""Saved criteria (S9) and a segment's composition and overlap (X6) over HTTP (X9): the
JSON of `rapport criteria … --json` and `rapport segment stats|overlap --json`."""

from __future__ import annotations

from tests.api.conftest import problem_of, walk


def _segment(marketer, description, criteria):
    no = marketer.post("/api/segments", json={"description": description}).json()["no"]
    added = marketer.post(f"/api/segments/{no}/actions", json={"type": "add", "criteria": criteria})
    assert added.status_code == 200, added.text
    return no


def test_s9_x9_saved_criteria_are_listed_shown_and_deleted_as_the_cli_does(
    segment_world, client_as, cli_json
):
    marketer, viewer = client_as("marketer"), client_as("viewer")
    for code, criteria in (("BE", "country = BE"), ("ALL", "type = company")):
        no = _segment(marketer, code, criteria)
        saved = marketer.post(f"/api/segments/{no}/saved-criteria", json={"code": code})
        assert saved.status_code == 201, saved.text
    pages = walk(viewer, "/api/saved-criteria?limit=1")
    assert [len(items) for items in pages] == [1, 1]
    assert [row for items in pages for row in items] == cli_json("criteria", "list")
    shown = viewer.get("/api/saved-criteria/be")
    assert shown.json() == cli_json("criteria", "show", "BE")
    assert [action["criteria"] for action in shown.json()["actions"]] == ["country = BE"]
    problem_of(viewer.delete("/api/saved-criteria/BE"), 403)
    deleted = marketer.delete("/api/saved-criteria/BE")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {k: v for k, v in shown.json().items() if k != "actions"}
    problem_of(viewer.get("/api/saved-criteria/BE"), 404)
    assert [row["code"] for row in cli_json("criteria", "list")] == ["ALL"]


def test_x6_x9_stats_and_overlap_are_the_cli_ones(segment_world, client_as, cli_json):
    marketer, viewer = client_as("marketer"), client_as("viewer")
    first = _segment(marketer, "Companies", "type = company")
    second = _segment(marketer, "Belgium", "country = BE")
    stats = viewer.get(f"/api/segments/{first}/stats", params={"by": "country"})
    assert stats.status_code == 200, stats.text
    assert stats.json() == cli_json("segment", "stats", first, "--by", "country")
    assert sum(group["lines"] for group in stats.json()["groups"]) == stats.json()["no_of_lines"]
    overlap = viewer.get(f"/api/segments/{first}/overlap", params={"with": [second]})
    assert overlap.status_code == 200, overlap.text
    assert overlap.json() == cli_json("segment", "overlap", first, second)
    body = problem_of(viewer.get(f"/api/segments/{first}/stats", params={"by": "shoe_size"}), 422)
    assert body["errors"][0]["field"] == "by"
    problem_of(viewer.get(f"/api/segments/{first}/overlap", params={"with": [first]}), 422)
    unknown = problem_of(
        viewer.get(f"/api/segments/{first}/overlap", params={"with": ["NOPE"]}), 422
    )
    assert unknown["errors"][0]["field"] == "with"
    problem_of(viewer.get("/api/segments/NOPE/overlap", params={"with": [first]}), 404)
    problem_of(viewer.get("/api/segments/NOPE/stats", params={"by": "country"}), 404)


def test_s9_x9_a_code_that_upper_cases_past_ten_characters_names_no_saved_criteria(client_as):
    """`ßßßßß…` is ten characters as typed and twenty upper-cased: no saved criteria can have
    it, so reading or deleting it is a 404 like any unknown code, not a 422."""
    marketer = client_as("marketer")
    for method in ("get", "delete"):
        answer = getattr(marketer, method)("/api/saved-criteria/" + "ß" * 10)
        assert "SSSSSSSSSSSSSSSSSSSS" in problem_of(answer, 404)["detail"]

"""Interaction templates over HTTP (L1): list, show, and a variant's attachment uploaded
with its language, in the JSON of `rapport template … --json`."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of, walk
from tests.factories import build_log_world

BODY = ("body-nlb.html", b"<p>Beste {{ contact.name }}</p>", "text/html")


@pytest.fixture
def world(sessions):
    """Templates ABSTRACT (ENU variant) and CALL; languages ENU and NLB."""
    with sessions.begin() as session:
        build_log_world(session)


def test_l1_the_list_and_a_template_are_the_cli_ones(world, client_as, cli_json):
    viewer = client_as("viewer")
    pages = walk(viewer, "/api/templates?limit=1")
    assert [len(items) for items in pages] == [1, 1]
    assert [row for items in pages for row in items] == cli_json("template", "list")
    assert viewer.get("/api/templates/abstract").json() == cli_json("template", "show", "ABSTRACT")
    body = problem_of(viewer.get("/api/templates/NOPE"), 404)
    assert "Code='NOPE'" in body["detail"]


def test_l1_an_upload_attaches_a_variant_in_its_language(world, client_as, cli_json):
    marketer = client_as("marketer")
    answer = marketer.post(
        "/api/templates/ABSTRACT/attachments", files={"file": BODY}, data={"language": "nlb"}
    )
    assert answer.status_code == 200, answer.text
    variant = answer.json()
    assert (variant["language_code"], variant["file_name"]) == ("NLB", "body-nlb.html")
    shown = cli_json("template", "show", "ABSTRACT")
    assert variant in shown["languages"]
    assert [v["language_code"] for v in shown["languages"]] == ["ENU", "NLB"]


def test_l1_a_bad_upload_is_a_problem_and_changes_nothing(world, client_as):
    marketer = client_as("marketer")
    url = "/api/templates/ABSTRACT/attachments"
    before = marketer.get("/api/templates/ABSTRACT").json()
    broken = ("body.html", b"<p>{{ contact.name </p>", "text/html")
    body = problem_of(marketer.post(url, files={"file": broken}), 422)
    assert body["errors"][0]["field"] == "body.html"
    problem_of(marketer.post(url, files={"file": ("body.pdf", b"%PDF", "application/pdf")}), 422)
    unknown = problem_of(marketer.post(url, files={"file": BODY}, data={"language": "XX"}), 422)
    assert unknown["errors"][0]["field"] == "language"
    problem_of(marketer.post(url, data={"language": "NLB"}), 422)
    problem_of(marketer.post("/api/templates/NOPE/attachments", files={"file": BODY}), 404)
    assert marketer.get("/api/templates/ABSTRACT").json() == before


def test_l1_a_viewer_cannot_attach(world, client_as):
    viewer = client_as("viewer")
    problem_of(viewer.post("/api/templates/ABSTRACT/attachments", files={"file": BODY}), 403)
    languages = viewer.get("/api/templates/ABSTRACT").json()["languages"]
    assert [v["language_code"] for v in languages] == ["ENU"]

"""Segment actions over HTTP (S3, S4, S5, S8, S9, S10, X2, X5; SPEC §7 and issue 12's pinned
shapes): `POST /api/segments/{no}/actions` with criteria as text or as the JSON tree and
`preview`, manual contacts, undo and reuse answer what the same `segment` command prints
with --json on a twin segment; bad criteria and foreign options are 422 problems."""

from __future__ import annotations

import pytest

from rapport.criteria import parse, to_json

STEPS = [
    ({"type": "add", "criteria": "country = BE", "preview": True}, ["add", "--preview"]),
    ({"type": "add", "criteria": "country = BE"}, ["add"]),
    (
        {"type": "add", "criteria": "no = P3", "related_companies": True},
        ["add", "--related-companies"],
    ),
    ({"type": "reduce", "criteria": "no = P6", "preview": True}, ["reduce", "--preview"]),
    ({"type": "reduce", "criteria": "no = P6"}, ["reduce"]),
    (
        {"type": "refine", "criteria": "no = P1", "entire_companies": True},
        ["refine", "--entire-companies"],
    ),
]


@pytest.fixture
def twins(client_as, cli):
    """SEG00001 made over HTTP and SEG00002 with the CLI, both empty."""
    assert (
        client_as("marketer").post("/api/segments", json={"description": "API"}).status_code == 201
    )
    assert cli("segment", "create", "--description", "CLI")["no"] == "SEG00002"


@pytest.mark.usefixtures("segment_world", "twins")
def test_s3_s4_x2_actions_answer_the_cli_json_of_add_reduce_refine_and_preview(client_as, cli):
    client = client_as("marketer")
    for body, command in STEPS:
        answer = client.post("/api/segments/SEG00001/actions", json=body)
        assert answer.status_code == 200, answer.text
        verb, *flags = command
        expected = cli("segment", verb, "SEG00002", "--where", body["criteria"], *flags)
        assert answer.json() == expected, body
    api_lines = client.get("/api/segments/SEG00001/lines").json()["items"]
    cli_lines = cli("segment", "show", "SEG00002")["lines"]
    assert [line["contact_no"] for line in api_lines] == [line["contact_no"] for line in cli_lines]
    assert [line["contact_no"] for line in api_lines] == ["ACME", "P1", "P2"]


@pytest.mark.usefixtures("segment_world", "twins")
def test_s3_criteria_as_the_json_tree_act_as_the_same_text(client_as, cli):
    client = client_as("marketer")
    text = "country = BE and type = person"
    tree = to_json(parse(text))
    answer = client.post("/api/segments/SEG00001/actions", json={"type": "add", "criteria": tree})
    assert answer.status_code == 200, answer.text
    assert answer.json() == cli("segment", "add", "SEG00002", "--where", text)
    criteria = client.get("/api/segments/SEG00001/criteria").json()["items"]
    assert criteria[0]["criteria"] == cli("segment", "criteria", "SEG00002")[0]["criteria"]


BAD_ACTIONS = [
    ({"type": "add", "criteria": "country = BE and contry = NL"}, "criteria", (1, 18)),
    ({"type": "add", "criteria": "country = "}, "criteria", (1, 11)),
    ({"type": "add", "criteria": "   "}, "criteria", None),
    ({"type": "add", "criteria": "mailing_group = NEWS"}, "criteria", None),
    ({"type": "reduce", "criteria": "segment(SEG09999)", "preview": True}, "criteria", None),
    ({"type": "add", "criteria": {"and": [{"field": "country", "op": "="}]}}, "criteria", None),
    (
        {"type": "add", "criteria": {"field": "contry", "op": "=", "value": "BE"}},
        "criteria",
        None,
    ),
    (
        {"type": "add", "criteria": "country = BE", "keep_criteria": False},
        "keep_criteria",
        None,
    ),
    (
        {"type": "reduce", "criteria": "country = BE", "allow_existing": True},
        "allow_existing",
        None,
    ),
    (
        {"type": "refine", "criteria": "no = P1", "related_companies": False},
        "related_companies",
        None,
    ),
    ({"type": "move", "criteria": "country = BE"}, "type", None),
    ({"type": "add"}, "criteria", None),
    ({"type": "add", "criteria": "country = BE", "previews": True}, "previews", None),
]


@pytest.mark.usefixtures("segment_world", "twins")
def test_bad_criteria_and_foreign_options_are_422_naming_field_and_position(client_as, cli):
    client = client_as("marketer")
    for body, field, position in BAD_ACTIONS:
        answer = client.post("/api/segments/SEG00001/actions", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        error = answer.json()["errors"][0]
        assert error["field"].startswith(field), body
        if position is not None:
            assert (error["position"]["line"], error["position"]["column"]) == position
            assert answer.json()["detail"] == error["message"]
            assert not error["message"].startswith("line ")  # the position says it
    assert cli("segment", "criteria", "SEG00001") == []


@pytest.mark.usefixtures("segment_world", "twins")
def test_actions_on_a_missing_segment_are_404(client_as):
    answer = client_as("marketer").post(
        "/api/segments/SEG09999/actions", json={"type": "add", "criteria": "country = BE"}
    )
    assert answer.status_code == 404
    assert answer.json()["detail"] == (
        "The Segment does not exist. Identification fields and values: No.='SEG09999'"
    )


@pytest.mark.usefixtures("segment_world", "twins")
def test_s5_contacts_added_and_removed_by_hand_answer_the_cli_json(client_as, cli):
    client = client_as("marketer")
    added = client.post("/api/segments/SEG00001/contacts", json={"contacts": ["P1", "p6"]})
    assert added.status_code == 200, added.text
    assert added.json() == cli("segment", "add-contact", "SEG00002", "P1", "p6")
    removed = client.delete("/api/segments/SEG00001/contacts/P6")
    assert removed.status_code == 200, removed.text
    assert [removed.json()] == cli("segment", "remove-contact", "SEG00002", "P6")
    missing = client.delete("/api/segments/SEG00001/contacts/P6")
    assert missing.status_code == 404
    unknown = client.post("/api/segments/SEG00001/contacts", json={"contacts": ["NOPE"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "contacts"
    assert client.post("/api/segments/SEG00001/contacts", json={"contacts": []}).status_code == 422


@pytest.mark.usefixtures("segment_world", "twins")
def test_s8_x5_undo_the_last_action_or_back_to_action_n(client_as, cli):
    client = client_as("marketer")
    for criteria in ("country = BE", "country = NL", "no = P3"):
        client.post("/api/segments/SEG00001/actions", json={"type": "add", "criteria": criteria})
        cli("segment", "add", "SEG00002", "--where", criteria, "--allow-existing")
    last = client.post("/api/segments/SEG00001/undo")
    assert last.status_code == 200, last.text
    assert last.json()["undone"] == [3]
    assert last.json() == cli("segment", "undo", "SEG00002")
    for not_an_integer in ("0", True, 0.5):  # JSON Schema's integers only, as declared
        refused = client.post("/api/segments/SEG00001/undo", json={"to": not_an_integer})
        assert refused.status_code == 422, not_an_integer
    back = client.post("/api/segments/SEG00001/undo", json={"to": 0.0})  # an integer too
    assert back.json() == {"undone": [2, 1], "no_of_lines": 0, "no_of_criteria_actions": 0}
    assert back.json() == cli("segment", "undo", "SEG00002", "--to", "0")
    nothing = client.post("/api/segments/SEG00001/undo", json={"to": 5})
    assert nothing.status_code == 422
    assert client.post("/api/segments/SEG00001/undo", json={"to": -1}).status_code == 422


@pytest.mark.usefixtures("segment_world", "twins")
def test_s9_s10_save_and_reuse_criteria_and_reuse_logged(client_as, cli):
    client = client_as("marketer")
    client.post("/api/segments/SEG00001/actions", json={"type": "add", "criteria": "country = BE"})
    client.post("/api/segments/SEG00001/actions", json={"type": "reduce", "criteria": "no = P6"})
    saved = client.post(
        "/api/segments/SEG00001/saved-criteria", json={"code": "be", "description": "BE"}
    )
    assert saved.status_code == 201, saved.text
    assert saved.json() == {"code": "BE"}
    again = client.post("/api/segments/SEG00001/saved-criteria", json={"code": "BE"})
    assert again.status_code == 409
    cli("segment", "create", "--description", "Third")
    reused = client.post("/api/segments/SEG00002/reuse-criteria", json={"code": "BE"})
    assert reused.status_code == 200, reused.text
    assert reused.json() == cli("segment", "reuse-criteria", "SEG00003", "BE")
    assert reused.json()["warnings"] == []
    refused = client.post("/api/segments/SEG00002/reuse-criteria", json={"code": "BE"})
    assert refused.status_code == 409
    assert "confirm with yes" in refused.json()["detail"]
    confirmed = client.post(
        "/api/segments/SEG00002/reuse-criteria", json={"code": "BE", "yes": True}
    )
    assert confirmed.status_code == 200
    for entry_no, status in ((7, 422), (7.0, 422), ("7", 422), (True, 422)):
        reused = client.post(
            "/api/segments/SEG00002/reuse-logged", json={"entry_no": entry_no, "yes": True}
        )
        assert reused.status_code == status, entry_no


@pytest.mark.usefixtures("segment_world", "twins")
def test_x9_a_viewer_gets_403_for_every_action_and_nothing_changes(client_as, cli):
    viewer = client_as("viewer")
    for url, body in [
        ("/api/segments/SEG00001/actions", {"type": "add", "criteria": "country = BE"}),
        ("/api/segments/SEG00001/contacts", {"contacts": ["P1"]}),
        ("/api/segments/SEG00001/undo", {}),
        ("/api/segments/SEG00001/saved-criteria", {"code": "X"}),
        ("/api/segments/SEG00001/reuse-criteria", {"code": "X"}),
        ("/api/segments/SEG00001/reuse-logged", {"entry_no": 1}),
    ]:
        assert viewer.post(url, json=body).status_code == 403, url
    assert viewer.delete("/api/segments/SEG00001/contacts/P1").status_code == 403
    assert cli("segment", "criteria", "SEG00001") == []

"""Bad values over HTTP are problems that say what and where, never a 500 (SPEC §7): a
relative date out of the date range in criteria text or JSON (X1, K1, X2) is a 422 with its
field and position; an unknown mailing group (S12) a 422 in Business Central's words; an
unknown campaign (S2) is named by its No."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of

OUT_OF_RANGE = "is out of range (dates run from year 1 to 9999)"


@pytest.fixture
def segment(client_as):
    """SEG00001, empty, on the contacts of the segment world."""
    answer = client_as("marketer").post("/api/segments", json={"description": "API"})
    assert answer.status_code == 201, answer.text


@pytest.mark.usefixtures("segment_world")
@pytest.mark.parametrize(
    ("where", "column"),
    [("created = today - 99999y", 11), ("country = BE and created >= today + 20000y", 29)],
)
def test_k1_a_date_out_of_range_in_where_is_a_422_with_its_position(client_as, where, column):
    body = problem_of(client_as("viewer").get("/api/contacts", params={"where": where}), 422)
    error = body["errors"][0]
    assert (error["field"], error["position"]) == ("where", {"line": 1, "column": column})
    assert OUT_OF_RANGE in error["message"]


@pytest.mark.usefixtures("segment_world", "segment")
@pytest.mark.parametrize(
    ("criteria", "position"),
    [
        ("created >= today + 20000y", {"line": 1, "column": 12}),
        ({"field": "created", "op": ">=", "value": "today + 20000y"}, None),
        ({"field": "created", "op": "in", "values": ["today", "today - 999999d"]}, None),
    ],
)
@pytest.mark.parametrize("preview", [True, False])
def test_x2_s3_a_date_out_of_range_in_an_action_is_a_422_and_adds_nothing(
    client_as, criteria, position, preview
):
    client = client_as("marketer")
    body = {"type": "add", "criteria": criteria, "preview": preview}
    problem = problem_of(client.post("/api/segments/SEG00001/actions", json=body), 422)
    error = problem["errors"][0]
    assert error["field"].startswith("criteria")
    assert error.get("position") == position
    assert OUT_OF_RANGE in error["message"]
    assert client.get("/api/segments/SEG00001").json()["no_of_lines"] == 0


@pytest.mark.usefixtures("segment_world", "segment")
def test_s12_an_unknown_mailing_group_is_a_422_in_bc_words(client_as):
    client = client_as("marketer")
    answer = client.post("/api/segments/SEG00001/mailing-group", json={"code": "nope"})
    problem = problem_of(answer, 422)
    assert problem["detail"] == (
        "The Mailing Group does not exist. Identification fields and values: Code='NOPE'"
    )


@pytest.mark.usefixtures("segment_world", "segment")
def test_s2_an_unknown_campaign_is_named_by_its_no(client_as):
    client = client_as("marketer")
    answer = client.patch("/api/segments/SEG00001", json={"campaign_no": "CP99"})
    problem = problem_of(answer, 422)
    assert problem["errors"][0]["field"] == "campaign_no"
    assert problem["detail"] == (
        "The Campaign does not exist. Identification fields and values: No.='CP99'"
    )
    assert client.get("/api/segments/SEG00001").json()["campaign_no"] == ""

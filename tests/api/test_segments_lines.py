"""A segment's lines over HTTP (S5; SPEC §7, issue 12 items 4 and 6): keyset pages equal to
`segment show --json`'s lines, a `?where=` criteria filter on the line's contact, a line
changed with If-Match (412 when stale), and a line's contact removed."""

from __future__ import annotations

import pytest


@pytest.fixture
def on_segment(client_as):
    client = client_as("marketer")
    client.post("/api/segments", json={"description": "Mailing"})
    answer = client.post(
        "/api/segments/SEG00001/actions",
        json={"type": "add", "criteria": "country = BE or country = NL"},
    )
    assert answer.json()["added"] == 7, answer.text


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_s5_lines_page_by_keyset_and_equal_segment_show(client_as, cli):
    client = client_as("viewer")
    pages, url = [], "/api/segments/SEG00001/lines?limit=3"
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.text
        pages.append(answer.json()["items"])
        url = answer.json()["next"]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [line for page in pages for line in page] == cli("segment", "show", "SEG00001")["lines"]


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_s5_where_filters_the_lines_by_their_contact_and_pages_keep_it(client_as):
    client = client_as("viewer")
    first = client.get(
        "/api/segments/SEG00001/lines", params={"where": "type = person", "limit": 2}
    ).json()
    assert [line["contact_no"] for line in first["items"]] == ["P6", "P1"]
    assert "where=type" in first["next"]
    second = client.get(first["next"]).json()
    assert [line["contact_no"] for line in second["items"]] == ["P2", "P3"]
    third = client.get(second["next"]).json()
    assert [line["contact_no"] for line in third["items"]] == ["P5"]
    assert third["next"] is None


BAD_LINE_QUERIES = [
    ("where=contry = BE", "where", (1, 1)),
    ("where=country = 'BE", "where", (1, 11)),
    ("where=1=1; DROP TABLE contacts", "where", (1, 2)),
    ("after=WyJBIl0", "after", None),  # a segment no.'s cursor, not a line no.'s
    (
        "after=WzExODA1OTE2MjA3MTc0MTEzMDM0MjRd",
        "after",
        None,
    ),  # a line no. past any database integer
]


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_a_bad_filter_or_cursor_is_422_with_its_field_and_position(client_as):
    client = client_as("viewer")
    for query, field, position in BAD_LINE_QUERIES:
        answer = client.get(f"/api/segments/SEG00001/lines?{query}")
        assert answer.status_code == 422, (query, answer.text)
        error = answer.json()["errors"][0]
        assert error["field"] == field
        if position:
            assert (error["position"]["line"], error["position"]["column"]) == position
    for line in ("0", "99999999999999999999", "ten"):
        answer = client.get(f"/api/segments/SEG00001/lines/{line}")
        assert answer.status_code == 422, (line, answer.text)
        assert answer.json()["errors"][0]["field"] == "path.line"


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_s5_patch_a_line_with_its_etag_a_stale_etag_gets_412(client_as, cli):
    client = client_as("marketer")
    line = client.get("/api/segments/SEG00001/lines/10000")
    assert line.status_code == 200, line.text
    assert line.json() == cli("segment", "show", "SEG00001")["lines"][0]
    tag = line.headers["etag"]
    changed = client.patch(
        "/api/segments/SEG00001/lines/10000",
        json={"description": "Call first", "cost": 3},
        headers={"if-match": tag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"segment": "SEG00001", "line_no": 10000}
    assert changed.headers["etag"] not in (tag, None)
    shown = cli("segment", "show", "SEG00001")["lines"][0]
    assert (shown["description"], shown["cost"]) == ("Call first", 3)
    stale = client.patch(
        "/api/segments/SEG00001/lines/10000",
        json={"description": "Lost"},
        headers={"if-match": tag},
    )
    assert stale.status_code == 412
    assert cli("segment", "show", "SEG00001")["lines"][0]["description"] == "Call first"
    other = client.get("/api/segments/SEG00001/lines/20000").headers["etag"]
    assert other != changed.headers["etag"]


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_s5_changing_a_line_s_contact_is_two_actions_and_bad_fields_are_422(client_as, cli):
    client = client_as("marketer")
    answer = client.patch("/api/segments/SEG00001/lines/10000", json={"contact_no": "P4"})
    assert answer.status_code == 200, answer.text
    assert [a["action"] for a in cli("segment", "criteria", "SEG00001")] == ["add", "reduce", "add"]
    for body in ({}, {"colour": "red"}, {"cost": -1}, {"evaluation": "superb"}):
        bad = client.patch("/api/segments/SEG00001/lines/10000", json=body)
        assert bad.status_code == 422, (body, bad.text)
    assert client.patch("/api/segments/SEG00001/lines/99", json={"cost": 1}).status_code == 404


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_s5_delete_a_line_removes_its_contact_as_an_undoable_action(client_as, cli):
    client = client_as("marketer")
    answer = client.delete("/api/segments/SEG00001/lines/30000")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "action_no": 2,
        "removed": 1,
        "no_of_lines": 6,
        "criteria_reset": False,
    }
    assert "P1" not in [line["contact_no"] for line in cli("segment", "show", "SEG00001")["lines"]]
    assert client.delete("/api/segments/SEG00001/lines/30000").status_code == 404
    assert client.post("/api/segments/SEG00001/undo").json()["no_of_lines"] == 7


@pytest.mark.usefixtures("segment_world", "on_segment")
def test_s5_a_viewer_reads_lines_but_cannot_change_them(client_as, cli):
    viewer = client_as("viewer")
    assert viewer.get("/api/segments/SEG00001/lines/10000").status_code == 200
    assert viewer.patch("/api/segments/SEG00001/lines/10000", json={"cost": 1}).status_code == 403
    assert viewer.delete("/api/segments/SEG00001/lines/10000").status_code == 403
    assert len(cli("segment", "show", "SEG00001")["lines"]) == 7

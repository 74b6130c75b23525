"""Using a segment over HTTP (S7, S12–S15, L2, X3, X5; SPEC §7): its criteria, membership log
and explain, export as a download, mailing group, opportunities, tasks, languages and log,
each answering what the matching `segment` command prints with --json on a twin segment."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.storage import tables as t

BUILD = [
    {"type": "add", "criteria": "country = BE"},
    {"type": "add", "criteria": "no = P3"},
    {"type": "reduce", "criteria": "no = P6"},
]


@pytest.fixture
def twins(client_as, sessions: sessionmaker[Session]):
    """SEG00001 and SEG00002 built alike by the same actions, template ABSTRACT and
    salesperson JO (the first is used over HTTP, the second by the CLI); sales cycle NEW."""
    with sessions.begin() as session:
        session.add(t.SalesCycle(code="NEW", description="New business"))
    client = client_as("marketer")
    header = {"interaction_template_code": "ABSTRACT", "salesperson_code": "JO"}
    for no, description in (("SEG00001", "API"), ("SEG00002", "CLI")):
        client.post("/api/segments", json={"description": description, **header})
        for body in BUILD:
            assert client.post(f"/api/segments/{no}/actions", json=body).status_code == 200


def without(rows, *names):
    return [{k: v for k, v in row.items() if k not in names} for row in rows]


@pytest.mark.usefixtures("segment_world", "twins")
def test_s7_x5_x3_criteria_history_and_explain_equal_the_cli(client_as, cli):
    client = client_as("viewer")
    criteria = client.get("/api/segments/SEG00001/criteria").json()
    assert criteria["next"] is None
    assert without(criteria["items"], "created_at", "user_id") == without(
        cli("segment", "criteria", "SEG00002"), "created_at", "user_id"
    )
    assert criteria["items"][2]["description"] == "Remove contacts whose contact no. is P6"
    history = client.get("/api/segments/SEG00001/history").json()
    assert without(history["items"], "created_at", "user_id") == without(
        cli("segment", "history", "SEG00002"), "created_at", "user_id"
    )
    one = client.get("/api/segments/SEG00001/history", params={"contact": "P6"}).json()["items"]
    assert [event["event"] for event in one] == ["entry", "exit"]
    explained = client.get("/api/segments/SEG00001/explain/P6")
    assert explained.status_code == 200, explained.text
    expected = cli("segment", "explain", "SEG00002", "P6")
    assert without(explained.json()["events"], "created_at", "user_id") == without(
        expected["events"], "created_at", "user_id"
    )
    assert explained.json()["on_segment"] is False
    assert explained.json()["left_out"] == []  # it was on the segment: its events say how
    never = client.get("/api/segments/SEG00001/explain/GAMMA").json()  # excluded, in BE
    assert without(never["left_out"], "created_at", "user_id") == without(
        cli("segment", "explain", "SEG00002", "GAMMA")["left_out"], "created_at", "user_id"
    )
    assert [(add["action_no"], add["skipped"]) for add in never["left_out"]] == [
        (1, "excluded"),
        (2, ""),
    ]
    assert client.get("/api/segments/SEG00001/explain/NOPE").status_code == 404
    assert client.get("/api/segments/SEG09999/history").status_code == 404


@pytest.mark.usefixtures("segment_world", "twins")
def test_s13_export_downloads_what_segment_export_writes(
    client_as, cli, tmp_path, sessions, settings
):
    """S13: the CSV streams; the Excel export is a job (issue 12 item 1) whose file has the
    same rows."""
    client = client_as("viewer")
    answer = client.get("/api/segments/SEG00001/export")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="SEG00001.csv"' in answer.headers["content-disposition"]
    written = tmp_path / "cli.csv"
    assert cli("segment", "export", "SEG00002", "-o", str(written))["rows"] == 5
    assert answer.text == written.read_text(encoding="utf-8")
    started = client.get("/api/segments/SEG00001/export", params={"format": "xlsx"})
    assert started.status_code == 202, started.text
    assert jobs.run_next(sessions, runners(settings)) is True
    done = client.get(started.headers["location"]).json()
    workbook = client.get(done["result"]["download"])
    assert workbook.status_code == 200
    assert 'filename="SEG00001.xlsx"' in workbook.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(workbook.content)).active  # rows as wide as the sheet
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == list(csv.reader(io.StringIO(answer.text)))
    assert client.get("/api/segments/SEG00001/export?format=pdf").status_code == 422
    assert client.get("/api/segments/SEG09999/export").status_code == 404


@pytest.mark.usefixtures("segment_world", "twins")
def test_s12_s14_mailing_group_opportunities_and_tasks_equal_the_cli(client_as, cli):
    client = client_as("marketer")
    group = client.post("/api/segments/SEG00001/mailing-group", json={"code": "newsletter"})
    assert group.status_code == 200, group.text
    assert group.json()["added"] == 4  # P1 already has it
    assert (
        client.post("/api/segments/SEG00001/mailing-group", json={"code": "NOPE"}).status_code
        == 422
    )
    made = client.post("/api/segments/SEG00001/opportunities", json={"sales_cycle": "NEW"})
    assert made.status_code == 200, made.text
    expected = cli("segment", "create-opportunities", "SEG00002", "--sales-cycle", "NEW")
    assert without([made.json()], "segment_no", "first_no", "last_no") == without(
        [expected], "segment_no", "first_no", "last_no"
    )
    body = {"type": "phone_call", "date": "2026-05-04", "description": "Call"}
    tasks = client.post("/api/segments/SEG00001/tasks", json=body)
    assert tasks.status_code == 200, tasks.text
    expected = cli(
        "segment",
        "create-tasks",
        "SEG00002",
        "--type",
        "phone_call",
        "--date",
        "2026-05-04",
        "--description",
        "Call",
    )
    assert tasks.json()["created"] == expected["created"] == 5
    bad = client.post("/api/segments/SEG00001/tasks", json={**body, "type": "party"})
    assert bad.status_code == 422


@pytest.mark.usefixtures("segment_world", "twins")
def test_s15_languages_set_with_an_uploaded_body_and_listed(client_as, cli, users):
    client = client_as("marketer")
    answer = client.post(
        "/api/segments/SEG00001/languages",
        data={"language_code": "nlb", "subject": "Hallo"},
        files={"file": ("body.html", b"<p>Dag {{ contact.name }}</p>", "text/html")},
    )
    assert answer.status_code == 200, answer.text
    expected = cli("segment", "language", "SEG00002", "NLB", "--subject", "Hallo")
    assert without(answer.json(), "attachment_no", "description") == without(
        expected, "attachment_no", "description"
    )
    assert answer.json()[0]["attachment_no"] > 0
    listed = client_as("viewer").get("/api/segments/SEG00001/languages").json()
    assert listed == {"items": answer.json(), "next": None}
    unknown = client.post("/api/segments/SEG00001/languages", data={"language_code": "XX"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "language_code"


@pytest.mark.usefixtures("segment_world", "twins")
def test_l2_log_answers_the_cli_json_and_a_second_log_is_404(client_as, cli):
    client = client_as("marketer")
    logged = client.post("/api/segments/SEG00001/log")
    assert logged.status_code == 200, logged.text
    expected = cli("segment", "log", "SEG00002")
    assert without([logged.json()], "logged_segment") == without([expected], "logged_segment")
    assert logged.json()["interactions"] == 5
    assert client.post("/api/segments/SEG00001/log", json={}).status_code == 404


@pytest.mark.usefixtures("segment_world", "twins")
def test_a_viewer_reads_and_downloads_but_every_use_is_403(client_as, cli):
    viewer = client_as("viewer")
    assert viewer.get("/api/segments/SEG00001/languages").status_code == 200
    for url, body in [
        ("/api/segments/SEG00001/log", {}),
        ("/api/segments/SEG00001/mailing-group", {"code": "NEWSLETTER"}),
        ("/api/segments/SEG00001/opportunities", {"sales_cycle": "NEW"}),
        ("/api/segments/SEG00001/tasks", {"type": "", "date": "2026-05-04", "description": "x"}),
    ]:
        assert viewer.post(url, json=body).status_code == 403, url
    languages = viewer.post("/api/segments/SEG00001/languages", data={"language_code": "NLB"})
    assert languages.status_code == 403
    assert [s["no"] for s in cli("segment", "list")] == ["SEG00001", "SEG00002"]

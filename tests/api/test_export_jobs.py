"""Exports as jobs (issue 12 items 1 and 7; K4, S13): an Excel export, or any export asked
with `async=true`, answers 202 with a job that writes the file streaming, reports done/total
while it runs, and whose result's `download` gives the file to its owner (content type and
file name set) until its retention is over or the job is deleted; CSV and NDJSON exports
asked without `async` still stream in the answer."""

from __future__ import annotations

import io
import json
import time

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from rapport.app import create_app
from rapport.services.jobs import files as job_files
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.services.segments import actions, header
from rapport.services.transfer import imports
from rapport.storage import tables as t

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def companies(sessions, tmp_path, count):
    """`count` companies C0000000…, imported set-based."""
    path = tmp_path / f"companies-{count}.csv"
    lines = "".join(f"C{i:07d},company,Company {i}\n" for i in range(count))
    path.write_text("no,type,name\n" + lines)
    imports.import_table(sessions, "contacts", path, by="tester")


def run_queued(sessions, settings):
    assert jobs.run_next(sessions, runners(settings)) is True


def test_an_xlsx_export_answers_202_and_its_job_gives_the_workbook(
    client_as, sessions, settings, tmp_path
):
    """K4: 202 with the job and its Location; once run, `download` is the workbook."""
    companies(sessions, tmp_path, 3)
    client = client_as("viewer")
    answer = client.get("/api/exports/contacts", params={"format": "xlsx"})
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert (job["kind"], job["state"]) == ("export", "queued")
    assert answer.headers["location"] == f"/api/jobs/{job['id']}"
    assert client.get(f"/api/jobs/{job['id']}/file").status_code == 404  # not done yet
    run_queued(sessions, settings)
    done = client.get(answer.headers["location"]).json()
    assert done["state"] == "done", done
    assert (done["done"], done["total"]) == (3, 3)
    result = done["result"]
    assert result["rows"] == 3
    assert result["download"] == f"/api/jobs/{job['id']}/file"
    file = client.get(result["download"])
    assert file.status_code == 200
    assert file.headers["content-type"] == XLSX
    assert 'filename="contacts.xlsx"' in file.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(file.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("no", "type", "name")
    assert [row[0] for row in rows[1:]] == ["C0000000", "C0000001", "C0000002"]


def test_csv_and_ndjson_stream_unless_async_is_asked(client_as, sessions, settings, tmp_path):
    """K4: without `async` a CSV streams (200); with it, a job writes the NDJSON file."""
    companies(sessions, tmp_path, 2)
    client = client_as("viewer")
    streamed = client.get("/api/exports/contacts", params={"format": "csv"})
    assert streamed.status_code == 200
    assert streamed.text.splitlines()[1].startswith("C0000000,company,Company 0")
    answer = client.get(
        "/api/exports/contacts",
        params={"format": "ndjson", "async": "true", "where": "name = 'Company 1'"},
    )
    assert answer.status_code == 202, answer.text
    run_queued(sessions, settings)
    file = client.get(client.get(answer.headers["location"]).json()["result"]["download"])
    assert file.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line)["no"] for line in file.text.splitlines()] == ["C0000001"]


def test_bad_criteria_are_refused_before_a_job_is_queued(client_as, sessions):
    answer = client_as("viewer").get(
        "/api/exports/contacts", params={"format": "xlsx", "where": "colour = red"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "where"
    assert jobs.get_all(sessions) == []


def test_a_segments_xlsx_export_is_a_job_and_its_csv_streams(
    client_as, sessions, settings, tmp_path
):
    """S13: the segment's contacts, by line, in the export columns."""
    companies(sessions, tmp_path, 4)
    no = header.create_segment(sessions, description="Export", user="marketer1").no
    actions.add_contacts(sessions, no, criteria="no in (C0000001, C0000003)", user="marketer1")
    client = client_as("viewer")
    streamed = client.get(f"/api/segments/{no}/export")
    assert streamed.status_code == 200
    assert f'filename="{no}.csv"' in streamed.headers["content-disposition"]
    assert [line.split(",")[0] for line in streamed.text.splitlines()] == [
        "no",
        "C0000001",
        "C0000003",
    ]
    answer = client.get(f"/api/segments/{no}/export", params={"format": "xlsx"})
    assert answer.status_code == 202, answer.text
    run_queued(sessions, settings)
    job = client.get(answer.headers["location"]).json()
    assert job["result"]["segment_no"] == no
    file = client.get(job["result"]["download"])
    assert f'filename="{no}.xlsx"' in file.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(file.content), read_only=True).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["no", "C0000001", "C0000003"]
    assert client.get("/api/segments/NOPE/export", params={"format": "xlsx"}).status_code == 404


def test_the_file_is_its_owners_and_goes_with_the_job_or_its_retention(
    client_as, sessions, settings, tmp_path
):
    """K4: another user gets 404; a delete removes the file; an expired one is removed."""
    companies(sessions, tmp_path, 1)
    owner = client_as("viewer")
    first = owner.get("/api/exports/contacts", params={"format": "xlsx"}).json()["id"]
    second = owner.get("/api/exports/contacts", params={"format": "xlsx"}).json()["id"]
    run_queued(sessions, settings)
    run_queued(sessions, settings)
    assert client_as("marketer").get(f"/api/jobs/{first}/file").status_code == 404
    assert client_as("admin").get(f"/api/jobs/{first}/file").status_code == 200
    assert owner.delete(f"/api/jobs/{first}").status_code == 204
    assert not job_files.folder_of(settings, first).exists()
    assert owner.get(f"/api/jobs/{first}").status_code == 404
    with sessions.begin() as session:  # the second ended two days ago
        job = session.get(t.Job, second)
        job.finished_at = job.finished_at.replace(year=job.finished_at.year - 1)
    assert job_files.remove_expired(sessions, settings) == 1
    gone = owner.get(f"/api/jobs/{second}/file")
    assert gone.status_code == 404
    assert "removed" in gone.json()["detail"]


def test_a_running_job_cannot_be_deleted(client_as, sessions):
    job_id = jobs.submit(sessions, kind="export", params={}, by="viewer1")
    answer = client_as("viewer").delete(f"/api/jobs/{job_id}")
    assert answer.status_code == 409
    assert jobs.get(sessions, job_id).state == "queued"


@pytest.mark.slow
def test_the_servers_export_job_reports_progress_between_0_and_its_total(
    sessions, settings, users, tmp_path
):
    """K4: polled while the server's job loop writes the workbook, done is seen strictly
    between 0 and the total at least once."""
    rows = 40_000
    companies(sessions, tmp_path, rows)
    seen = []
    with TestClient(create_app(settings, sessions)) as client:
        client.headers["authorization"] = f"Bearer {users['viewer'].token}"
        answer = client.get("/api/exports/contacts", params={"format": "xlsx"})
        assert answer.status_code == 202
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = client.get(answer.headers["location"]).json()
            seen.append((job["state"], job["done"], job["total"]))
            if job["state"] in jobs.FINISHED:
                break
            time.sleep(0.01)
        file = client.get(job["result"]["download"])
    assert job["state"] == "done", job
    assert any(state == "running" and 0 < done < rows for state, done, _total in seen), seen
    sheet = load_workbook(io.BytesIO(file.content), read_only=True).worksheets[0]
    assert sum(1 for _row in sheet.iter_rows(values_only=True)) == rows + 1

"""Imports and exports over HTTP (K4, SPEC §6.1; issue 12 item 7): a multipart upload
imported by a job (202, `Location: /api/jobs/{id}`), all or nothing, a file that cannot be
one refused at once as a 4xx problem, every bad row in the failed job's result; a table
streamed as CSV, NDJSON or Excel with the rows and columns of `rapport export`."""

from __future__ import annotations

import csv
import io
import json
import tempfile

import pytest
from openpyxl import load_workbook

from rapport.cli.main import run
from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.api.conftest import problem_of
from tests.factories import make_code

GOOD = (
    "no,type,name,company_no,country,email\n"
    "C1,company,Acme,,BE,info@acme.test\n"
    "P1,person,Ann,C1,BE,ann@acme.test\n"
    "P2,person,Bob,C1,NL,\n"
)
BAD = "no,type,name,country\nC1,company,Acme,BE\nC2,robot,Beta,BE\nC3,company,Gamma,XX\n"


@pytest.fixture(autouse=True)
def countries(sessions):
    with sessions.begin() as session:
        for code in ("BE", "NL"):
            make_code(session, t.Country, code)


def upload(client, table, text, name="contacts.csv", **form):
    files = {"file": (name, text.encode() if isinstance(text, str) else text, "text/csv")}
    return client.post(f"/api/imports/{table}", files=files, data=form)


@pytest.fixture
def imported(sessions):
    """Upload a file, run the import job it answers with and return the finished job."""

    def call(client, table, text, **form):
        answer = upload(client, table, text, **form)
        assert answer.status_code == 202, answer.text
        assert answer.json()["kind"] == "import"
        assert jobs.run_next(sessions, runners(Settings())) is True
        return client.get(answer.headers["location"]).json()

    return call


@pytest.fixture
def exported(database_url, capsys):
    """What `rapport export TABLE [--where W]` writes on stdout."""

    def call(table, *args):
        capsys.readouterr()
        assert run(["--db", database_url, "export", table, *args]) == 0
        return capsys.readouterr().out

    return call


def test_k4_the_upload_name_never_leaves_the_upload_folder(client_as, cli_json, imported):
    marketer = client_as("marketer")
    job = imported(marketer, "contacts", GOOD, name="..\\../../contacts.csv")
    assert job["state"] == "done", job
    job = imported(marketer, "contacts", "no,name\nC9,Nul\n", name="a\x00b.csv")
    assert job["state"] == "done", job
    assert len(cli_json("contacts", "list")) == 4


def test_k4_an_upload_is_imported_by_a_job_whose_result_is_the_cli_json(
    client_as, cli_json, imported
):
    job = imported(client_as("marketer"), "contacts", GOOD)
    assert (job["state"], job["done"], job["total"]) == ("done", 3, 3)
    assert job["result"] == {
        "table": "contacts",
        "inserted": 3,
        "updated": 0,
        "no_of_bad_rows": 0,
        "bad_rows": [],
    }
    listed = cli_json("contacts", "list")
    assert [(c["no"], c["company_name"]) for c in listed] == [
        ("C1", "Acme"),
        ("P1", "Acme"),
        ("P2", "Acme"),
    ]


def test_k4_bad_rows_fail_the_job_listing_every_one_and_nothing_is_imported(
    client_as, cli_json, imported
):
    job = imported(client_as("marketer"), "contacts", BAD)
    assert job["state"] == "failed"
    assert job["error"].startswith("2 bad rows; nothing imported")
    bad = job["result"]["bad_rows"]
    assert [(b["line"], b["column"]) for b in bad] == [(3, "type"), (4, "country")]
    assert all(b["reason"] for b in bad)
    assert (job["result"]["inserted"], job["result"]["updated"]) == (0, 0)
    assert cli_json("contacts", "list") == []


def test_k4_skip_bad_rows_imports_the_good_ones_and_lists_the_bad(client_as, imported):
    job = imported(client_as("marketer"), "contacts", BAD, skip_bad_rows="true")
    assert job["state"] == "done", job
    body = job["result"]
    assert body["inserted"] == 1
    assert [(bad["line"], bad["column"]) for bad in body["bad_rows"]] == [
        (3, "type"),
        (4, "country"),
    ]


THREE_ERRORS = (
    "no,type,name,country,language\n"
    "C1,company,Acme,BE,\n"
    "C2,robot,Beta,BE,\n"
    "C3,company,Gamma,XX,YYY\n"
    "C4,company,Delta,ZZ,\n"
)


def test_k4_the_job_counts_bad_rows_not_their_errors(client_as, cli_json, imported):
    """K4: row 4 holds two errors; three bad rows, four errors, each listed."""
    marketer = client_as("marketer")
    job = imported(marketer, "contacts", THREE_ERRORS)
    assert job["state"] == "failed"
    assert job["error"].startswith("3 bad rows (4 errors); nothing imported\n")
    assert job["result"]["no_of_bad_rows"] == 3
    assert [(b["line"], b["column"]) for b in job["result"]["bad_rows"]] == [
        (3, "type"),
        (4, "country"),
        (4, "language"),
        (5, "country"),
    ]
    job = imported(marketer, "contacts", THREE_ERRORS, skip_bad_rows="true")
    assert (job["state"], job["done"], job["total"]) == ("done", 4, 4)
    assert (job["result"]["inserted"], job["result"]["no_of_bad_rows"]) == (1, 3)
    assert len(job["result"]["bad_rows"]) == 4
    assert [c["no"] for c in cli_json("contacts", "list")] == ["C1"]


def test_k4_update_changes_the_rows_whose_key_exists(client_as, cli_json, imported):
    marketer = client_as("marketer")
    imported(marketer, "contacts", GOOD)
    assert imported(marketer, "contacts", "no,name\nC1,Acme Group\n")["state"] == "failed"
    job = imported(marketer, "contacts", "no,name\nC1,Acme Group\n", update="true")
    assert job["result"]["updated"] == 1
    assert cli_json("contacts", "show", "C1")["name"] == "Acme Group"


@pytest.mark.parametrize(
    ("table", "name", "content"),
    [
        ("planets", "contacts.csv", GOOD),
        ("contacts", "contacts.txt", GOOD),
        ("contacts", "contacts.csv", "no,colour\nC1,red\n"),
        ("contacts", "contacts.csv", "no,name\nC1,Caf\xe9\n".encode("latin-1")),
        ("contacts", "contacts.xlsx", b"not a workbook"),
        ("contacts", "..", GOOD),
    ],
    ids=[
        "unknown-table",
        "not-csv-or-xlsx",
        "unknown-column",
        "not-utf8",
        "broken-xlsx",
        "dot-dot-name",
    ],
)
def test_k4_a_bad_upload_is_a_4xx_problem_never_a_500(
    client_as, cli_json, sessions, table, name, content, tmp_path, monkeypatch
):
    """What the file shows before its rows are read is refused at once, nothing queued,
    and nothing of the upload is left on disk."""
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(uploads))  # where the server keeps uploads
    answer = upload(client_as("marketer"), table, content, name=name)
    assert 400 <= answer.status_code < 500, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert cli_json("contacts", "list") == []
    assert jobs.get_all(sessions) == []
    assert list(uploads.iterdir()) == []


def test_k4_a_viewer_cannot_import(client_as, cli_json):
    problem_of(upload(client_as("viewer"), "contacts", GOOD), 403)
    assert cli_json("contacts", "list") == []


def test_k4_the_csv_export_streams_what_the_cli_exports(client_as, exported, imported):
    imported(client_as("marketer"), "contacts", GOOD)
    viewer = client_as("viewer")
    answer = viewer.get("/api/exports/contacts")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="contacts.csv"' in answer.headers["content-disposition"]
    assert answer.text == exported("contacts")
    where = "country = BE and type = person"
    answer = viewer.get("/api/exports/contacts", params={"where": where})
    assert answer.text == exported("contacts", "--where", where)
    assert [row[0] for row in csv.reader(io.StringIO(answer.text))] == ["no", "P1"]


def test_k4_the_ndjson_export_is_one_object_per_row_keyed_by_column(client_as, exported, imported):
    imported(client_as("marketer"), "contacts", GOOD)
    answer = client_as("viewer").get("/api/exports/contacts?format=ndjson")
    assert answer.headers["content-type"] == "application/x-ndjson"
    rows = [json.loads(line) for line in answer.text.splitlines()]
    assert rows == list(csv.DictReader(io.StringIO(exported("contacts"))))


def test_k4_the_xlsx_export_holds_the_rows_of_the_csv(
    client_as, exported, imported, sessions, settings
):
    """K4 (issue 12 item 1): the Excel export is a job; its file has the CSV's rows."""
    imported(client_as("marketer"), "contacts", GOOD)
    viewer = client_as("viewer")
    answer = viewer.get("/api/exports/contacts?format=xlsx")
    assert answer.status_code == 202, answer.text
    assert jobs.run_next(sessions, runners(settings)) is True
    download = viewer.get(answer.headers["location"]).json()["result"]["download"]
    file = viewer.get(download)
    assert file.status_code == 200
    sheet = load_workbook(io.BytesIO(file.content)).active  # rows as wide as the sheet
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == list(csv.reader(io.StringIO(exported("contacts"))))


def test_k4_a_bad_export_is_a_problem_before_any_row_is_sent(client_as):
    viewer = client_as("viewer")
    problem_of(viewer.get("/api/exports/planets"), 422)
    problem_of(viewer.get("/api/exports/contacts?format=pdf"), 422)
    problem_of(viewer.get("/api/exports/contacts", params={"where": "country ="}), 422)
    problem_of(viewer.get("/api/exports/salespeople", params={"where": "country = BE"}), 422)
    problem_of(viewer.get("/api/exports/contacts?format=xlsx&where=nope%20%3D%201"), 422)

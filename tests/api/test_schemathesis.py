"""The API never answers 5xx and always answers what its OpenAPI document says
(SPEC §10, issue 12 item 5): schemathesis generates requests for every operation from
/api/openapi.json and checks every answer, as an admin (who may call everything), on a
demo company in an SQLite database made for this module; and for a subset (the segment,
contact and job operations) on a demo company in PostgreSQL too (marked `postgres`: in
CI a missing PostgreSQL fails the run)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from rapport.app import create_app
from rapport.demo.company import load_demo
from rapport.services.users import tokens
from rapport.settings import Settings
from rapport.storage.db import open_database
from tests.conftest import _pg_url
from tests.line_counts import assert_lines_counted


def _demo_app(url: str | None = None):
    """The app on a new demo company (SQLite unless `url` names another database) and an
    admin's token; export files go to a folder of their own."""
    folder = Path(tempfile.mkdtemp(prefix="rapport-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # made at import, kept to exit
    url = url or f"sqlite:///{folder / 'demo.db'}"
    sessions = open_database(url)
    load_demo(sessions)
    token = tokens.create_token(sessions, "admin", name="schemathesis", by="tests").token
    settings = Settings(database_url=url, secret_key="fuzz", data_dir=str(folder / "data"))
    return create_app(settings, sessions, background=False), token, sessions


# Operations whose input means more than its schema can say: criteria text, a list's
# opaque cursor, codes and numbers that must name a record, fields a service checks
# against the setup (or by their names, as `… set FIELD=VALUE` does), the version an
# `If-Match` names, a file's contents, an SMTP server the test has not configured. A
# request the schema allows may still be refused there, with a 422 (or 412) problem
# document saying what is wrong (checked against the schema like every answer); every
# other check applies to them as to the rest.
REFUSED_BY_MEANING = frozenset(
    {
        "GET /api/contacts",
        "POST /api/segments/{no}/actions",
        "POST /api/webhooks",
        "GET /api/segments",
        "POST /api/segments",
        "PATCH /api/segments/{no}",
        "GET /api/segments/{no}/lines",
        "PATCH /api/segments/{no}/lines/{line}",
        "POST /api/segments/{no}/languages",
        "POST /api/segments/{no}/saved-criteria",
        "POST /api/segments/{no}/reuse-logged",
        "POST /api/contacts",
        "PATCH /api/contacts/{no}",
        "POST /api/contacts/{no}/assignments",
        "DELETE /api/contacts/{no}/assignments/{relation}/{code}",
        "GET /api/logged-segments",
        "GET /api/logged-segments/{entry_no}/deliveries",
        "GET /api/jobs",
        "GET /api/segments/{no}/criteria",
        "GET /api/segments/{no}/history",
        "POST /api/logged-segments/{entry_no}/resend",
        "GET /api/interaction-log-entries",
        "GET /api/interaction-log-entries/totals",
        "POST /api/campaigns",
        "GET /api/campaigns",
        "GET /api/campaigns/{no}/entries",
        "POST /api/campaigns/{no}/activate",
        "GET /api/campaign-statuses",
        "POST /api/campaign-statuses",
        "GET /api/templates",
        "POST /api/templates/{code}/attachments",
        "POST /api/imports/{table}",
        "GET /api/exports/{table}",
        "GET /api/opportunities",
        "GET /api/tasks",
        "PATCH /api/campaigns/{no}",
        "POST /api/templates",
        "PATCH /api/templates/{code}",
        "PATCH /api/setup",
        "POST /api/setup/series",
        "GET /api/codes/{table}",
        "POST /api/codes/{table}",
        "GET /api/codes/{table}/{code}",
        "PATCH /api/codes/{table}/{code}",
        "DELETE /api/codes/{table}/{code}",
        "GET /api/saved-criteria",
        "GET /api/setup/series",
        "GET /api/segments/{no}/stats",
        "GET /api/segments/{no}/overlap",
        "POST /api/segments/{no}/lines/{line}/test-email",
        # a record named in the body or a parameter that is not there: a 422 naming it
        "POST /api/segments/{no}/contacts",
        "POST /api/segments/{no}/reuse-criteria",
        "POST /api/segments/{no}/opportunities",
        "POST /api/segments/{no}/tasks",
        "POST /api/contacts/{no}/merge",
        "POST /api/profiles/update-ratings",
        "POST /api/interaction-log-entries/cancel",
        "POST /api/interaction-log-entries/uncancel",
        "POST /api/users",
        "GET /api/tokens",
        "POST /api/tokens",
    }
)

APP, TOKEN, _SESSIONS = _demo_app()
# Every operation that takes an `If-Match` is refused by meaning too: a version the
# generator makes up names no version of the record (412).
REFUSED_BY_MEANING |= {
    f"{method.upper()} {path}"
    for path, operations in APP.openapi()["paths"].items()
    for method, operation in operations.items()
    if any(p["name"].lower() == "if-match" for p in operation.get("parameters", []))
}
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)
# Text with a NUL character is refused at the edge with a 422 whatever the operation
# (tests/api/test_text_input.py proves it); the schema does not say so, so it is not sent.
schema.config.generation.update(allow_x00=False)


# The subset run on PostgreSQL as well: what differs most between the engines (the segment
# engine's SQL, the contacts' folded text, the job rows). The OpenAPI document is the same
# whatever the database, so the operations are read from the SQLite app's.
POSTGRESQL_SUBSET = r"^/api/(segments|contacts|jobs)(/|$)"
SUBSET_LABELS = sorted(
    result.ok().label
    for result in schema.include(path_regex=POSTGRESQL_SUBSET).get_all_operations()
)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@pytest.fixture(scope="module")
def postgresql_schema(pg_server):
    """The schema of an app on a demo company in PostgreSQL, and its admin's token."""
    url = _pg_url(pg_server)
    app, token, sessions = _demo_app(url)
    on_postgresql = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    on_postgresql.config.generation.update(allow_x00=False)
    yield on_postgresql, token
    sessions.kw["bind"].dispose()
    assert_lines_counted(url)  # whatever the requests did to the segments (S1)


@pytest.fixture(scope="module", autouse=True)
def _sqlite_lines_counted():
    """After every request of the module on the SQLite app, each segment counts its lines."""
    yield
    assert_lines_counted(str(_SESSIONS.kw["bind"].url))


@schema.parametrize()
@FUZZ
def test_every_operation_answers_within_its_schema_and_never_5xx(case):
    check(case, TOKEN)


@pytest.mark.postgres
@pytest.mark.parametrize("label", SUBSET_LABELS)
def test_the_segment_contact_and_job_operations_on_postgresql_never_answer_5xx(
    postgresql_schema, label
):
    on_postgresql, token = postgresql_schema
    method, path = label.split(" ", 1)
    operation = on_postgresql[path][method]

    @given(case=operation.as_strategy())
    @FUZZ
    def call(case):
        check(case, token)

    call()


def check(case, token):
    """Call the operation as the admin and validate its answer (all checks, but only the
    negative ones for the operations whose input means more than its schema says)."""
    headers = {"Authorization": f"Bearer {token}"}
    if case.operation.label not in REFUSED_BY_MEANING:
        case.call_and_validate(headers=headers)
        return
    response = case.call(headers=headers)
    case.validate_response(response, headers=headers, excluded_checks=[positive_data_acceptance])

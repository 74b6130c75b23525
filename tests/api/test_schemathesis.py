"""The API never answers 5xx and always answers what its OpenAPI document says
(SPEC §10, issue 12 item 5): schemathesis generates requests for every operation from
/api/openapi.json and checks every answer, as an admin (who may call everything), on a
demo company in an SQLite database made for this module."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from rapport.app import create_app
from rapport.demo.company import load_demo
from rapport.services.users import tokens
from rapport.settings import Settings
from rapport.storage.db import open_database


def _demo_app():
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='rapport-fuzz-')) / 'demo.db'}"
    sessions = open_database(url)
    load_demo(sessions)
    token = tokens.create_token(sessions, "admin", name="schemathesis").token
    app = create_app(Settings(database_url=url, secret_key="fuzz"), sessions, background=False)
    return app, token


APP, TOKEN = _demo_app()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema_and_never_5xx(case):
    case.call_and_validate(headers={"authorization": f"Bearer {TOKEN}"})

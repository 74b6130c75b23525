"""Live progress of an import job (issue 12 item 7; K4): while the import runs (and holds
the database's write lock), polling `GET /api/jobs/{id}` shows how many of the file's
records it has read, a value strictly between 0 and the total; on PostgreSQL the job's row
itself says so, written from a connection of its own."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from rapport.app import create_app
from rapport.services.jobs import queue as jobs
from rapport.settings import Settings
from rapport.storage import tables as t
from rapport.storage.db import is_postgresql

ROWS = 150_000  # three chunks of the reader: progress is reported after each


def big_file() -> bytes:
    lines = "".join(f"C{i:07d},company,Company {i}\n" for i in range(ROWS))
    return ("no,type,name\n" + lines).encode()


def row_progress(sessions, job_id):
    with sessions() as session:
        return session.execute(select(t.Job.done, t.Job.total).where(t.Job.id == job_id)).one()


def test_an_import_jobs_progress_is_seen_between_0_and_its_total_while_it_runs(
    sessions, database_url, users
):
    """K4: done/total polled while the import runs; the total is the file's records."""
    settings = Settings(database_url=database_url, secret_key="k")
    engine = sessions.kw["bind"]
    seen, in_row = [], []
    with TestClient(create_app(settings, sessions)) as client:
        client.headers["authorization"] = f"Bearer {users['marketer'].token}"
        files = {"file": ("many.csv", big_file(), "text/csv")}
        answer = client.post("/api/imports/contacts", files=files)
        assert answer.status_code == 202, answer.text
        assert answer.json()["total"] == ROWS
        job_url = answer.headers["location"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job = client.get(job_url).json()
            seen.append((job["state"], job["done"], job["total"]))
            if job["state"] in jobs.FINISHED:
                break
            if is_postgresql(engine):
                in_row.append(tuple(row_progress(sessions, job["id"])))
            time.sleep(0.01)
    assert seen[-1] == ("done", ROWS, ROWS), seen[-1]
    assert job["result"]["inserted"] == ROWS
    between = [done for state, done, total in seen if state == "running" and 0 < done < total]
    assert between, f"no progress between 0 and {ROWS} was seen: {sorted(set(seen))}"
    assert all(total == ROWS for _state, _done, total in seen)
    if is_postgresql(engine):
        assert any(0 < done < ROWS for done, _total in in_row), sorted(set(in_row))

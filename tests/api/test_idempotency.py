"""`Idempotency-Key` (SPEC §10): a retried POST with the same key gets the first answer and
nothing is done twice; a key reused for another request is refused."""

from __future__ import annotations

import tempfile

from rapport.services.users import tokens


def test_a_retried_post_gets_the_first_answer_and_does_nothing_twice(client_as, sessions):
    admin = client_as("admin")
    body = {"user": "viewer1", "name": "retried"}
    first = admin.post("/api/tokens", json=body, headers={"idempotency-key": "k-1"})
    again = admin.post("/api/tokens", json=body, headers={"idempotency-key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert [t.name for t in tokens.get_all(sessions, user="viewer1")].count("retried") == 1


def test_without_a_key_each_post_is_its_own(client_as, sessions):
    admin = client_as("admin")
    body = {"user": "viewer1", "name": "twice"}
    admin.post("/api/tokens", json=body)
    admin.post("/api/tokens", json=body)
    assert [t.name for t in tokens.get_all(sessions, user="viewer1")].count("twice") == 2


def test_a_key_reused_for_another_request_is_refused(client_as):
    admin = client_as("admin")
    admin.post(
        "/api/tokens", json={"user": "viewer1", "name": "a"}, headers={"idempotency-key": "k"}
    )
    answer = admin.post(
        "/api/webhooks",
        json={"url": "http://127.0.0.1:9/", "events": ["segment.changed"]},
        headers={"idempotency-key": "k"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"


def test_a_key_reused_with_another_body_on_the_same_address_is_refused(client_as, sessions):
    """The same POST address with another body is another request: refused, and the second
    token is not made (the first answer is not replayed for it either)."""
    admin = client_as("admin")
    key = {"idempotency-key": "same-address"}
    first = admin.post("/api/tokens", json={"user": "viewer1", "name": "a"}, headers=key)
    assert first.status_code == 201, first.text
    again = admin.post("/api/tokens", json={"user": "viewer1", "name": "a"}, headers=key)
    assert again.headers.get("idempotent-replayed") == "true"
    other = admin.post("/api/tokens", json={"user": "viewer1", "name": "b"}, headers=key)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    made = [token.name for token in tokens.get_all(sessions) if token.user == "viewer1"]
    assert made.count("a") == 1
    assert "b" not in made


def test_keys_belong_to_their_user(client_as):
    body = {"user": "viewer1", "name": "mine"}
    first = client_as("admin").post("/api/tokens", json=body, headers={"idempotency-key": "same"})
    other = client_as("marketer").post(
        "/api/tokens", json=body, headers={"idempotency-key": "same"}
    )
    assert first.status_code == 201
    assert other.status_code == 403


def test_a_retried_202_gets_the_same_job_and_its_location_and_queues_nothing_twice(
    client_as, sessions, tmp_path, monkeypatch
):
    """SPEC §10, K4: the retry of an import answered 202 carries the first answer's
    `Location` (where the job is followed), no second job is queued and the upload is kept
    once, for the job to read."""
    from rapport.services.jobs import queue as jobs

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the server keeps uploads
    marketer = client_as("marketer")

    def send():
        files = {"file": ("contacts.csv", b"no,type,name\nC9,company,Nine\n", "text/csv")}
        return marketer.post(
            "/api/imports/contacts", files=files, headers={"idempotency-key": "import-1"}
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 202
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["location"] == f"/api/jobs/{first.json()['id']}"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.json() == first.json()
    assert [job.kind for job in jobs.get_all(sessions)] == ["import"]
    assert [path.name for path in tmp_path.glob("rapport-import-*/*")] == ["contacts.csv"]

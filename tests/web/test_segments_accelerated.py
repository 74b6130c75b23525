"""The server's preview accelerator behind the pages and the API (X2, X6; SPEC §9): a
server started with it answers the live preview, the composition chart, the overlap and
the API's preview from its bitmaps, with the same page and the same numbers as a server
without it, also after a change made between two keystrokes."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import update

from rapport.app import create_app
from rapport.services.segments import actions, header
from rapport.settings import Settings
from rapport.storage import tables as t
from tests.web.segment_pages import world

QUERIES = (
    ("preview", {"criteria": "country = BE and not job_responsibility = SALES"}),
    ("preview", {"criteria": "industry_group = RETAIL", "entire_companies": "true"}),
    ("preview", {"criteria": "excluded or mailing_group()", "expand_companies": "true"}),
    ("chart", {"by": "country"}),
    ("chart", {"by": "industry_group"}),
)


def _ready(app, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while app.state.rapport.accelerator.index is None:
        assert time.monotonic() < deadline, "the accelerator was not built"
        time.sleep(0.05)


def _answers(client: TestClient, no: str) -> list[str]:
    found = [client.get(f"/segments/{no}/{path}", params=params).text for path, params in QUERIES]
    found.append(client.get("/segment-overlap", params={"no": [no, "SEG-B"]}).text)
    body = {"type": "refine", "criteria": "country = BE", "preview": True}
    found.append(client.post(f"/api/segments/{no}/actions", json=body).text)
    return found


def test_x2_x6_an_accelerated_server_answers_as_one_without(app, client_as, users, sessions):
    no = world(sessions, criteria="country = BE")
    other = world_segment(sessions)
    accelerated = create_app(
        Settings(database_url=app.state.rapport.settings.database_url, secret_key="k" * 32),
        sessions,
        background=False,
        accelerate=True,
    )
    plain = client_as("marketer")
    with TestClient(accelerated) as fast:
        fast.headers["authorization"] = f"Bearer {users['marketer'].token}"
        _ready(accelerated)
        assert _answers(fast, no) == _answers(plain, no)
        with sessions.begin() as session:  # a change between two keystrokes
            session.execute(update(t.Contact).where(t.Contact.no == "P3").values(country="BE"))
        assert _answers(fast, no) == _answers(plain, no)
        cached = accelerated.state.rapport.accelerator.segments
        assert {header_id(sessions, no), header_id(sessions, other)} <= set(cached)


def world_segment(sessions) -> str:
    no = header.create_segment(sessions, description="Other", user="marketer1").no
    with sessions.begin() as session:
        session.execute(update(t.SegmentHeader).where(t.SegmentHeader.no == no).values(no="SEG-B"))
    actions.add_contacts(sessions, "SEG-B", criteria="job_responsibility = PURCHASE", user="U")
    return "SEG-B"


def header_id(sessions, no: str) -> int:
    with sessions() as session:
        return session.query(t.SegmentHeader.id).filter_by(no=no).scalar()

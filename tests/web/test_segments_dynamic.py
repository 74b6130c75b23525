"""A dynamic segment's card (X4; SPEC §8): it says "Dynamic" and a marketer's "Refresh"
applies what changed since the last refresh as one action in the actions taken; a viewer
sees no button and may not post it."""

from __future__ import annotations

from sqlalchemy import update

from rapport.services.segments import header, history
from rapport.storage import tables as t
from tests.web.segment_pages import buttons, world


def test_x4_the_card_of_a_dynamic_segment_refreshes_it(browser_as, sessions):
    no = world(sessions, criteria="country = BE and type = person")
    header.set_header(sessions, no, values=[("dynamic", "true")])
    contacts = t.Contact.__table__
    with sessions.begin() as session:
        session.execute(update(contacts).where(contacts.c.no == "P3").values(country="BE"))
    viewer = browser_as("viewer")
    seen = viewer.get(f"/segments/{no}").text
    assert "Dynamic" in seen
    assert "Refresh" not in buttons(seen)
    assert (
        viewer.post(f"/segments/{no}/refresh", data={"csrf_token": viewer.csrf}).status_code == 403
    )
    marketer = browser_as("marketer")
    assert "Refresh" in buttons(marketer.get(f"/segments/{no}").text)
    done = marketer.post(f"/segments/{no}/refresh", data={"csrf_token": marketer.csrf})
    assert done.status_code == 303
    assert done.headers["location"] == f"/segments/{no}?done=refreshed"
    assert "The segment has been refreshed." in marketer.get(done.headers["location"]).text
    assert history.criteria(sessions, no)[-1].action == "refresh"


def test_x4_a_static_segment_shows_no_refresh(browser_as, sessions):
    no = world(sessions, criteria="country = BE")
    marketer = browser_as("marketer")
    seen = marketer.get(f"/segments/{no}").text
    assert "Refresh" not in buttons(seen)
    refused = marketer.post(f"/segments/{no}/refresh", data={"csrf_token": marketer.csrf})
    assert refused.status_code == 422
    assert "is not dynamic" in refused.text

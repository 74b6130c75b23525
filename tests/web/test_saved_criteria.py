"""The saved criteria pages (S9; issue 13 item 1): the list, one saved criteria with its
actions in plain language, delete by a marketer; a viewer reads without the delete button
and a forged delete is refused (X9)."""

from __future__ import annotations

from rapport.services.segments import actions, reuse, saved
from tests.web.segment_pages import world


def saved_world(sessions) -> str:
    no = world(sessions, criteria="country = NL")
    actions.reduce(sessions, no, criteria="no = P3", user="marketer1")
    reuse.save_criteria(sessions, no, code="DUTCH", description="<Dutch>", user="marketer1")
    return no


def test_s9_the_list_and_a_saved_criteria_in_plain_language(browser_as, sessions):
    saved_world(sessions)
    browser = browser_as("viewer")
    listed = browser.get("/saved-criteria").text
    assert '<a href="/saved-criteria/DUTCH">DUTCH</a></td><td>&lt;Dutch&gt;</td>' in listed
    shown = browser.get("/saved-criteria/dutch").text
    assert "<strong>Add contacts</strong>: country/region is NL" in shown
    assert "<strong>Reduce contacts</strong>:" in shown
    assert "<code>no = P3</code>" in shown
    assert "/delete" not in shown


def test_s9_a_marketer_deletes_saved_criteria(browser_as, sessions):
    saved_world(sessions)
    browser = browser_as("marketer")
    gone = browser.post("/saved-criteria/DUTCH/delete", data={"csrf_token": browser.csrf})
    assert gone.status_code == 303
    assert saved.get_all(sessions) == []
    assert browser.get("/saved-criteria/DUTCH").status_code == 404


def test_x9_a_viewers_forged_delete_is_refused(browser_as, sessions):
    saved_world(sessions)
    browser = browser_as("viewer")
    forged = browser.post("/saved-criteria/DUTCH/delete", data={"csrf_token": browser.csrf})
    assert forged.status_code == 403
    assert [item.code for item in saved.get_all(sessions)] == ["DUTCH"]

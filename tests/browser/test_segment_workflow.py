"""The segment workflow in a real browser (S3, S4, S5, S8, X5, X9, SPEC §8; issue 13 items
2, 4, 7 and 10): add, reduce and refine with the named buttons, "Undo after this action" back
to an earlier action, a line edited in place, the same work in Dutch with the Dutch names
of the pinned controls, and a viewer who sees no change action anywhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.test_criteria_builder import new_segment

pytestmark = pytest.mark.browser


def act(page, criteria: str, button: str, label: str = "Criteria") -> None:
    """Type `criteria` and press the action's button; wait for the card to come back with
    one more criteria action in its header (after the first action the address already
    says `done=action`, so waiting for it alone would not wait for the next)."""
    taken = page.locator("p.counts strong").nth(1)
    after = str(int(taken.inner_text()) + 1)
    page.get_by_label(label, exact=True).fill(criteria)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(re.compile(r"done=action"))
    expect(taken).to_have_text(after)


def action_rows(page):
    return page.locator("#actions-pane tbody tr")


def counts(page) -> list[tuple[int, int]]:
    """(added, removed) of each action in the criteria pane."""
    found = []
    for row in action_rows(page).all():
        cells = row.locator("td").all_inner_texts()
        found.append((int(cells[2]), int(cells[3])))
    return found


def lines_on_card(page) -> int:
    """The header's "No. of lines"."""
    return int(page.locator("p.counts strong").first.inner_text())


def test_s3_s4_s8_add_reduce_refine_then_undo_after_the_first_action(page):
    sign_in(page, "jim")
    new_segment(page, "Benelux persons")
    act(page, "country in (BE, NL)", "Add contacts")
    added = lines_on_card(page)
    act(page, "type = company", "Reduce contacts")
    act(page, "language = NLB", "Refine contacts")
    steps = counts(page)
    assert steps[0] == (added, 0)
    assert [added for added, _removed in steps[1:]] == [0, 0]
    assert all(removed > 0 for _added, removed in steps[1:])
    assert lines_on_card(page) == added - steps[1][1] - steps[2][1]
    action_rows(page).first.get_by_role("button", name="Undo after this action").click()
    page.wait_for_url(re.compile(r"done=undone-to"))
    expect(page.get_by_role("status").first).to_have_text(
        "The actions after the chosen one have been undone."
    )
    assert counts(page) == [(added, 0)]
    assert lines_on_card(page) == added


def test_s5_a_line_is_edited_in_place_and_kept(page):
    sign_in(page, "jim")
    new_segment(page, "Edited lines")
    act(page, "country = NL and type = person", "Add contacts")
    first = page.locator("#lines tbody tr").first
    row_id = first.get_attribute("id")
    first.get_by_role("button", name="Edit").click()
    editing = page.locator(f"#{row_id}.editing")
    editing.get_by_label("Subject", exact=True).fill("Spring <offer>")
    editing.get_by_role("button", name="Save line").click()
    saved = page.locator(f"#{row_id}:not(.editing)")
    expect(saved).to_contain_text("Spring <offer>")
    page.reload()
    expect(page.locator(f"#{row_id}")).to_contain_text("Spring <offer>")


def test_x9_a_dutch_marketer_works_with_the_dutch_names_of_the_controls(page):
    page.set_extra_http_headers({"Accept-Language": "nl-BE,nl;q=0.9"})
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill("jim")
    page.get_by_label("Wachtwoord").fill("rapport-demo")
    page.get_by_role("button", name="Aanmelden").click()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for name in ("Contacten", "Geregistreerde segmenten", "Interacties", "Campagnes", "Sjablonen"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    nav.get_by_role("link", name="Segmenten", exact=True).click()
    page.get_by_label("Omschrijving").fill("Nederlandstaligen")
    page.get_by_role("button", name="Segment maken").click()
    page.wait_for_url(re.compile(r"/segments/SEG\d+$"))
    for name in (
        "Contactpersonen verminderen",
        "Contactpersonen verfijnen",
        "Geregistreerd segment hergebruiken",
        "Criteria opslaan",
        "Criteria hergebruiken",
        "Segment registreren",
        "Exporteren",
        "Mailinggroep toepassen",
        "Verkoopkansen maken",
        "Taken maken",
    ):
        expect(page.get_by_role("button", name=name, exact=True).first).to_be_visible()
    act(page, "language = NLB", "Contactpersonen toevoegen")
    act(page, "type = company", "Contactpersonen verminderen")
    assert len(counts(page)) == 2
    page.get_by_role("button", name="Ongedaan maken", exact=True).click()
    page.wait_for_url(re.compile(r"done=undone"))
    assert len(counts(page)) == 1
    expect(page.locator("#lines").get_by_role("button", name="Uitleggen").first).to_be_visible()


def test_x9_a_viewer_sees_no_change_action(page):
    sign_in(page, "jim")
    no = new_segment(page, "Seen by a viewer")
    act(page, "country = BE", "Add contacts")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "viewer")
    # An export (a job that writes a file) is the one POST a viewer may send: it changes nothing.
    changes = "main form[method=post]:not([action$='/export'])"
    for path in (f"/segments/{no}", "/segments", "/saved-criteria", "/setup", "/setup/codes"):
        page.goto(path)
        assert page.locator(changes).count() == 0, path
    page.goto(f"/segments/{no}")
    expect(page.get_by_role("button", name="Export")).to_be_visible()
    page.goto(f"/segments/{no}")
    for name in ("Add contacts", "Reduce contacts", "Refine contacts", "Undo", "Edit", "Remove"):
        assert page.get_by_role("button", name=name, exact=True).count() == 0, name
    assert page.get_by_label("Criteria", exact=True).count() == 0
    expect(page.locator("#lines tbody tr").first).to_be_visible()

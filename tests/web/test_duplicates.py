"""Duplicate contacts and profile ratings in the browser (K5, K3; issue 13 with issue 14):
the pairs with score and reasons and a minimum-score filter, a merge that asks first with
the values that differ, "Update ratings" on the setup page showing what changed; in English
and Dutch; viewers read and cannot merge."""

from __future__ import annotations

import html
import re

from tests.api.test_duplicates import world  # noqa: F401 (the fixture)

DUTCH = {"accept-language": "nl-BE"}


def text_of(answer) -> str:
    return html.unescape(re.sub(r"\s+", " ", answer.text))


def test_k5_the_pairs_are_listed_with_score_and_reasons_and_filtered(world, browser_as):  # noqa: F811
    viewer = browser_as("viewer")
    listed = viewer.get("/contact-duplicates")
    assert listed.status_code == 200
    shown = text_of(listed)
    assert '<td>100</td> <td><a href="/contacts/ACME">ACME</a> Acme Trading NV</td>' in shown
    assert "same VAT registration no." in shown
    assert "Merge…" not in shown  # a viewer does not merge
    assert "Pairs scoring at least 60: 1" in shown
    none = viewer.get("/contact-duplicates?min_score=100")
    assert "ACME2" in none.text
    bad = viewer.get("/contact-duplicates?min_score=abc")
    assert bad.status_code == 422
    assert "'abc' is not a whole number" in text_of(bad)
    dutch = text_of(viewer.get("/contact-duplicates", headers=DUTCH))
    assert "Dubbele contactpersonen" in dutch
    assert "Paren met een score van minstens 60: 1" in dutch


def test_k5_a_merge_asks_first_with_the_differing_values_then_merges(world, browser_as, sessions):  # noqa: F811
    marketer = browser_as("marketer")
    listed = marketer.get("/contact-duplicates").text
    link = html.unescape(re.search(r'href="(/contact-duplicates/merge\?[^"]+)"', listed).group(1))
    asked = marketer.get(link)
    shown = text_of(asked)
    assert "Do you want to merge ACME2 into ACME?" in shown
    row = "<td>Contacts</td><td>ACME</td><td>name</td><td>Acme Trading NV</td><td>ACME trading</td>"
    assert row in shown
    assert marketer.get("/api/contacts/ACME2").status_code == 200  # asking changed nothing
    merged = marketer.post(
        "/contact-duplicates/merge",
        data={"csrf_token": marketer.csrf, "keep": "ACME", "other": "ACME2"},
    )
    assert merged.status_code == 200
    assert "ACME2 has been merged into ACME." in text_of(merged)
    assert marketer.get("/api/contacts/ACME2").status_code == 404
    assert marketer.get("/api/contacts/P1").json()["company_no"] == "ACME"
    again = marketer.get(link, headers=DUTCH)
    assert again.status_code == 422  # the `other` it names is gone: the input's fault
    assert "ACME2" in text_of(again)


def test_k5_a_company_is_not_merged_with_a_person_and_a_viewer_cannot_merge(world, browser_as):  # noqa: F811
    marketer = browser_as("marketer")
    refused = marketer.get("/contact-duplicates/merge?keep=ACME&other=P1")
    assert refused.status_code == 409
    assert "a company is merged only with a company" in text_of(refused)
    viewer = browser_as("viewer")
    forged = viewer.post(
        "/contact-duplicates/merge",
        data={"csrf_token": viewer.csrf, "keep": "ACME", "other": "ACME2"},
    )
    assert forged.status_code == 403
    assert viewer.get("/api/contacts/ACME2").status_code == 200


def test_k3_update_ratings_on_the_setup_page_shows_what_changed(world, browser_as):  # noqa: F811
    marketer = browser_as("marketer")
    page = marketer.get("/setup", headers=DUTCH).text
    assert "Waarderingen bijwerken" in page
    updated = marketer.post("/setup/update-ratings", data={"csrf_token": marketer.csrf})
    assert updated.status_code == 200
    result = re.search(r'id="ratings-result">(.*?)</div>', text_of(updated)).group(1)
    assert "The ratings have been updated." in result
    assert "<dt>Rating answers added</dt><dd>1</dd>" in result.replace("> <", "><")
    again = marketer.post("/setup/update-ratings", data={"csrf_token": marketer.csrf})
    assert "<dt>Rating answers added</dt><dd>0</dd>" in text_of(again).replace("> <", "><")
    unknown = marketer.post(
        "/setup/update-ratings", data={"csrf_token": marketer.csrf, "questionnaire": "NOPE"}
    )
    assert 'id="ratings-error"' in unknown.text
    viewer = browser_as("viewer")
    assert "Update ratings" not in viewer.get("/setup").text
    assert viewer.post("/setup/update-ratings", data={"csrf_token": viewer.csrf}).status_code == 403

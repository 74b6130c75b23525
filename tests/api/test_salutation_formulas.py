"""Salutation formulas over HTTP (X9, SPEC §7; BC's Salutation Formula): a code table keyed
by salutation and language, added by its key fields or its code (`MR,NLB`), read, changed by
its ETag and deleted through `/api/codes/salutation_formulas`, as `rapport codes` does."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of, walk
from tests.factories import make_salutation_languages

TABLE = "/api/codes/salutation_formulas"


@pytest.fixture
def world(sessions):
    """Salutation MR and the languages NLB and FRB."""
    with sessions.begin() as session:
        make_salutation_languages(session)


def test_x9_a_salutation_formula_round_trips_through_the_code_endpoints(world, client_as, cli_json):
    admin, viewer = client_as("admin"), client_as("viewer")
    made = admin.post(
        TABLE,
        json={"salutation_code": "mr", "language_code": "nlb", "formal_greeting": "Geachte heer"},
    )
    assert made.status_code == 201, made.text
    assert made.json() == {
        "code": "MR,NLB",
        "salutation_code": "MR",
        "language_code": "NLB",
        "formal_greeting": "Geachte heer",
    }
    by_code = admin.post(TABLE, json={"code": "MR", "formal_greeting": "Hello"})
    assert by_code.status_code == 201, by_code.text
    assert by_code.json()["language_code"] == ""
    pages = walk(viewer, f"{TABLE}?limit=1")
    assert [row["code"] for items in pages for row in items] == ["MR", "MR,NLB"]
    assert [row for items in pages for row in items] == cli_json(
        "codes", "list", "salutation_formulas"
    )
    read = viewer.get(f"{TABLE}/mr,nlb")
    assert read.json() == made.json()
    etag = read.headers["etag"]
    changed = admin.patch(
        f"{TABLE}/MR,NLB", json={"formal_greeting": "Beste"}, headers={"if-match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["formal_greeting"] == "Beste"
    problem_of(
        admin.patch(f"{TABLE}/MR,NLB", json={"formal_greeting": "x"}, headers={"if-match": etag}),
        412,
    )
    problem_of(admin.post(TABLE, json={"code": "MR,NLB"}), 409)
    problem_of(admin.post(TABLE, json={"code": "MR,XX"}), 422)
    problem_of(admin.get(f"{TABLE}/MR,FRB"), 404)
    problem_of(admin.patch(f"{TABLE}/MR,NLB", json={"language_code": "FRB"}), 422)
    problem_of(client_as("marketer").delete(f"{TABLE}/MR,NLB"), 403)
    deleted = admin.delete(f"{TABLE}/MR,NLB")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["formal_greeting"] == "Beste"
    assert [row["code"] for row in cli_json("codes", "list", "salutation_formulas")] == ["MR"]

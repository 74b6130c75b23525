"""Salutation formulas on the code table pages (SPEC §2 Setup, §8; BC's Salutation
Formulas page): listed with the code tables, a new one asked for by its salutation and
language (each suggesting its codes), its card showing them and changing its greeting, and
deleted, through the `codes` service that `rapport codes` uses."""

from __future__ import annotations

import re

import pytest

from rapport.services.setup import codes
from tests.factories import make_salutation_languages


@pytest.fixture
def world(sessions):
    """Salutation MR and the languages NLB and FRB."""
    with sessions.begin() as session:
        make_salutation_languages(session)


def formulas(sessions) -> list[tuple[str, str]]:
    rows = codes.get_all(sessions, "salutation_formulas").rows
    return [(row["code"], row["formal_greeting"]) for row in rows]


def test_an_admin_adds_changes_and_deletes_a_salutation_formula(world, browser_as, sessions):
    browser = browser_as("admin")
    token = {"csrf_token": browser.csrf}
    listed = browser.get("/setup/codes").text
    assert re.search(r'href="/setup/codes/salutation_formulas">Salutation Formulas</a>', listed)
    table = browser.get("/setup/codes/salutation_formulas").text
    assert re.search(
        r'<input id="code-salutation_code" name="salutation_code"[^>]*'
        r'list="lookup-salutations"',
        table,
    )
    assert re.search(
        r'<input id="code-language_code" name="language_code"[^>]*'
        r'list="lookup-languages"',
        table,
    )
    assert 'name="code"' not in table
    added = browser.post(
        "/setup/codes/salutation_formulas",
        data={
            **token,
            "salutation_code": "mr",
            "language_code": "nlb",
            "formal_greeting": "Geachte heer",
        },
    )
    assert added.status_code == 303, added.text
    assert formulas(sessions) == [("MR,NLB", "Geachte heer")]
    table = browser.get("/setup/codes/salutation_formulas").text
    assert '<a href="/setup/codes/salutation_formulas/MR%2CNLB">MR</a>' in table
    card = browser.get("/setup/codes/salutation_formulas/MR,NLB").text
    assert "<dt>Salutation Code</dt><dd>MR</dd><dt>Language Code</dt><dd>NLB</dd>" in card
    assert 'value="Geachte heer"' in card
    browser.post(
        "/setup/codes/salutation_formulas/MR,NLB", data={**token, "formal_greeting": "Beste"}
    )
    assert formulas(sessions) == [("MR,NLB", "Beste")]
    gone = browser.post("/setup/codes/salutation_formulas/MR,NLB/delete", data=token)
    assert gone.status_code == 303
    assert formulas(sessions) == []


def test_a_formula_of_an_unknown_language_is_refused_beside_the_form(world, browser_as, sessions):
    browser = browser_as("admin")
    answer = browser.post(
        "/setup/codes/salutation_formulas",
        data={
            "csrf_token": browser.csrf,
            "salutation_code": "MR",
            "language_code": "XX",
            "formal_greeting": "Hallo",
        },
    )
    assert answer.status_code == 422
    assert (
        "The Language does not exist. Identification fields and values: Code=&#39;XX&#39;"
    ) in answer.text
    assert 'value="XX"' in answer.text  # what was typed stays in the form
    assert formulas(sessions) == []

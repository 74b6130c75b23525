"""Duplicate contacts (K5): the search finds the demo's planted duplicates and a merge moves
everything to the survivor in one transaction; automatic ratings (K3) on the demo's rating
questionnaire. On SQLite and PostgreSQL."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from rapport.demo import company, duplicates
from rapport.demo.contacts import build_contacts
from rapport.domain import duplicates as rules
from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.contacts import cards
from rapport.services.contacts.duplicates import find_duplicates
from rapport.services.contacts.merge import merge_contacts
from rapport.services.contacts.ratings import update_ratings
from rapport.services.setup import marketing
from rapport.storage import tables as t


@pytest.fixture
def demo(sessions):
    company.load_demo(sessions)
    return sessions


def planted() -> list[tuple[str, str]]:
    contacts = build_contacts(random.Random(company.DEFAULT_SEED), first_id=1)
    return duplicates.planted(contacts)


def pairs_of(search) -> set[frozenset[str]]:
    return {frozenset((pair.contact_no, pair.duplicate_no)) for pair in search.pairs}


def count(sessions, model, **where) -> int:
    with sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.execute(query).scalar_one()


def contact_id(sessions, no: str) -> int:
    with sessions() as session:
        return session.execute(select(t.Contact.id).where(t.Contact.no == no)).scalar_one()


def test_k5_every_planted_duplicate_of_the_demo_is_found_with_its_reasons(demo):
    search = find_duplicates(demo)
    assert {frozenset(pair) for pair in planted()} <= pairs_of(search)
    assert all(pair.score >= 60 for pair in search.pairs)
    assert search.compared < 1_000  # blocking: 260 contacts, far fewer than 33,670 pairs
    by_pair = {frozenset((p.contact_no, p.duplicate_no)): p for p in search.pairs}
    copy, original = planted()[3]
    assert "same VAT registration no." in by_pair[frozenset((copy, original))].reasons


def test_k5_the_minimum_score_comes_from_the_setup_unless_given(demo):
    marketing.set_setup(demo, values=[("duplicate_min_score", "95")])
    strict = find_duplicates(demo)
    assert strict.min_score == 95
    assert all(pair.score >= 95 for pair in strict.pairs)
    assert len(find_duplicates(demo, min_score=40).pairs) > len(strict.pairs)
    for score in (0, 101):  # BC's Search Hit %: 1 to 100
        with pytest.raises(Invalid, match=f"'{score}' must be from 1 to 100") as caught:
            find_duplicates(demo, min_score=score)
        assert caught.value.field == "min_score"


def test_k5_all_planted_duplicates_merge_and_are_found_no_more(demo):
    for copy, original in planted():
        copy_id = contact_id(demo, copy)
        had = count(demo, t.InteractionLogEntry, contact_id=copy_id)
        before = count(demo, t.InteractionLogEntry, contact_id=contact_id(demo, original))
        result = merge_contacts(demo, original, other_no=copy)
        assert result.moved["interaction_log_entries"] == had
        assert count(demo, t.InteractionLogEntry, contact_id=contact_id(demo, original)) == (
            before + had
        )
        with pytest.raises(NotFound):
            cards.get(demo, copy)
    assert not {frozenset(pair) for pair in planted()} & pairs_of(find_duplicates(demo))


def test_k5_a_merged_company_hands_over_its_persons_and_lists_what_differs(demo):
    copy, original = planted()[3]
    persons = count(demo, t.Contact, company_no=copy)
    result = merge_contacts(demo, original, other_no=copy)
    assert result.moved["persons"] == persons - 1  # its own row is not one of its persons
    assert count(demo, t.Contact, company_no=original) >= persons
    differing = {(d.table, d.field) for d in result.differences}
    assert {("contacts", "name"), ("contacts", "vat_no")} <= differing
    assert all(d.kept != d.dropped for d in result.differences)


def test_k5_a_company_is_not_merged_with_a_person_and_nothing_changes(demo):
    (person, _), (_, _), (_, _), (_, original) = planted()
    with pytest.raises(Conflict, match="a company is merged only with a company"):
        merge_contacts(demo, original, other_no=person)
    with pytest.raises(Invalid, match="itself"):
        merge_contacts(demo, original, other_no=original)
    assert cards.get(demo, person).no == person


def test_k3_ratings_compute_on_the_demos_rating_questionnaire(demo):
    result = update_ratings(demo)
    companies = count(demo, t.Contact, type="company")
    assert result.rating_questions == 1
    assert result.contacts_rated == result.answers_added == companies  # every company answered
    rated = cards.get_all(demo, where="profile(questionnaire = RATING and answer_line = 20)")
    assert list(rated)
    assert update_ratings(demo, questionnaire="RATING").answers_added == 0


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        ("Acme Trading NV", "ACME trading, n.v.", True),
        ("Société Générale SA", "Societe Generale", True),
        ("Camille Maes", "Maes Camille", True),
        ("Charlotte Mertens", "Charlotte Lambert", False),
    ],
)
def test_k5_names_are_compared_without_case_accents_punctuation_or_legal_form(left, right, same):
    a = rules.compared(
        type="company", name=left, email="", phone="", vat_no="", address="", post_code=""
    )
    b = rules.compared(
        type="company", name=right, email="", phone="", vat_no="", address="", post_code=""
    )
    score, _ = rules.score(a, b, rules.Weights())
    assert (score == 50) is same
    assert (rules.blocking_keys(a) & rules.blocking_keys(b) != set()) is same


def test_k5_phone_numbers_compare_by_their_digits():
    assert rules.normal_phone("+32 2 123 45 67") == rules.normal_phone("02/123.45.67")
    assert rules.normal_phone("123") == ""

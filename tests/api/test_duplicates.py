"""Duplicate contacts (K5) and profile ratings (K3) over HTTP: the answers are the JSON of
`rapport contacts duplicates|merge --json` and `rapport profile update-ratings --json`."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rapport.storage import tables as t
from tests.api.conftest import problem_of
from tests.factories import make_company, make_person


@pytest.fixture
def world(sessions):
    """ACME and its duplicate ACME2 (same VAT no., name written otherwise), person P1 Ann of
    ACME2; questionnaire VALUE rating line 10 from the points of answer 30."""
    with sessions.begin() as session:
        make_company(session, "ACME", "Acme Trading NV", vat_no="BE0123456789")
        copy = make_company(session, "ACME2", "ACME trading", vat_no="BE 0123 456 789")
        make_person(session, "P1", "Ann", company=copy)
        session.add(t.ProfileQuestionnaire(code="VALUE", description="Value"))
        session.flush()
        lines = ((10, "question", None), (20, "answer", Decimal(1)), (25, "question", None))
        for line_no, kind, low in lines:
            session.add(
                t.ProfileQuestionnaireLine(
                    profile_questionnaire_code="VALUE", line_no=line_no, type=kind, from_value=low
                )
            )
        session.add(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="VALUE", line_no=30, type="answer"
            )
        )
        session.flush()
        session.add(
            t.Rating(
                profile_questionnaire_code="VALUE",
                profile_question_line_no=10,
                rating_profile_questionnaire_code="VALUE",
                rating_profile_question_line_no=30,
                points=Decimal(2),
            )
        )
        session.add(
            t.ContactProfileAnswer(
                contact_id=copy.id, profile_questionnaire_code="VALUE", line_no=30
            )
        )


def test_k5_the_duplicate_search_is_the_cli_search(world, client_as, cli):
    body = client_as("viewer").get("/api/contact-duplicates").json()
    assert body == cli("contacts", "duplicates")
    [pair] = body["pairs"]
    assert (pair["contact_no"], pair["duplicate_no"], pair["score"]) == ("ACME", "ACME2", 100)
    assert "same VAT registration no." in pair["reasons"]


def test_k5_a_minimum_score_out_of_range_is_a_problem_naming_it(world, client_as):
    answer = client_as("viewer").get("/api/contact-duplicates?min_score=101")
    assert answer.status_code == 422
    assert "min_score" in answer.text


def test_k5_a_merge_moves_the_persons_and_deletes_the_duplicate(world, client_as):
    marketer = client_as("marketer")
    answer = marketer.post("/api/contacts/ACME/merge", json={"other": "ACME2"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["moved"]["persons"] == 1
    assert marketer.get("/api/contacts/P1").json()["company_no"] == "ACME"
    assert marketer.get("/api/contacts/ACME2").status_code == 404


def test_k5_a_viewer_may_search_but_not_merge(world, client_as):
    answer = client_as("viewer").post("/api/contacts/ACME/merge", json={"other": "ACME2"})
    assert answer.status_code == 403


def test_k5_merging_a_person_into_a_company_is_a_conflict(world, client_as):
    answer = client_as("marketer").post("/api/contacts/ACME/merge", json={"other": "P1"})
    assert "a company is merged only with a company" in problem_of(answer, 409)["detail"]


def test_k3_ratings_update_over_http_as_on_the_cli(world, client_as):
    answer = client_as("marketer").post("/api/profiles/update-ratings", json={})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "questionnaire": None,
        "rating_questions": 1,
        "contacts_rated": 1,
        "answers_added": 1,
        "answers_removed": 0,
    }
    card = client_as("viewer").get("/api/contacts/ACME2").json()
    assert {(a["code"], a["answer_line"]) for a in card["profile_answers"]} == {
        ("VALUE", 20),
        ("VALUE", 30),
    }

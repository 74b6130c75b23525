"""Assigning groups, relations, responsibilities, web sources and profile answers to
contacts (K2), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.contacts import cards as contacts
from rapport.services.contacts.profiles import answer_profile
from rapport.services.contacts.relations import assign, unassign
from rapport.storage import tables as t
from tests.factories import make_code, make_company, make_person


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        acme = make_company(session, "C1", "Acme")
        make_person(session, "P1", "Jo", company=acme)
        for model, code in (
            (t.MailingGroup, "NEWS"),
            (t.IndustryGroup, "RETAIL"),
            (t.BusinessRelation, "CUST"),
            (t.JobResponsibility, "BUYER"),
            (t.WebSource, "LINKEDIN"),
        ):
            make_code(session, model, code, f"{code} description")
        session.add(t.ProfileQuestionnaire(code="CUSTOMER", description="Customer profile"))
        session.add(t.ProfileQuestionnaire(code="COMPANY", contact_type="companies"))
        session.flush()
        for code, line_no, kind, text, multiple in (
            ("CUSTOMER", 10, "question", "Size?", False),
            ("CUSTOMER", 20, "answer", "Small", False),
            ("CUSTOMER", 30, "answer", "Large", False),
            ("CUSTOMER", 40, "question", "Interests?", True),
            ("CUSTOMER", 50, "answer", "Bread", False),
            ("CUSTOMER", 60, "answer", "Cake", False),
            ("COMPANY", 10, "question", "Owner?", False),
            ("COMPANY", 20, "answer", "Family", False),
        ):
            session.add(
                t.ProfileQuestionnaireLine(
                    profile_questionnaire_code=code,
                    line_no=line_no,
                    type=kind,
                    description=text,
                    multiple_answers=multiple,
                )
            )
    return sessions


def codes(sessions, no, name):
    return [a.code for a in getattr(contacts.get(sessions, no), name)]


@pytest.mark.parametrize(
    ("contact", "relation", "code", "card"),
    [
        ("P1", "mailing_group", "news", "mailing_groups"),
        ("C1", "mailing_group", "NEWS", "mailing_groups"),
        ("C1", "industry_group", " retail ", "industry_groups"),
        ("C1", "business_relation", "CUST", "business_relations"),
        ("P1", "job_responsibility", "buyer", "job_responsibilities"),
        ("P1", "web_source", "linkedin", "web_sources"),
    ],
)
def test_k2_assign_and_unassign_each_relation(world, contact, relation, code, card):
    done = assign(world, contact, relation=relation, code=code)
    assert done.code == code.strip().upper()
    assert done.description == f"{done.code} description"
    assert codes(world, contact, card) == [done.code]
    unassign(world, contact.lower(), relation=relation, code=code)
    assert codes(world, contact, card) == []


def test_k2_the_code_must_exist_and_the_contact_too(world):
    with pytest.raises(NotFound, match=r"The Mailing Group does not exist\. .*Code='NOPE'"):
        assign(world, "P1", relation="mailing_group", code="nope")
    with pytest.raises(NotFound, match=r"The Contact does not exist\. .*No\.='X9'"):
        assign(world, "X9", relation="mailing_group", code="NEWS")
    with pytest.raises(Invalid, match="did you mean 'mailing_group'"):
        assign(world, "P1", relation="mailing_groups", code="NEWS")
    with pytest.raises(Invalid, match="code is required"):
        assign(world, "P1", relation="mailing_group", code=" ")


def test_k2_industry_groups_and_business_relations_are_kept_on_companies(world):
    with pytest.raises(Invalid, match="kept on companies"):
        assign(world, "P1", relation="industry_group", code="RETAIL")
    with pytest.raises(Invalid, match="kept on companies"):
        assign(world, "P1", relation="business_relation", code="CUST")
    assign(world, "C1", relation="industry_group", code="RETAIL")
    # The person inherits its company's.
    assert codes(world, "P1", "industry_groups") == ["RETAIL"]


def test_k2_job_responsibilities_are_kept_on_persons(world):
    with pytest.raises(Invalid, match="kept on persons"):
        assign(world, "C1", relation="job_responsibility", code="BUYER")


def test_k2_assigning_twice_is_a_conflict_and_removing_what_is_not_there_not_found(world):
    assign(world, "P1", relation="mailing_group", code="NEWS")
    with pytest.raises(Conflict, match="already has Mailing Group NEWS"):
        assign(world, "P1", relation="mailing_group", code="news")
    unassign(world, "P1", relation="mailing_group", code="NEWS")
    with pytest.raises(NotFound, match="has no Mailing Group NEWS"):
        unassign(world, "P1", relation="mailing_group", code="NEWS")


def test_k2_business_relation_links_and_web_source_search_words(world):
    done = assign(
        world,
        "C1",
        relation="business_relation",
        code="CUST",
        values={"link_to_table": "Customer", "link_no": "c10000"},
    )
    assert done.values == {"link_to_table": "customer", "link_no": "C10000"}
    web = assign(
        world, "P1", relation="web_source", code="LINKEDIN", values={"search_word": " jo peeters "}
    )
    assert web.values == {"search_word": "jo peeters"}
    card = contacts.get(world, "P1")
    assert card.business_relations[0].values == {"link_to_table": "customer", "link_no": "C10000"}
    assert card.web_sources[0].values == {"search_word": "jo peeters"}


@pytest.mark.parametrize(
    ("relation", "values", "message"),
    [
        ("business_relation", {"link_to_table": "planet"}, "link_to_table"),
        ("business_relation", {"colour": "red"}, "unknown field"),
        ("mailing_group", {"search_word": "x"}, "allowed: none"),
        ("web_source", {"search_word": "x" * 31}, "search_word"),
    ],
)
def test_k2_extra_fields_are_checked(world, relation, values, message):
    with pytest.raises(Invalid, match=message):
        assign(world, "C1", relation=relation, code="CUST", values=values)


# --- Profile answers ---------------------------------------------------------------------


def answers(sessions, no):
    return [(a.code, a.values["answer_line"]) for a in contacts.get(sessions, no).profile_answers]


def test_k2_a_profile_answer_is_an_answer_line_of_the_questionnaire(world):
    done = assign(world, "P1", relation="profile", code="customer", values={"answer_line": "20"})
    assert (done.code, done.description, done.values["question"]) == ("CUSTOMER", "Small", "Size?")
    assert answers(world, "P1") == [("CUSTOMER", 20)]
    with pytest.raises(Invalid, match="is a question"):
        answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=10)
    with pytest.raises(
        NotFound, match=r"Profile Questionnaire Line does not exist\. .*Line No\.='99'"
    ):
        answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=99)
    with pytest.raises(NotFound, match=r"The Profile Questionnaire does not exist\. .*Code='NOPE'"):
        answer_profile(world, "P1", questionnaire="NOPE", answer_line=20)
    with pytest.raises(Invalid, match="answer_line"):
        assign(world, "P1", relation="profile", code="CUSTOMER")
    with pytest.raises(Invalid, match="not a line number"):
        assign(world, "P1", relation="profile", code="CUSTOMER", values={"answer_line": "x"})


def test_k2_a_single_answer_question_keeps_one_answer_per_contact(world):
    answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=20)
    answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=30)
    assert answers(world, "P1") == [("CUSTOMER", 30)]
    with pytest.raises(Conflict, match="already has answer"):
        answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=30)


def test_k2_a_multiple_answer_question_keeps_them_all(world):
    answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=20)
    answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=50)
    answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=60)
    assert answers(world, "P1") == [("CUSTOMER", 20), ("CUSTOMER", 50), ("CUSTOMER", 60)]
    unassign(world, "P1", relation="profile", code="CUSTOMER", values={"answer_line": "50"})
    assert answers(world, "P1") == [("CUSTOMER", 20), ("CUSTOMER", 60)]
    with pytest.raises(NotFound, match="has no answer CUSTOMER 50"):
        unassign(world, "P1", relation="profile", code="CUSTOMER", values={"answer_line": "50"})


def test_k2_a_questionnaire_for_companies_takes_no_answers_from_persons(world):
    with pytest.raises(Invalid, match="for companies only"):
        answer_profile(world, "P1", questionnaire="COMPANY", answer_line=20)
    answer_profile(world, "C1", questionnaire="COMPANY", answer_line=20)
    assert answers(world, "C1") == [("COMPANY", 20)]


def test_k2_answers_record_the_date_they_were_given(world):
    answer_profile(world, "P1", questionnaire="CUSTOMER", answer_line=20)
    with world.begin() as session:
        row = session.scalars(select(t.ContactProfileAnswer)).one()
        assert row.last_date_updated is not None

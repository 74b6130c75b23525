"""Automatic profile ratings (K3): BC's Rating table and Update Contact Classification for
a rating question, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from rapport.errors import Invalid, NotFound
from rapport.services.contacts import cards as contacts
from rapport.services.contacts.profiles import answer_profile
from rapport.services.contacts.ratings import update_ratings
from rapport.storage import tables as t
from tests.factories import make_company, make_person

LINES = (
    (10, "question", "Company size", None, None),
    (20, "answer", "Small", None, None),
    (30, "answer", "Large", None, None),
    (40, "question", "Purchase frequency", None, None),
    (50, "answer", "Weekly", None, None),
    (60, "answer", "Monthly", None, None),
    (70, "question", "Customer value", None, None),
    (80, "answer", "C (0 to 4 points)", Decimal(0), Decimal(4)),
    (90, "answer", "B (5 to 9 points)", Decimal(5), Decimal(9)),
    (100, "answer", "A (10 points or more)", Decimal(10), None),
)
POINTS = {20: 2, 30: 8, 50: 5, 60: 1}
ANSWERS = {"C1": (30, 50), "C2": (20, 60), "C3": (20, 50), "C4": ()}


def add_rated_questionnaire(
    session,
    code: str,
    lines,
    *,
    rated: int,
    points: dict[int, int],
    from_code: str | None = None,
    classified: bool = False,
) -> None:
    """A companies' questionnaire with `lines` (line no., type, text, from, to) whose line
    `rated` is rated from the answer lines of `from_code` (default: its own) with `points`;
    `classified` marks the rated line for automatic classification."""
    session.add(t.ProfileQuestionnaire(code=code, contact_type="company"))
    session.flush()
    for line_no, kind, text, low, high in lines:
        session.add(
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code=code,
                line_no=line_no,
                type=kind,
                description=text,
                from_value=low,
                to_value=high,
                auto_contact_classification=classified and line_no == rated,
            )
        )
    session.flush()
    for line_no, value in points.items():
        session.add(
            t.Rating(
                profile_questionnaire_code=code,
                profile_question_line_no=rated,
                rating_profile_questionnaire_code=from_code or code,
                rating_profile_question_line_no=line_no,
                points=Decimal(value),
            )
        )


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        add_rated_questionnaire(session, "VALUE", LINES, rated=70, points=POINTS, classified=True)
        for no, answers in ANSWERS.items():
            company = make_company(session, no, f"Company {no}")
            for line_no in answers:
                session.add(
                    t.ContactProfileAnswer(
                        contact_id=company.id, profile_questionnaire_code="VALUE", line_no=line_no
                    )
                )
        # A person's answers give no rating: the questionnaire is for companies.
        person = make_person(session, "P1", "Jo")
        session.add(
            t.ContactProfileAnswer(
                contact_id=person.id, profile_questionnaire_code="VALUE", line_no=30
            )
        )
    return sessions


def ratings_of(sessions) -> dict[str, int]:
    answers = t.ContactProfileAnswer
    with sessions() as session:
        rows = session.execute(
            select(t.Contact.no, answers.line_no)
            .join(t.Contact, t.Contact.id == answers.contact_id)
            .where(answers.profile_questionnaire_code == "VALUE", answers.line_no >= 80)
        ).all()
    return dict(rows)


def test_k3_a_contacts_rating_is_the_answer_whose_range_holds_the_sum_of_its_points(world):
    result = update_ratings(world)
    # C1: 8 + 5 = 13 → A; C2: 2 + 1 = 3 → C; C3: 2 + 5 = 7 → B; C4 has no rated answer.
    assert ratings_of(world) == {"C1": 100, "C2": 80, "C3": 90}
    assert (result.rating_questions, result.contacts_rated) == (1, 3)
    assert (result.answers_added, result.answers_removed) == (3, 0)


def test_k3_updating_again_changes_only_the_ratings_whose_answers_changed(world):
    update_ratings(world)
    assert update_ratings(world, questionnaire="value").answers_added == 0
    answer_profile(world, "C2", questionnaire="VALUE", answer_line=30)  # replaces Small
    result = update_ratings(world)
    assert ratings_of(world) == {"C1": 100, "C2": 90, "C3": 90}
    assert (result.answers_added, result.answers_removed) == (1, 1)


def test_k3_a_contact_whose_rated_answers_are_gone_loses_its_rating(world):
    update_ratings(world)
    with world.begin() as session:
        session.query(t.ContactProfileAnswer).filter(
            t.ContactProfileAnswer.line_no.in_((20, 50))
        ).delete()
    result = update_ratings(world)
    assert ratings_of(world) == {"C1": 90, "C2": 80}  # C1: 8 → B; C3 has none left
    assert result.answers_removed == 2


def test_k3_ratings_are_usable_in_criteria_like_any_answer(world):
    update_ratings(world)
    rated = contacts.get_all(world, where="profile(questionnaire = VALUE and answer_line >= 90)")
    assert sorted(row.no for row in rated) == ["C1", "C3"]


def test_k3_an_unknown_questionnaire_is_named_and_nothing_changes(world):
    with pytest.raises(NotFound, match=r"The Profile Questionnaire does not exist\. .*Code='NOPE'"):
        update_ratings(world, questionnaire="nope")
    assert ratings_of(world) == {}


def test_k3_a_rating_on_an_answer_line_is_refused_naming_the_line(world):
    with world.begin() as session:
        session.add(
            t.Rating(
                profile_questionnaire_code="VALUE",
                profile_question_line_no=80,
                rating_profile_questionnaire_code="VALUE",
                rating_profile_question_line_no=20,
                points=Decimal(1),
            )
        )
    with pytest.raises(Invalid, match="line 80 of Profile Questionnaire VALUE is an answer"):
        update_ratings(world)
    assert ratings_of(world) == {}


def test_k3_k4_a_rating_on_a_line_that_does_not_exist_is_a_bad_row_and_nothing_is_imported(
    world, tmp_path
):
    from rapport.services.transfer import imports

    path = tmp_path / "ratings.csv"
    path.write_text(
        "profile_questionnaire_code,profile_question_line_no,"
        "rating_profile_questionnaire_code,rating_profile_question_line_no,points\n"
        "VALUE,70,VALUE,80,2\n"
        "VALUE,70,VALUE,65,3\n",
        encoding="utf-8",
    )
    with pytest.raises(imports.BadFile) as caught:
        imports.import_table(world, "ratings", path, by="tester")
    assert [(bad.line, bad.column) for bad in caught.value.bad_rows] == [
        (3, "rating_profile_questionnaire_code")
    ]
    with world() as session:
        assert session.query(t.Rating).count() == len(POINTS)


# A second questionnaire, rated from VALUE's own rating (and from one plain answer). Its code
# sorts before VALUE, so only the order of the ratings, not that of the codes, can get it right.
PRIORITY = (
    (10, "question", "Priority", None, None),
    (20, "answer", "High (10 points or more)", Decimal(10), None),
    (30, "answer", "Low (up to 9 points)", None, Decimal(9)),
)
PRIORITY_POINTS = {100: 10, 90: 4, 50: 1}  # A, B, Weekly


def add_priority(sessions) -> None:
    with sessions.begin() as session:
        add_rated_questionnaire(
            session, "ACCOUNT", PRIORITY, rated=10, points=PRIORITY_POINTS, from_code="VALUE"
        )


def priorities(sessions) -> dict[str, int]:
    answers = t.ContactProfileAnswer
    with sessions() as session:
        rows = session.execute(
            select(t.Contact.no, answers.line_no)
            .join(t.Contact, t.Contact.id == answers.contact_id)
            .where(answers.profile_questionnaire_code == "ACCOUNT")
        ).all()
    return dict(rows)


def test_k3_a_rating_computed_from_another_rating_is_right_after_one_update(world):
    add_priority(world)
    result = update_ratings(world)
    assert ratings_of(world) == {"C1": 100, "C2": 80, "C3": 90}
    # C1: A (10) + Weekly (1) = 11 → High; C3: B (4) + Weekly (1) = 5 → Low; C2's answers
    # (Small, Monthly, C) carry no priority points.
    assert priorities(world) == {"C1": 20, "C3": 30}
    assert (result.rating_questions, result.contacts_rated) == (2, 3)
    assert (result.answers_added, result.answers_removed) == (5, 0)
    answer_profile(world, "C3", questionnaire="VALUE", answer_line=30)  # Large: 8 + 5 → A
    again = update_ratings(world)
    assert priorities(world) == {"C1": 20, "C3": 20}
    assert (again.answers_added, again.answers_removed) == (2, 2)


def test_k3_ratings_that_read_each_other_round_are_refused_naming_the_circle(world):
    add_priority(world)
    with world.begin() as session:
        session.add(
            t.Rating(
                profile_questionnaire_code="VALUE",
                profile_question_line_no=70,
                rating_profile_questionnaire_code="ACCOUNT",
                rating_profile_question_line_no=20,
                points=Decimal(1),
            )
        )
    circle = "ACCOUNT line 10 → VALUE line 70 → ACCOUNT line 10"
    with pytest.raises(Invalid, match=circle):
        update_ratings(world)
    assert ratings_of(world) == {}
    assert priorities(world) == {}

"""K5, L1, SPEC §2 Setup over HTTP: a duplicate search weight below zero, a minimum score
outside BC's 1 to 100 or a template's negative unit cost is a 422 problem naming the field,
and changes nothing (the `NumberRange` rules of domain/rules.py)."""

from __future__ import annotations

import pytest

from tests.api.conftest import problem_of
from tests.factories import build_log_world


@pytest.fixture
def world(sessions):
    """Templates ABSTRACT and CALL (and what logging needs)."""
    with sessions.begin() as session:
        build_log_world(session)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("duplicate_name_weight", -5, "'-5' must be zero or more"),
        ("duplicate_address_weight", -1, "'-1' must be zero or more"),
        ("duplicate_min_score", 0, "'0' must be from 1 to 100"),
        ("duplicate_min_score", 101, "'101' must be from 1 to 100"),
    ],
)
def test_k5_a_setup_number_out_of_range_is_a_422_naming_the_field(client_as, field, value, message):
    admin = client_as("admin")
    before = admin.get("/api/setup").json()
    body = {"inherit_language_code": False, field: value}
    problem = problem_of(admin.patch("/api/setup", json=body), 422)
    assert [(error["field"], error["message"]) for error in problem["errors"]] == [(field, message)]
    assert admin.get("/api/setup").json() == before
    kept = admin.patch("/api/setup", json={field: 50})
    assert kept.status_code == 200, kept.text
    assert kept.json()[field] == 50


@pytest.mark.parametrize("field", ["unit_cost", "unit_duration"])
def test_l1_a_negative_template_cost_or_duration_is_a_422_naming_the_field(world, client_as, field):
    marketer = client_as("marketer")
    before = marketer.get("/api/templates/ABSTRACT").json()
    problem = problem_of(marketer.patch("/api/templates/ABSTRACT", json={field: -2.5}), 422)
    assert [(error["field"], error["message"]) for error in problem["errors"]] == [
        (field, "'-2.5' must be zero or more")
    ]
    assert marketer.get("/api/templates/ABSTRACT").json() == before

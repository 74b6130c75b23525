"""K5, L1, SPEC §2 Setup: the marketing setup's duplicate search weights are zero or more and
its minimum score is from 1 to 100 (BC's Search Hit %), and a template's unit cost and
duration are zero or more (the `NumberRange` rules of domain/rules.py). A value out of its
range is refused naming the field, whether it comes alone or after good ones, and changes
nothing; `rapport setup set` and `rapport template set` exit 1 with one line saying so."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy.orm import sessionmaker

from rapport.cli.main import run
from rapport.errors import Invalid
from rapport.services.setup import marketing
from rapport.services.templates import cards as templates
from rapport.storage.db import make_engine
from tests.integration.import_world import build_world

WEIGHTS = tuple(
    f"duplicate_{value}_weight" for value in ("name", "email", "phone", "vat_no", "address")
)


@pytest.mark.parametrize("field", WEIGHTS)
def test_k5_a_duplicate_search_weight_is_zero_or_more(sessions, field):
    before = marketing.get(sessions)
    with pytest.raises(Invalid) as raised:
        marketing.set_setup(sessions, values=[(field, "-1")])
    assert (raised.value.field, raised.value.message) == (field, "'-1' must be zero or more")
    assert marketing.get(sessions) == before
    assert getattr(marketing.set_setup(sessions, values=[(field, "0")]), field) == 0
    assert getattr(marketing.set_setup(sessions, values=[(field, "250")]), field) == 250


@pytest.mark.parametrize(("text", "kept"), [("0", None), ("1", 1), ("100", 100), ("101", None)])
def test_k5_the_minimum_score_is_from_1_to_100_as_bcs_search_hit_percent(sessions, text, kept):
    before = marketing.get(sessions)
    if kept is not None:
        changed = marketing.set_setup(sessions, values=[("duplicate_min_score", text)])
        assert changed.duplicate_min_score == kept
        return
    with pytest.raises(Invalid) as raised:
        marketing.set_setup(sessions, values=[("duplicate_min_score", text)])
    assert raised.value.field == "duplicate_min_score"
    assert raised.value.message == f"'{text}' must be from 1 to 100"
    assert marketing.get(sessions) == before


def test_k5_a_bad_weight_after_good_fields_changes_none_of_them(sessions):
    before = marketing.get(sessions)
    values = [
        ("inherit_language_code", "false"),
        ("duplicate_email_weight", "10"),
        ("duplicate_phone_weight", "-30"),
    ]
    with pytest.raises(Invalid, match="duplicate_phone_weight: '-30' must be zero or more"):
        marketing.set_setup(sessions, values=values)
    assert marketing.get(sessions) == before


@pytest.fixture
def cli(sqlite_url, capsys):
    engine = make_engine(sqlite_url)
    with sessionmaker(engine).begin() as session:
        build_world(session)
    engine.dispose()

    def call(*args: str) -> tuple[int, str]:
        code = run(["--db", sqlite_url, "--user", "admin", *args])
        return code, capsys.readouterr().err

    engine = make_engine(sqlite_url)
    yield call, sessionmaker(engine)
    engine.dispose()


@pytest.mark.parametrize(
    ("field", "text", "says"),
    [
        ("duplicate_name_weight", "-5", "duplicate_name_weight: '-5' must be zero or more"),
        ("duplicate_min_score", "0", "duplicate_min_score: '0' must be from 1 to 100"),
    ],
)
def test_k5_setup_set_refuses_a_number_out_of_range_with_exit_1(cli, field, text, says):
    call, sessions = cli
    before = marketing.get(sessions)
    code, err = call("setup", "set", f"{field}={text}")
    assert code == 1
    assert err.strip().splitlines() == [err.strip()]
    assert says in err
    assert marketing.get(sessions) == before


def test_l1_template_set_refuses_a_negative_unit_cost_with_exit_1(cli):
    call, sessions = cli
    before = asdict(templates.get(sessions, "ABSTR"))
    code, err = call("template", "set", "ABSTR", "unit_cost=-2.5")
    assert code == 1
    assert "unit_cost: '-2.5' must be zero or more" in err
    assert asdict(templates.get(sessions, "ABSTR")) == before

"""Opportunities and tasks over HTTP (S14): the lists, page by page and by segment, in the
JSON of `rapport opportunities list --json` and `rapport tasks list --json`."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.storage import tables as t
from tests.api.conftest import walk
from tests.factories import make_company


@pytest.fixture
def world(sessions):
    """Opportunities OP1–OP3 and tasks TD1–TD3 for ACME, the first two of segment SEG1."""
    with sessions.begin() as session:
        acme = make_company(session, "ACME", "Acme")
        for index in (1, 2, 3):
            segment = "SEG1" if index < 3 else "SEG2"
            session.add(
                t.Opportunity(
                    no=f"OP{index}",
                    description=f"Deal {index}",
                    contact_id=acme.id,
                    contact_company_no="ACME",
                    segment_no=segment,
                    creation_date=dt.date(2026, 3, index),
                )
            )
            session.add(
                t.Task(
                    no=f"TD{index}",
                    type="phone_call",
                    description=f"Call {index}",
                    date=dt.date(2026, 4, index),
                    contact_id=acme.id,
                    contact_company_no="ACME",
                    segment_no=segment,
                )
            )


@pytest.mark.parametrize("noun", ["opportunities", "tasks"])
def test_s14_the_lists_are_the_cli_lists_page_by_page(world, client_as, cli_json, noun):
    pages = walk(client_as("viewer"), f"/api/{noun}?limit=2")
    assert [len(items) for items in pages] == [2, 1]
    assert [row for items in pages for row in items] == cli_json(noun, "list")
    assert pages[0][0]["contact_no"] == "ACME"


@pytest.mark.parametrize("noun", ["opportunities", "tasks"])
def test_s14_the_lists_of_one_segment(world, client_as, cli_json, noun):
    items = client_as("viewer").get(f"/api/{noun}?segment=seg1").json()["items"]
    assert items == cli_json(noun, "list", "--segment", "SEG1")
    assert len(items) == 2

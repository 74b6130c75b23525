"""Inheritance (K1, BC's Marketing Setup → Inheritance): a person created in a company, or
moved into one, takes the company's salesperson, territory, country/region, language,
address and communication details; a change on the company reaches its persons, except
on fields edited on the person; each group is a marketing-setup flag (S1 line defaults
follow)."""

from __future__ import annotations

import pytest

from rapport.services.contacts import cards as contacts
from rapport.services.segments import header as segments
from rapport.services.segments.manual import add_contact
from rapport.services.setup import marketing
from rapport.storage import tables as t
from tests.factories import make_code, make_salesperson

COMPANY = {
    "salesperson": "KIM",
    "territory": "NORTH",
    "country": "BE",
    "language": "NLB",
    "address": "Grote Markt 1",
    "post_code": "1000",
    "city": "Brussels",
    "county": "Brabant",
    "phone": "+32 2 123 45 67",
    "mobile": "+32 470 00 00 00",
    "email": "info@acme.test",
}


@pytest.fixture
def world(sessions):
    with sessions.begin() as session:
        for code in ("JO", "KIM"):
            make_salesperson(session, code)
        for model, codes in ((t.Country, ("BE", "NL")), (t.Language, ("NLB", "ENU"))):
            for code in codes:
                make_code(session, model, code)
        make_code(session, t.Territory, "NORTH")
    marketing.set_setup(sessions, values=[("default_salesperson_code", "JO")])
    contacts.add_contact(sessions, fields={"no": "ACME", "name": "Acme", **COMPANY})
    contacts.add_contact(
        sessions, fields={"no": "BETA", "name": "Beta", "city": "Utrecht", "country": "NL"}
    )
    return sessions


def card(sessions, no):
    found = contacts.get(sessions, no)
    return {name: getattr(found, name) for name in COMPANY}


def test_k1_a_person_created_in_a_company_takes_its_fields(world):
    contacts.add_contact(world, fields={"no": "P1", "type": "person", "company_no": "ACME"})
    assert card(world, "P1") == COMPANY


def test_k1_a_person_keeps_the_fields_given_when_created(world):
    contacts.add_contact(
        world,
        fields={"no": "P1", "type": "person", "company_no": "ACME", "email": "ann@acme.test"},
    )
    assert card(world, "P1") == COMPANY | {"email": "ann@acme.test"}


def test_k1_a_company_change_reaches_its_persons_except_fields_edited_on_them(world):
    for no in ("P1", "P2"):
        contacts.add_contact(world, fields={"no": no, "type": "person", "company_no": "ACME"})
    contacts.edit_contact(world, "P2", fields={"city": "Leuven"}, by="tester")
    contacts.edit_contact(
        world, "ACME", fields={"city": "Ghent", "salesperson": "JO", "name": "Acme NV"}, by="tester"
    )
    assert card(world, "P1") == COMPANY | {"city": "Ghent", "salesperson": "JO"}
    assert card(world, "P2") == COMPANY | {"city": "Leuven", "salesperson": "JO"}
    assert contacts.get(world, "P1").company_name == "Acme NV"


def test_k1_a_person_moved_into_a_company_takes_its_fields(world):
    contacts.add_contact(world, fields={"no": "P1", "type": "person", "company_no": "ACME"})
    contacts.edit_contact(world, "P1", fields={"phone": "+32 9 999"}, by="tester")
    contacts.edit_contact(world, "P1", fields={"company_no": "BETA"}, by="tester")
    moved = card(world, "P1")
    assert (moved["city"], moved["country"], moved["post_code"]) == ("Utrecht", "NL", "")
    assert moved["phone"] == "+32 9 999"  # edited on the person: kept


def test_k1_each_inheritance_group_is_a_marketing_setup_flag(world):
    marketing.set_setup(
        world, values=[("inherit_language_code", "false"), ("inherit_address_details", "false")]
    )
    contacts.add_contact(world, fields={"no": "P1", "type": "person", "company_no": "ACME"})
    person = card(world, "P1")
    assert (person["language"], person["city"], person["address"]) == ("", "", "")
    assert (person["salesperson"], person["country"]) == ("KIM", "BE")
    contacts.edit_contact(world, "ACME", fields={"language": "ENU", "country": "NL"}, by="tester")
    assert (card(world, "P1")["language"], card(world, "P1")["country"]) == ("", "NL")


def test_s1_a_segment_line_takes_the_inherited_salesperson_and_language(world):
    contacts.add_contact(world, fields={"no": "P1", "type": "person", "company_no": "ACME"})
    no = segments.create_segment(world, description="Calls", user="ADMIN").no
    add_contact(world, no, contact_no="P1", user="ADMIN")
    (line,) = segments.get_lines(world, no)
    assert (line.salesperson_code, line.contact_no) == ("KIM", "P1")

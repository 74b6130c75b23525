"""Contacts: create, edit, delete, read and list companies and persons (K1), on SQLite and
PostgreSQL, with Business Central's segment guards (reference §1.10)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from rapport.errors import Conflict, Invalid, NotFound
from rapport.services.contacts import cards as contacts
from rapport.services.contacts import relations
from rapport.storage import tables as t
from tests.factories import (
    link,
    make_code,
    make_company,
    make_person,
    make_salesperson,
    put_on_segment,
)


@pytest.fixture
def setup(sessions):
    with sessions.begin() as session:
        make_salesperson(session, "JO")
        make_code(session, t.Country, "BE")
        make_code(session, t.Language, "NLB")
        make_code(session, t.Territory, "NORTH")
        make_code(session, t.OrganizationalLevel, "MGT")
        make_code(session, t.Salutation, "FORMAL")
    return sessions


def count(sessions, model, **where):
    with sessions.begin() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


# --- Create ------------------------------------------------------------------------------


def test_k1_a_new_company_is_numbered_from_the_series_and_is_its_own_company(setup):
    first = contacts.add_contact(setup, fields={"name": "Bakery Janssens"})
    second = contacts.add_contact(setup, fields={"name": "Other"})
    assert (first.no, second.no) == ("CT000001", "CT000002")
    assert first.type == "company"
    assert (first.company_no, first.company_name) == ("CT000001", "Bakery Janssens")
    assert first.search_name == "BAKERY JANSSENS"
    assert first.created == dt.date.today()
    with setup.begin() as session:
        row = session.scalars(select(t.Contact).where(t.Contact.no == "CT000001")).one()
        assert row.company_id == row.id


def test_k1_codes_are_trimmed_and_upper_cased_and_must_exist(setup):
    """The VAT registration no. is one of them: a code here as in the import and the
    criteria (one rule for the field wherever it is written)."""
    made = contacts.add_contact(
        setup,
        fields={
            "no": " c1 ",
            "name": "Acme",
            "country": " be",
            "language": "nlb",
            "salesperson": "jo",
            "territory": "north",
            "organizational_level": "mgt",
            "salutation": "formal",
            "post_code": "1000ab",
            "vat_no": " be0123.456.789",
        },
    )
    assert made.vat_no == "BE0123.456.789"
    assert (made.no, made.country, made.language, made.salesperson) == ("C1", "BE", "NLB", "JO")
    assert (made.territory, made.organizational_level, made.salutation) == (
        "NORTH",
        "MGT",
        "FORMAL",
    )
    assert made.post_code == "1000AB"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "country",
            "XX",
            "The Country/Region does not exist. Identification fields and values: Code='XX'",
        ),
        (
            "language",
            "XX",
            "The Language does not exist. Identification fields and values: Code='XX'",
        ),
        (
            "salesperson",
            "XX",
            (
                "The Salesperson/Purchaser does not exist. "
                "Identification fields and values: Code='XX'"
            ),
        ),
        (
            "territory",
            "XX",
            "The Territory does not exist. Identification fields and values: Code='XX'",
        ),
        (
            "organizational_level",
            "XX",
            (
                "The Organizational Level does not exist. "
                "Identification fields and values: Code='XX'"
            ),
        ),
        (
            "salutation",
            "XX",
            "The Salutation does not exist. Identification fields and values: Code='XX'",
        ),
    ],
)
def test_k1_an_unknown_setup_code_is_not_found_and_nothing_is_created(setup, field, value, message):
    with pytest.raises(NotFound, match=message):
        contacts.add_contact(setup, fields={"name": "Acme", field: value})
    assert count(setup, t.Contact) == 0


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"type": "robot"}, "type"),
        ({"correspondence_type": "fax"}, "correspondence_type"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "a b@x.be"}, "email"),
        ({"email": "a@b@x.be"}, "email"),
        ({"excluded": "perhaps"}, "excluded"),
        ({"created": "yesterday"}, "created"),
        ({"city": "x" * 31}, "city"),
        ({"no": "N" * 21}, "no"),
        ({"contry": "BE"}, "did you mean 'country'"),
    ],
)
def test_k1_bad_field_values_are_invalid(setup, fields, where):
    with pytest.raises(Invalid, match=where):
        contacts.add_contact(setup, fields={"name": "Acme", **fields})


def test_k1_enums_booleans_dates_and_several_email_addresses_are_accepted(setup):
    made = contacts.add_contact(
        setup,
        fields={
            "name": "Acme",
            "correspondence_type": "Hard_Copy",
            "excluded": "yes",
            "privacy_blocked": True,
            "created": "2024-02-29",
            "email": "info@acme.be; sales@acme.be",
        },
    )
    assert made.correspondence_type == "hard_copy"
    assert made.excluded is True
    assert made.privacy_blocked is True
    assert made.created == dt.date(2024, 2, 29)


def test_k1_a_given_no_must_be_new(setup):
    contacts.add_contact(setup, fields={"no": "C1"})
    with pytest.raises(Conflict, match="Contact C1 already exists"):
        contacts.add_contact(setup, fields={"no": "c1"})


def test_k1_a_person_takes_its_companys_no_and_name(setup):
    company = contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    person = contacts.add_contact(
        setup, fields={"name": "Jo Peeters", "type": "person", "company_no": "c1"}
    )
    assert (person.type, person.company_no, person.company_name) == ("person", "C1", "Acme")
    assert company.company_no == "C1"
    lone = contacts.add_contact(setup, fields={"name": "Free Lancer", "type": "person"})
    assert (lone.company_no, lone.company_name) == ("", "")


def test_k1_a_persons_company_must_exist_and_be_a_company(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    contacts.add_contact(setup, fields={"no": "P1", "type": "person", "company_no": "C1"})
    with pytest.raises(NotFound, match=r"The Contact does not exist\. .*No\.='NOPE'"):
        contacts.add_contact(setup, fields={"type": "person", "company_no": "NOPE"})
    with pytest.raises(Invalid, match="contact P1 is not a company"):
        contacts.add_contact(setup, fields={"type": "person", "company_no": "P1"})
    assert count(setup, t.Contact) == 2


def test_k1_a_companys_company_no_is_its_own(setup):
    contacts.add_contact(setup, fields={"no": "C1"})
    with pytest.raises(Invalid, match="its own no"):
        contacts.add_contact(setup, fields={"no": "C2", "company_no": "C1"})


def test_k1_company_name_follows_the_company_and_cannot_be_set_apart(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    same = contacts.add_contact(
        setup, fields={"type": "person", "company_no": "C1", "company_name": "Acme"}
    )
    assert same.company_name == "Acme"
    with pytest.raises(Invalid, match="company_name"):
        contacts.add_contact(
            setup, fields={"type": "person", "company_no": "C1", "company_name": "Other"}
        )


def test_k1_a_new_contact_takes_the_marketing_setup_defaults(setup):
    with setup.begin() as session:
        marketing = session.get(t.MarketingSetup, 1)
        marketing.default_language_code = "NLB"
        marketing.default_salesperson_code = "JO"
        marketing.default_correspondence_type = "email"
    made = contacts.add_contact(setup, fields={"name": "Acme"})
    assert (made.language, made.salesperson, made.correspondence_type) == ("NLB", "JO", "email")
    given = contacts.add_contact(setup, fields={"name": "B", "correspondence_type": "hard_copy"})
    assert given.correspondence_type == "hard_copy"


# --- Edit --------------------------------------------------------------------------------


def test_k1_renaming_a_company_renames_it_on_all_its_persons(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    contacts.add_contact(setup, fields={"no": "C2", "name": "Other"})
    for no in ("P1", "P2"):
        contacts.add_contact(setup, fields={"no": no, "type": "person", "company_no": "C1"})
    contacts.add_contact(setup, fields={"no": "P3", "type": "person", "company_no": "C2"})
    renamed = contacts.edit_contact(setup, "c1", fields={"name": "Acme Group"}, by="tester")
    assert (renamed.company_name, renamed.search_name) == ("Acme Group", "ACME GROUP")
    names = {c.no: c.company_name for c in contacts.get_all(setup)}
    assert names == {
        "C1": "Acme Group",
        "C2": "Other",
        "P1": "Acme Group",
        "P2": "Acme Group",
        "P3": "Other",
    }


def test_k1_search_name_follows_the_name_unless_it_was_set_apart(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    contacts.add_contact(setup, fields={"no": "C2", "name": "Bakery", "search_name": "bread"})
    assert (
        contacts.edit_contact(setup, "C1", fields={"name": "Acme 2"}, by="tester").search_name
        == "ACME 2"
    )
    assert (
        contacts.edit_contact(setup, "C2", fields={"name": "Bakery 2"}, by="tester").search_name
        == "BREAD"
    )


def test_k1_a_person_moves_to_another_company(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    contacts.add_contact(setup, fields={"no": "C2", "name": "Other"})
    contacts.add_contact(setup, fields={"no": "P1", "type": "person", "company_no": "C1"})
    moved = contacts.edit_contact(setup, "P1", fields={"company_no": "C2"}, by="tester")
    assert (moved.company_no, moved.company_name) == ("C2", "Other")
    alone = contacts.edit_contact(setup, "P1", fields={"company_no": ""}, by="tester")
    assert (alone.company_no, alone.company_name) == ("", "")


def test_k1_the_no_cannot_be_changed_and_an_unknown_contact_is_not_found(setup):
    contacts.add_contact(setup, fields={"no": "C1"})
    with pytest.raises(Invalid, match="cannot be changed"):
        contacts.edit_contact(setup, "C1", fields={"no": "C9"}, by="tester")
    with pytest.raises(NotFound, match=r"The Contact does not exist\. .*No\.='NOPE'"):
        contacts.edit_contact(setup, "nope", fields={"name": "x"}, by="tester")


def test_k1_a_failed_edit_changes_nothing(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    with pytest.raises(NotFound):
        contacts.edit_contact(setup, "C1", fields={"name": "New", "country": "XX"}, by="tester")
    assert contacts.get(setup, "C1").name == "Acme"


def test_k1_type_changes_follow_business_centrals_rules(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    contacts.add_contact(setup, fields={"no": "P1", "type": "person", "company_no": "C1"})
    with pytest.raises(Conflict, match="has persons"):
        contacts.edit_contact(setup, "C1", fields={"type": "person"}, by="tester")
    company = contacts.edit_contact(setup, "P1", fields={"type": "company"}, by="tester")
    assert (company.type, company.company_no, company.company_name) == (
        "company",
        "P1",
        company.name,
    )
    contacts.add_contact(setup, fields={"no": "C2"})
    with setup.begin() as session:
        c2 = session.scalars(select(t.Contact).where(t.Contact.no == "C2")).one()
        link(session, t.ContactIndustryGroup, c2, "RETAIL")
    with pytest.raises(Conflict, match="industry groups"):
        contacts.edit_contact(setup, "C2", fields={"type": "person"}, by="tester")
    contacts.add_contact(setup, fields={"no": "P2", "type": "person"})
    with setup.begin() as session:
        p2 = session.scalars(select(t.Contact).where(t.Contact.no == "P2")).one()
        link(session, t.ContactJobResponsibility, p2, "BUYER")
    with pytest.raises(Conflict) as refused:
        contacts.edit_contact(setup, "P2", fields={"type": "company"}, by="tester")
    assert refused.value.message == (
        "Contact P2 cannot become a company: it has job responsibilities."
    )
    with pytest.raises(Invalid) as kept_on:
        relations.assign(setup, "P2", relation="industry_group", code="RETAIL")
    assert kept_on.value.message == "Industry Group is kept on companies; contact P2 is a person"


# --- Segment guards ----------------------------------------------------------------------


def test_k1_company_no_cannot_change_while_the_contact_is_on_an_unlogged_segment(setup):
    with setup.begin() as session:
        acme = make_company(session, "C1")
        make_company(session, "C2")
        person = make_person(session, "P1", company=acme)
        put_on_segment(session, person)
    with pytest.raises(Conflict) as raised:
        contacts.edit_contact(setup, "P1", fields={"company_no": "C2"}, by="tester")
    assert raised.value.message == (
        "You cannot change Company No. because one or more unlogged segments are assigned to "
        "the contact."
    )
    assert contacts.get(setup, "P1").company_no == "C1"
    # Other fields may change.
    assert contacts.edit_contact(setup, "P1", fields={"name": "Jo"}, by="tester").name == "Jo"


def test_k1_a_contact_on_an_unlogged_segment_cannot_be_deleted(setup):
    with setup.begin() as session:
        put_on_segment(session, make_company(session, "C1"))
    with pytest.raises(Conflict) as raised:
        contacts.delete_contact(setup, "C1")
    assert raised.value.message == (
        "You cannot delete the Contact record of the C1 because the contact is assigned one or "
        "more unlogged segments."
    )
    assert count(setup, t.Contact) == 1


def test_k1_lines_removed_from_a_segment_do_not_guard_and_go_with_the_contact(setup):
    with setup.begin() as session:
        acme = make_company(session, "C1")
        make_company(session, "C2")
        person = make_person(session, "P1", company=acme)
        put_on_segment(session, person, removed_action=2)
    assert (
        contacts.edit_contact(setup, "P1", fields={"company_no": "C2"}, by="tester").company_no
        == "C2"
    )
    contacts.delete_contact(setup, "P1")
    assert count(setup, t.SegmentLine) == 0
    assert count(setup, t.SegmentHeader) == 1


# --- Delete ------------------------------------------------------------------------------


def test_k1_deleting_a_contact_deletes_what_is_kept_about_it(setup):
    with setup.begin() as session:
        acme = make_company(session, "C1")
        person = make_person(session, "P1", company=acme)
        link(session, t.ContactMailingGroup, person, "NEWS")
        link(session, t.ContactJobResponsibility, person, "BUYER")
        link(session, t.ContactWebSource, person, "LINKEDIN", search_word="jo")
        session.add(t.ContactAltAddress(contact_id=person.id, code="HOME", city="Gent"))
        session.add(t.ContactOptOut(contact_id=person.id, correspondence_type="email"))
    contacts.delete_contact(setup, "p1")
    for model in (
        t.ContactMailingGroup,
        t.ContactJobResponsibility,
        t.ContactWebSource,
        t.ContactAltAddress,
        t.ContactOptOut,
    ):
        assert count(setup, model) == 0
    assert [c.no for c in contacts.get_all(setup)] == ["C1"]
    assert count(setup, t.MailingGroup) == 1  # the code itself stays
    with pytest.raises(NotFound):
        contacts.get(setup, "P1")


def test_k1_a_company_with_persons_cannot_be_deleted(setup):
    with setup.begin() as session:
        make_person(session, "P1", company=make_company(session, "C1"))
    with pytest.raises(Conflict, match="has persons"):
        contacts.delete_contact(setup, "C1")
    contacts.delete_contact(setup, "P1")
    contacts.delete_contact(setup, "C1")
    assert count(setup, t.Contact) == 0


def test_k1_a_contact_with_interactions_cannot_be_deleted(setup):
    with setup.begin() as session:
        acme = make_company(session, "C1")
        session.add(t.InteractionLogEntry(entry_no=1, contact_id=acme.id, date=dt.date.today()))
    with pytest.raises(Conflict, match="interaction log entries"):
        contacts.delete_contact(setup, "C1")


def test_k1_deleting_an_unknown_contact_is_not_found(setup):
    with pytest.raises(NotFound, match=r"The Contact does not exist\. .*No\.='X'"):
        contacts.delete_contact(setup, "x")


# --- Read and list -----------------------------------------------------------------------


def test_k1_k2_the_card_shows_assignments_addresses_and_recent_interactions(setup):
    with setup.begin() as session:
        acme = make_company(session, "C1")
        person = make_person(session, "P1", company=acme)
        link(session, t.ContactIndustryGroup, acme, "RETAIL")
        link(
            session,
            t.ContactBusinessRelation,
            acme,
            "CUST",
            link_to_table="customer",
            link_no="10000",
        )
        link(session, t.ContactMailingGroup, person, "NEWS")
        session.add(t.ContactAltAddress(contact_id=person.id, code="HOME", city="Gent"))
        for entry in range(1, 13):
            session.add(
                t.InteractionLogEntry(
                    entry_no=entry, contact_id=person.id, date=dt.date(2026, 1, entry)
                )
            )
    card = contacts.get(setup, "P1")
    assert [g.code for g in card.mailing_groups] == ["NEWS"]
    # A person shows the industry groups and business relations of its company.
    assert [g.code for g in card.industry_groups] == ["RETAIL"]
    assert card.business_relations[0].values == {"link_to_table": "customer", "link_no": "10000"}
    assert [a.city for a in card.alt_addresses] == ["Gent"]
    assert [i.entry_no for i in card.recent_interactions] == list(range(12, 2, -1))
    company_card = contacts.get(setup, "C1")
    assert company_card.mailing_groups == ()
    assert [g.code for g in company_card.industry_groups] == ["RETAIL"]


def test_k1_get_all_streams_in_no_order_with_a_limit(setup):
    with setup.begin() as session:
        for no in ("C3", "C1", "C2"):
            make_company(session, no)
    assert [c.no for c in contacts.get_all(setup)] == ["C1", "C2", "C3"]
    assert [c.no for c in contacts.get_all(setup, limit=2)] == ["C1", "C2"]
    assert list(contacts.get_all(setup, limit=0)) == []
    with pytest.raises(Invalid):
        contacts.get_all(setup, limit=-1)


def test_k1_get_all_takes_a_compiled_condition(setup):
    with setup.begin() as session:
        make_company(session, "C1", country="BE")
        make_company(session, "C2", country="NL")
    condition = contacts.contacts.c.country == "NL"
    assert [c.no for c in contacts.get_all(setup, condition=condition)] == ["C2"]


def test_k1_get_all_selects_with_the_criteria_language(setup):
    with setup.begin() as session:
        acme = make_company(session, "C1", country="BE")
        make_company(session, "C2", country="NL")
        make_person(session, "P1", company=acme, country="BE")
        link(session, t.ContactIndustryGroup, acme, "RETAIL")
    assert [c.no for c in contacts.get_all(setup, where="country = BE")] == ["C1", "P1"]
    assert [c.no for c in contacts.get_all(setup, where="type = person and country = be")] == ["P1"]
    # Persons inherit their company's industry groups (SPEC §5).
    assert [c.no for c in contacts.get_all(setup, where="industry_group = RETAIL")] == [
        "C1",
        "P1",
    ]
    assert [c.no for c in contacts.get_all(setup, where="country = BE", limit=1)] == ["C1"]


def test_k1_bad_criteria_are_invalid_before_anything_is_read(setup):
    with pytest.raises(Invalid, match="did you mean 'country'"):
        contacts.get_all(setup, where="contry = BE")


def test_k1_an_unknown_field_is_refused_with_the_nearest_known_one(setup):
    contacts.add_contact(setup, fields={"no": "C1", "name": "Acme"})
    with pytest.raises(Invalid) as refused:
        contacts.edit_contact(setup, "C1", fields={"Cuntry": "BE"}, by="tester")
    assert refused.value.message == "unknown contact field 'Cuntry' — did you mean 'country'?"
    assert contacts.get(setup, "C1").country == ""

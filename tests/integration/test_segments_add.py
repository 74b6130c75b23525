"""Creating segments and adding contacts (S1, S3, S6, S11, X2), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, update

from rapport.errors import Invalid, NotFound
from rapport.services.segments import header as segments
from rapport.services.segments._lines import FEW_RANGES
from rapport.services.segments.actions import AddOptions, add_contacts
from rapport.storage import schema
from rapport.storage import tables as t


def new_segment(sessions, **values):
    pairs = list(values.items())
    return segments.create_segment(
        sessions, description="Spring mailing", user="ADMIN", values=pairs
    ).no


def members(sessions, no):
    return [line.contact_no for line in segments.get_lines(sessions, no)]


def test_s1_create_numbers_from_the_series_dates_today_and_takes_the_users_salesperson(world):
    first = new_segment(world)
    second = new_segment(world)
    assert (first, second) == ("SEG00001", "SEG00002")
    header = segments.get(world, first)
    assert header.date == dt.date.today()
    assert header.salesperson_code == "JO"
    assert (header.no_of_lines, header.no_of_criteria_actions) == (0, 0)


def test_s1_create_with_a_template_copies_its_defaults_and_language_variants(world):
    no = new_segment(world, interaction_template_code="ABSTRACT")
    header = segments.get(world, no)
    assert header.interaction_group_code == "LETTER"
    assert (header.unit_cost, header.unit_duration) == (2, 5)
    assert header.correspondence_type_default == "email"
    assert header.language_code_default == "ENU"
    with world.begin() as session:
        languages = session.scalars(select(t.SegmentInteractionLanguage.language_code)).all()
    assert sorted(languages) == ["ENU", "NLB"]


def test_s1_create_rejects_unknown_codes_and_changes_nothing(world):
    with pytest.raises(NotFound, match="Interaction Template does not exist"):
        new_segment(world, interaction_template_code="NOPE")
    assert segments.get_all(world) == []


def test_s3_add_contacts_by_criteria_orders_and_numbers_lines(world):
    no = new_segment(world)
    result = add_contacts(world, no, criteria="country = BE", user="ADMIN")
    assert (result.action_no, result.added, result.no_of_lines) == (1, 5, 5)
    lines = list(segments.get_lines(world, no))
    # S11: company name, company no., company before person, name; persons without a
    # company (blank company name) come first; the company GAMMA is excluded, its person
    # P5 is not.
    assert [line.contact_no for line in lines] == ["P6", "ACME", "P1", "P2", "P5"]
    assert [line.line_no for line in lines] == [10000, 20000, 30000, 40000, 50000]


def test_s11_numbering_continues_past_32_bit_line_numbers(world):
    """S11, X10: line numbers step by 10,000, so a segment of 214,749 lines or more has
    numbers past 2**31; an add to it numbers on from its highest one (a dynamic segment's
    refresh of a 500,000-line segment on PostgreSQL failed with "integer out of range")."""
    no = new_segment(world)
    add_contacts(world, no, criteria="no = ACME", user="ADMIN")
    top = 5_000_000_000
    with world.begin() as session:
        session.execute(update(t.SegmentLine).values(line_no=top))
    result = add_contacts(world, no, criteria="country = BE", user="ADMIN")
    assert result.added == 4
    numbers = [line.line_no for line in segments.get_lines(world, no)]
    assert numbers == [top, top + 10000, top + 20000, top + 30000, top + 40000]


def test_s3_no_duplicates_unless_allow_existing(world):
    no = new_segment(world)
    add_contacts(world, no, criteria="no = ACME", user="ADMIN")
    again = add_contacts(world, no, criteria="type = company", user="ADMIN")
    assert again.added == 1  # BETA; ACME is there, GAMMA excluded
    dup = add_contacts(
        world, no, criteria="no = ACME", user="ADMIN", options=AddOptions(allow_existing=True)
    )
    assert dup.added == 1
    assert members(world, no).count("ACME") == 2


def test_s3_expand_companies_pulls_the_whole_company_then_applies_exclusion(world):
    no = new_segment(world)
    result = add_contacts(
        world, no, criteria="no = P3", user="ADMIN", options=AddOptions(expand_companies=True)
    )
    assert sorted(members(world, no)) == ["BETA", "P3"]  # P4 Dee is excluded
    assert result.added == 2


def test_s3_ignore_exclusion_adds_excluded_contacts(world):
    no = new_segment(world)
    add_contacts(
        world,
        no,
        criteria="no = P3",
        user="ADMIN",
        options=AddOptions(expand_companies=True, ignore_exclusion=True),
    )
    assert sorted(members(world, no)) == ["BETA", "P3", "P4"]


def test_s3_related_companies_brings_the_company_of_a_selected_person(world):
    no = new_segment(world)
    add_contacts(
        world,
        no,
        criteria="job_responsibility = PURCHASE",
        user="ADMIN",
        options=AddOptions(related_companies=True),
    )
    # GAMMA is excluded: exclusion applies after expansion (reference §2.5).
    assert sorted(members(world, no)) == ["ACME", "BETA", "P1", "P3", "P5", "P6"]


def test_x7_privacy_blocked_contacts_are_never_added(world):
    with world.begin() as session:
        session.execute(
            t.Contact.__table__.update().where(t.Contact.no == "P2").values(privacy_blocked=True)
        )
    no = new_segment(world)
    add_contacts(world, no, criteria="company_no = ACME", user="ADMIN")
    assert sorted(members(world, no)) == ["ACME", "P1"]


def test_x7_a_contact_opted_out_of_the_lines_correspondence_type_is_not_added(world):
    with world.begin() as session:
        acme_id = session.scalar(select(t.Contact.id).where(t.Contact.no == "ACME"))
        session.add(t.ContactOptOut(contact_id=acme_id, correspondence_type="email"))
    no = new_segment(world)
    add_contacts(world, no, criteria="company_no = ACME", user="ADMIN")
    assert sorted(members(world, no)) == ["P1", "P2"]


def test_s6_line_defaults_follow_the_header_and_the_contact(world):
    no = new_segment(world, interaction_template_code="ABSTRACT")
    add_contacts(world, no, criteria="company_no = ACME or no = P6", user="ADMIN")
    lines = {line.contact_no: line for line in segments.get_lines(world, no)}
    # salesperson: the header's (the user's, JO) overrides the contact's
    assert {line.salesperson_code for line in lines.values()} == {"JO"}
    # correspondence type: the contact's own type, else the template default
    assert lines["P1"].correspondence_type == "hard_copy"
    assert lines["P2"].correspondence_type == "email"
    # language: the contact's when the segment has a variant for it, else the default
    assert lines["ACME"].language_code == "NLB"
    assert lines["P1"].language_code == "ENU"  # FRB has no variant
    assert lines["P1"].attachment_no != lines["ACME"].attachment_no
    assert lines["P1"].interaction_template_code == "ABSTRACT"
    assert (lines["P1"].cost, lines["P1"].duration) == (2, 5)
    assert lines["P1"].contact_company_no == "ACME"
    assert lines["P6"].contact_company_no == ""


def test_s6_without_a_header_salesperson_the_contacts_own_is_used(world):
    no = new_segment(world)
    segments.set_header(world, no, values=[("salesperson_code", "")])
    add_contacts(world, no, criteria="no in (ACME, P6, P2)", user="ADMIN")
    lines = {line.contact_no: line.salesperson_code for line in segments.get_lines(world, no)}
    assert lines == {"ACME": "KIM", "P6": "JO", "P2": ""}


def test_s6_the_active_alternate_address_with_few_and_with_many_dated_ranges(world):
    """S6: the line gets the address whose range holds the segment's date, the latest
    starting one when several do; the same whether the ranges are few (only contacts with a
    range look theirs up) or more than FEW_RANGES (every line looks up)."""
    today = dt.date.today()
    with world.begin() as session:
        ids = dict(session.execute(select(t.Contact.no, t.Contact.id)).all())

        def ranges(no: str, *spans: tuple[int, int | None, str]) -> None:
            for start, end, code in spans:
                session.add(
                    t.ContactAltAddressDateRange(
                        contact_id=ids[no],
                        starting_date=today + dt.timedelta(days=start),
                        ending_date=None if end is None else today + dt.timedelta(days=end),
                        contact_alt_address_code=code,
                    )
                )

        ranges("P1", (-10, None, "OLD"), (-1, None, "HOME"), (1, None, "NEXT"))
        ranges("P2", (-5, -1, "GONE"))
    expected = {"ACME": "", "P1": "HOME", "P2": ""}

    def codes() -> dict[str, str]:
        no = new_segment(world)
        add_contacts(world, no, criteria="company_no = ACME", user="ADMIN")
        return {
            line.contact_no: line.contact_alt_address_code for line in segments.get_lines(world, no)
        }

    assert codes() == expected
    with world.begin() as session:  # ACME's past ranges, one more than FEW_RANGES
        past = today - dt.timedelta(days=FEW_RANGES + 100)
        session.execute(
            insert(schema.contact_alt_address_date_ranges),
            [
                {
                    "contact_id": ids["ACME"],
                    "starting_date": past + dt.timedelta(days=day),
                    "ending_date": past + dt.timedelta(days=day),
                    "contact_alt_address_code": "PAST",
                }
                for day in range(FEW_RANGES + 1)
            ],
        )
    assert codes() == expected


def test_x2_preview_counts_exactly_and_changes_nothing(world):
    no = new_segment(world)
    add_contacts(world, no, criteria="no = ACME", user="ADMIN")
    preview = add_contacts(world, no, criteria="country = BE", user="ADMIN", preview=True)
    assert preview.preview
    assert [row.no for row in preview.sample] == ["P6", "P1", "P2", "P5"]
    header = segments.get(world, no)
    assert (header.no_of_lines, header.no_of_criteria_actions) == (1, 1)
    actual = add_contacts(world, no, criteria="country = BE", user="ADMIN")
    assert (preview.added, preview.action_no) == (actual.added, actual.action_no)
    assert preview.no_of_lines == actual.no_of_lines


def test_s3_bad_criteria_are_an_error_that_changes_nothing(world):
    no = new_segment(world)
    with pytest.raises(Invalid, match="contry"):
        add_contacts(world, no, criteria="contry = BE", user="ADMIN")
    assert segments.get(world, no).no_of_criteria_actions == 0


def test_s7_an_action_is_recorded_even_when_it_adds_nothing(world):
    no = new_segment(world)
    result = add_contacts(world, no, criteria="name = Nobody", user="ADMIN")
    assert (result.added, result.action_no) == (0, 1)
    assert segments.get(world, no).no_of_criteria_actions == 1


def test_an_unknown_segment_is_not_found(world):
    with pytest.raises(NotFound, match="SEG09999"):
        add_contacts(world, "SEG09999", criteria="country = BE", user="ADMIN")

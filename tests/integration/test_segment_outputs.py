"""A segment's contacts as a mailing group (S12), an export (S13), opportunities and tasks
(S14), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from rapport.errors import Invalid, NotFound
from rapport.services.segments import followup
from rapport.services.segments import outputs as segment_outputs
from rapport.services.segments.outputs import EXPORT_COLUMNS
from rapport.storage import tables as t
from tests.factories import (
    link,
    make_code,
    make_company,
    make_person,
    make_salesperson,
    make_segment,
)


@pytest.fixture
def world(sessions):
    """SEG00001: lines for Acme, Ann, Bob (twice), a line without contact and a removed line
    for Cas; Zed is on no segment but in mailing group NEWS, as is Ann."""
    with sessions.begin() as session:
        make_salesperson(session, "JO", "Jo Smith")
        acme = make_company(session, "ACME", "Acme", city="Gent", email="info@acme.test")
        ann = make_person(
            session,
            "P1",
            "Ann",
            company=acme,
            email="ann@acme.test",
            job_title="Buyer",
            excluded=True,
        )
        bob = make_person(session, "P2", "Bob", company=acme)
        cas = make_person(session, "P3", "Cas", company=acme)
        zed = make_person(session, "P9", "Zed")
        link(session, t.ContactMailingGroup, ann, "NEWS")
        link(session, t.ContactMailingGroup, zed, "NEWS")
        make_code(session, t.MailingGroup, "XMAS")
        session.add(t.SalesCycle(code="NEW", description="New business"))
        session.add(t.SalesCycle(code="OLD", description="Old", blocked=True))
        make_segment(
            session,
            "SEG00001",
            description="Spring mailing",
            salesperson_code="JO",
            campaign_no="CP1",
            lines=[
                {"contact": acme},
                {"contact": ann},
                {"contact": bob},
                {"contact": None},
                {"contact": cas, "removed_action": 2},
                {"contact": bob, "description": "Second line"},
            ],
        )
        make_segment(session, "SEG00002", description="Empty")
    return sessions


def members(sessions, code: str) -> list[str]:
    with sessions.begin() as session:
        return sorted(
            session.scalars(
                select(t.Contact.no)
                .join(t.ContactMailingGroup, t.ContactMailingGroup.contact_id == t.Contact.id)
                .where(t.ContactMailingGroup.mailing_group_code == code)
            )
        )


def test_s12_apply_mailing_group_adds_the_segment_contacts_and_keeps_other_members(world):
    result = segment_outputs.apply_mailing_group(world, "seg00001", code="news")
    assert result.message == "Mailing Group NEWS is now applied to Segment SEG00001."
    assert (result.added, result.removed) == (2, 0)  # ACME and Bob; Ann had it already
    assert members(world, "NEWS") == ["ACME", "P1", "P2", "P9"]


def test_s12_apply_mailing_group_with_replace_first_removes_every_member(world):
    result = segment_outputs.apply_mailing_group(world, "SEG00001", code="NEWS", replace=True)
    assert (result.added, result.removed) == (3, 2)
    assert members(world, "NEWS") == ["ACME", "P1", "P2"]


@pytest.mark.parametrize(
    ("code", "error", "said"),
    [
        ("", Invalid, r"Specify a Mailing Group Code\."),
        ("NOPE", NotFound, r"The Mailing Group does not exist\. .*Code='NOPE'"),
    ],
)
def test_s12_apply_mailing_group_needs_an_existing_code(world, code, error, said):
    with pytest.raises(error, match=said) as caught:
        segment_outputs.apply_mailing_group(world, "SEG00001", code=code, replace=True)
    assert caught.value.field == "code"
    assert members(world, "NEWS") == ["P1", "P9"]


def test_s13_export_csv_has_the_contact_columns_and_a_row_per_line(world, tmp_path):
    path = tmp_path / "spring.csv"
    result = segment_outputs.export_contacts(world, "SEG00001", path=path)
    assert result.rows == 4
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert rows[0][:4] == ["no", "name", "address", "county"]
    assert [row[0] for row in rows[1:]] == ["ACME", "P1", "P2", "P2"]
    ann = dict(zip(rows[0], rows[2], strict=True))
    assert (ann["name"], ann["type"], ann["company_no"], ann["company_name"]) == (
        "Ann",
        "person",
        "ACME",
        "Acme",
    )
    assert (ann["email"], ann["job_title"], ann["excluded"]) == ("ann@acme.test", "Buyer", "true")


def test_s13_export_xlsx_has_the_same_columns_and_rows(world, tmp_path):
    path = tmp_path / "spring.xlsx"
    segment_outputs.export_contacts(world, "SEG00001", path=path)
    book = load_workbook(path, read_only=True)
    try:
        rows = [[cell or "" for cell in row] for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()
    assert rows[0] == list(EXPORT_COLUMNS)
    assert [row[0] for row in rows[1:]] == ["ACME", "P1", "P2", "P2"]
    assert rows[1][EXPORT_COLUMNS.index("city")] == "Gent"


def test_s13_k4_an_empty_field_writes_no_cell_and_reads_back_empty(world, tmp_path):
    """A blank field is no cell at all in the sheet (an empty cell a field would double the
    workbook's size and writing time), and it reads back as an empty text."""
    path = tmp_path / "spring.xlsx"
    segment_outputs.export_contacts(world, "SEG00001", path=path)
    with zipfile.ZipFile(path) as workbook:
        xml = workbook.read("xl/worksheets/sheet1.xml")
    sheet = ElementTree.fromstring(xml)  # noqa: S314 (the file the product just wrote)
    cell = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}c"
    rows = sheet.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}row")
    header, acme = ([c.get("r") for c in row.iter(cell)] for row in list(rows)[:2])
    column_of = {name: ref.rstrip("1") for name, ref in zip(EXPORT_COLUMNS, header, strict=True)}
    assert f"{column_of['city']}2" in acme
    assert f"{column_of['job_title']}2" not in acme  # a company has no job title
    book = load_workbook(path, read_only=True)
    try:
        values = next(book.active.iter_rows(min_row=2, max_row=2, values_only=True))
    finally:
        book.close()
    assert values[EXPORT_COLUMNS.index("job_title")] is None


def test_s13_export_refuses_other_extensions_and_unknown_segments(world, tmp_path):
    with pytest.raises(Invalid, match=r"expected a \.csv or \.xlsx file"):
        segment_outputs.export_contacts(world, "SEG00001", path=tmp_path / "x.txt")
    with pytest.raises(NotFound, match=r"The Segment does not exist\. .*No\.='SEG00042'"):
        segment_outputs.export_contacts(world, "SEG00042", path=tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_s14_an_opportunity_per_line_with_a_contact_numbered_from_the_series(world):
    result = followup.create_opportunities(world, "SEG00001", sales_cycle_code="new")
    assert (result.created, result.first_no, result.last_no) == (4, "OP00001", "OP00004")
    rows = followup.get_opportunities(world)
    assert [(o.no, o.contact_no) for o in rows] == [
        ("OP00001", "ACME"),
        ("OP00002", "P1"),
        ("OP00003", "P2"),
        ("OP00004", "P2"),
    ]
    first = rows[0]
    assert (first.segment_no, first.segment_description, first.description) == (
        "SEG00001",
        "Spring mailing",
        "Spring mailing",
    )
    assert (first.sales_cycle_code, first.salesperson_code, first.campaign_no) == (
        "NEW",
        "JO",
        "CP1",
    )
    assert (first.creation_date, first.contact_company_no, first.status) == (
        dt.date.today(),
        "ACME",
        "not_started",
    )
    assert rows[3].description == "Second line"
    again = followup.create_opportunities(
        world, "SEG00001", sales_cycle_code="NEW", description="Follow-up call"
    )
    assert (again.first_no, again.last_no) == ("OP00005", "OP00008")
    assert {
        o.description
        for o in followup.get_opportunities(world, segment_no="SEG00001")
        if o.no >= "OP00005"
    } == {"Follow-up call"}


def test_s14_opportunities_need_an_open_sales_cycle_and_a_non_empty_segment(world):
    with pytest.raises(Invalid, match="Sales Cycle Code must have a value"):
        followup.create_opportunities(world, "SEG00001")
    with pytest.raises(NotFound, match=r"The Sales Cycle does not exist\. .*Code='NOPE'"):
        followup.create_opportunities(world, "SEG00001", sales_cycle_code="NOPE")
    with pytest.raises(Invalid, match="Sales Cycle OLD is blocked"):
        followup.create_opportunities(world, "SEG00001", sales_cycle_code="OLD")
    with pytest.raises(Invalid, match="You cannot create opportunities on an empty segment"):
        followup.create_opportunities(world, "SEG00002", sales_cycle_code="NEW")
    assert followup.get_opportunities(world) == []
    assert followup.create_opportunities(world, "SEG00001", sales_cycle_code="NEW").first_no == (
        "OP00001"
    )


def test_s14_a_task_per_line_with_a_contact_with_its_attendees(world):
    result = followup.create_tasks(
        world, "SEG00001", type="meeting", date=dt.date(2026, 4, 1), description="Spring visit"
    )
    assert (result.created, result.first_no, result.last_no) == (4, "TD00001", "TD00004")
    tasks = followup.get_tasks(world, segment_no="SEG00001")
    assert [(task.no, task.contact_no) for task in tasks] == [
        ("TD00001", "ACME"),
        ("TD00002", "P1"),
        ("TD00003", "P2"),
        ("TD00004", "P2"),
    ]
    ann = tasks[1]
    assert (ann.type, ann.date, ann.description, ann.salesperson_code) == (
        "meeting",
        dt.date(2026, 4, 1),
        "Spring visit",
        "JO",
    )
    assert (ann.organizer_task_no, ann.system_task_type, ann.segment_no) == (
        "TD00002",
        "organizer",
        "SEG00001",
    )
    with world.begin() as session:
        attendees = session.execute(
            select(
                t.TaskAttendee.attendee_type,
                t.TaskAttendee.attendee_no,
                t.TaskAttendee.send_invitation,
            )
            .where(t.TaskAttendee.task_no == "TD00002")
            .order_by(t.TaskAttendee.line_no)
        ).all()
    assert [tuple(a) for a in attendees] == [("salesperson", "JO", False), ("contact", "P1", True)]


def test_s14_tasks_check_type_description_and_salesperson(world):
    date = dt.date(2026, 4, 1)
    with pytest.raises(Invalid, match="type must be one of"):
        followup.create_tasks(world, "SEG00001", type="party", date=date, description="x")
    with pytest.raises(Invalid, match="Description"):
        followup.create_tasks(world, "SEG00001", type="meeting", date=date, description=" ")
    with pytest.raises(NotFound, match=r"The Salesperson/Purchaser does not exist\. .*Code='NOPE'"):
        followup.create_tasks(
            world, "SEG00001", type="meeting", date=date, description="x", salesperson_code="nope"
        )
    with pytest.raises(Invalid, match="empty segment"):
        followup.create_tasks(
            world, "SEG00002", type="", date=date, description="x", salesperson_code="JO"
        )
    assert followup.get_tasks(world) == []


def test_s14_a_description_longer_than_its_field_is_refused_and_nothing_is_created(world):
    """PostgreSQL refused the insert (a 500 on the card, found by test_forms_fuzz.py) and
    SQLite kept the text whole."""
    long = "x" * 101
    with pytest.raises(Invalid, match="is longer than 100 characters") as refused:
        followup.create_tasks(world, "SEG00001", type="", date="2026-04-01", description=long)
    assert refused.value.field == "description"
    with pytest.raises(Invalid, match="is longer than 100 characters") as refused:
        followup.create_opportunities(world, "SEG00001", sales_cycle_code="NEW", description=long)
    assert refused.value.field == "description"
    assert (followup.get_tasks(world), followup.get_opportunities(world)) == ([], [])


def test_s13_export_reports_its_progress_and_streams_the_same_rows_as_lines(world, tmp_path):
    """S13 (issue 12 item 7): `on_progress` follows the rows written, from 0 to the lines
    with a contact (the CLI's bar and the export job show it); `export_lines` streams the
    same CSV text."""
    reported = []
    path = tmp_path / "spring.csv"
    segment_outputs.export_contacts(
        world, "SEG00001", path=path, on_progress=lambda done, total: reported.append((done, total))
    )
    assert reported[0] == (0, 4)
    assert reported[-1] == (4, 4)
    streamed = segment_outputs.export_lines(world, "seg00001")
    assert streamed.segment_no == "SEG00001"
    assert "".join(streamed.lines) == path.read_text(encoding="utf-8")

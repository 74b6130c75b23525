"""A small world for the K4 import/export tests, and files written from rows of cells."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from rapport.services.transfer.tables import TABLES
from rapport.storage import tables as t
from tests.factories import make_code, make_company, make_person, make_salesperson


def build_world(session) -> None:
    """Codes, one company C1 with one person P1, a template, a questionnaire, a campaign."""
    for model, code in [
        (t.Country, "BE"),
        (t.Language, "NLB"),
        (t.Territory, "FL"),
        (t.IndustryGroup, "RETAIL"),
        (t.MailingGroup, "NEWS"),
        (t.JobResponsibility, "PURCH"),
        (t.BusinessRelation, "CUST"),
        (t.WebSource, "LINKEDIN"),
        (t.InteractionGroup, "LETTER"),
        (t.OrganizationalLevel, "MGMT"),
        (t.Salutation, "FORMAL"),
        (t.CampaignStatus, "PLAN"),
        (t.SalesCycle, "NEW"),
    ]:
        make_code(session, model, code)
    make_salesperson(session, "JO", "John")
    company = make_company(session, "C1", "Acme")
    make_person(session, "P1", "Ann", company=company)
    session.add(
        t.InteractionTemplate(code="ABSTR", interaction_group_code="LETTER", description="Abstract")
    )
    session.add(t.ProfileQuestionnaire(code="CUSTOMER", description="Customer"))
    session.flush()
    session.add_all(
        [
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CUSTOMER",
                line_no=10,
                type="question",
                description="Size",
            ),
            t.ProfileQuestionnaireLine(
                profile_questionnaire_code="CUSTOMER",
                line_no=20,
                type="answer",
                description="Large",
            ),
            t.Campaign(no="CP1", description="Spring"),
        ]
    )
    session.flush()


def write_file(path: Path, rows: list[list[str]]) -> Path:
    """Rows of cells (the first one the header) as CSV or XLSX by the path's extension."""
    if path.suffix == ".xlsx":
        book = Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        book.save(path)
    else:
        with path.open("w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(rows)
    return path


def from_dicts(path: Path, records: list[dict[str, str]]) -> Path:
    header = list(dict.fromkeys(k for r in records for k in r))
    return write_file(path, [header, *([r.get(h, "") for h in header] for r in records)])


def count(sessions, table: str) -> int:
    with sessions.begin() as session:
        return session.execute(select(func.count()).select_from(TABLES[table].table)).scalar_one()


# One sample row per table, in a file's spelling (codes in any case, booleans as yes/1), with
# what export writes back for the cells that are normalised.
SAMPLES: dict[str, list[dict[str, str]]] = {
    "contacts": [
        {
            "no": "c9",
            "type": "Company",
            "name": "Nine",
            "country": "be",
            "excluded": "yes",
            "created": "2026-02-03",
            "correspondence_type": "hard_copy",
            "salesperson": "jo",
        },
        {
            "no": "P9",
            "type": "person",
            "name": "Ann Nine",
            "company_no": "C9",
            "language": "NLB",
            "organizational_level": "MGMT",
            "salutation": "FORMAL",
            "territory": "FL",
            "excluded": "0",
        },
    ],
    "salespeople": [{"code": "ab", "name": "Anne", "email": "anne@example.com", "blocked": "1"}],
    "contact_industry_groups": [{"contact_no": "C1", "industry_group_code": "retail"}],
    "contact_mailing_groups": [{"contact_no": "p1", "mailing_group_code": "NEWS"}],
    "contact_job_responsibilities": [{"contact_no": "P1", "job_responsibility_code": "PURCH"}],
    "contact_business_relations": [
        {
            "contact_no": "C1",
            "business_relation_code": "CUST",
            "link_to_table": "customer",
            "link_no": "10000",
        }
    ],
    "contact_web_sources": [
        {"contact_no": "C1", "web_source_code": "LINKEDIN", "search_word": "acme"}
    ],
    "contact_opt_outs": [{"contact_no": "P1", "correspondence_type": "email"}],
    "contact_alt_addresses": [
        {"contact_no": "C1", "code": "home", "city": "Gent", "country": "BE"}
    ],
    "profile_questionnaires": [{"code": "PQ2", "description": "Second", "contact_type": "people"}],
    "profile_questionnaire_lines": [
        {
            "profile_questionnaire_code": "CUSTOMER",
            "line_no": "30",
            "type": "answer",
            "description": "Small",
            "from_value": "1.5",
            "to_value": "2",
        }
    ],
    "ratings": [
        {
            "profile_questionnaire_code": "CUSTOMER",
            "profile_question_line_no": "10",
            "rating_profile_questionnaire_code": "CUSTOMER",
            "rating_profile_question_line_no": "20",
            "points": "2.5",
        }
    ],
    "contact_profile_answers": [
        {
            "contact_no": "P1",
            "profile_questionnaire_code": "CUSTOMER",
            "line_no": "20",
            "last_date_updated": "2026-01-05",
        }
    ],
    "interaction_templates": [
        {
            "code": "T2",
            "interaction_group_code": "letter",
            "description": "Second",
            "unit_cost": "2.50",
            "unit_duration": "3",
            "information_flow": "outbound",
            "initiated_by": "us",
            "correspondence_type_default": "hard_copy",
        }
    ],
    "interaction_log_entries": [
        {
            "entry_no": "1",
            "contact_no": "P1",
            "date": "2026-01-02",
            "time_of_interaction": "10:30:00",
            "interaction_template_code": "ABSTR",
            "description": "Called",
            "canceled": "true",
            "cost": "1.25",
            "evaluation": "positive",
            "campaign_no": "CP1",
        }
    ],
    "campaigns": [
        {
            "no": "CP2",
            "description": "Autumn",
            "starting_date": "2026-09-01",
            "ending_date": "2026-10-01",
            "status_code": "PLAN",
            "salesperson_code": "JO",
        }
    ],
    "sales_cycles": [{"code": "LONG", "description": "Long", "blocked": "true"}],
    "salutation_formulas": [
        {"salutation_code": "formal", "language_code": "nlb", "formal_greeting": "Geachte"},
        {"salutation_code": "FORMAL", "language_code": "", "formal_greeting": "Dear"},
    ],
}
for _name in ("languages", "countries", "territories"):
    SAMPLES[_name] = [{"code": "xx", "name": "Xanadu"}]
for _name in (
    "industry_groups",
    "mailing_groups",
    "job_responsibilities",
    "business_relations",
    "interaction_groups",
    "web_sources",
    "organizational_levels",
    "salutations",
    "campaign_statuses",
):
    SAMPLES[_name] = [{"code": "New", "description": "A new one"}]

# Import order for a whole-database round trip: each table after those it refers to.
ORDER = [
    "languages",
    "countries",
    "territories",
    "salespeople",
    "industry_groups",
    "mailing_groups",
    "job_responsibilities",
    "business_relations",
    "interaction_groups",
    "web_sources",
    "organizational_levels",
    "salutations",
    "salutation_formulas",
    "campaign_statuses",
    "sales_cycles",
    "contacts",
    "contact_industry_groups",
    "contact_mailing_groups",
    "contact_job_responsibilities",
    "contact_business_relations",
    "contact_web_sources",
    "contact_opt_outs",
    "contact_alt_addresses",
    "profile_questionnaires",
    "profile_questionnaire_lines",
    "ratings",
    "contact_profile_answers",
    "interaction_templates",
    "campaigns",
    "interaction_log_entries",
]

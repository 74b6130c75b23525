"""The fixed setup of the demo company: codes, salespeople, templates, campaigns.

Everything here is constant data (no randomness); `rapport.demo.company` loads it and adds
the generated contacts. Codes follow SPEC §2 and the examples of SPEC §5, so the criteria
examples of the documentation work on the demo as written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

# All dates of the demo are relative to this fixed day, so its output is deterministic.
REFERENCE_DATE = dt.date(2026, 11, 1)
REFERENCE_TIME = dt.datetime(2026, 11, 1, 9, 0, 0)

Row = dict[str, Any]


def rows(keys: str, *values: tuple[Any, ...]) -> list[Row]:
    """Dicts from a space-separated key list and value tuples (a compact table notation)."""
    names = keys.split()
    return [dict(zip(names, value, strict=True)) for value in values]


LANGUAGES = rows(
    "code name",
    ("ENU", "English (United States)"),
    ("NLB", "Dutch (Belgium)"),
    ("FRB", "French (Belgium)"),
    ("DEU", "German (Germany)"),
)

COUNTRIES = rows(
    "code name",
    ("BE", "Belgium"),
    ("NL", "Netherlands"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("LU", "Luxembourg"),
)

TERRITORIES = rows(
    "code name",
    ("BENELUX", "Belgium, the Netherlands, Luxembourg"),
    ("FRANCE", "France"),
    ("DACH", "Germany, Austria, Switzerland"),
    ("UKI", "United Kingdom and Ireland"),
    ("AMER", "The Americas"),
)

TERRITORY_OF = {
    "BE": "BENELUX",
    "NL": "BENELUX",
    "LU": "BENELUX",
    "FR": "FRANCE",
    "DE": "DACH",
    "GB": "UKI",
    "US": "AMER",
}

SALESPEOPLE = rows(
    "code name email",
    ("JO", "Jim Olive", "jim.olive@rapport-demo.example"),
    ("PS", "Peter Saddow", "peter.saddow@rapport-demo.example"),
    ("AH", "Annette Hill", "annette.hill@rapport-demo.example"),
    ("RB", "Robin Bettencourt", "robin.bettencourt@rapport-demo.example"),
    ("LM", "Lina Maes", "lina.maes@rapport-demo.example"),
)

# Which salespeople look after which countries (the first one gets most contacts).
SALESPEOPLE_OF = {
    "BE": ("LM", "JO"),
    "NL": ("JO", "LM"),
    "LU": ("LM",),
    "FR": ("RB", "PS"),
    "DE": ("PS", "AH"),
    "GB": ("AH", "PS"),
    "US": ("AH",),
}

# Every demo user signs in with this password (README, `make run`); a real database's users
# get theirs from `rapport user add … --password-stdin`.
DEMO_PASSWORD = "rapport-demo"  # noqa: S105 (published demo password)

USERS = rows(
    "name full_name salesperson_code role",
    ("admin", "Administrator", "", "admin"),
    ("jim", "Jim Olive", "JO", "marketer"),
    ("peter", "Peter Saddow", "PS", "marketer"),
    ("annette", "Annette Hill", "AH", "marketer"),
    ("robin", "Robin Bettencourt", "RB", "marketer"),
    ("lina", "Lina Maes", "LM", "marketer"),
    ("viewer", "Read-only user", "", "viewer"),
)

SALUTATIONS = rows(
    "code description formal_greeting",
    ("MR", "Mister", "Dear Mr."),
    ("MS", "Miss / Mrs.", "Dear Ms."),
    ("DR", "Doctor", "Dear Dr."),
    ("COMPANY", "Company", "Dear"),
)

ORGANIZATIONAL_LEVELS = rows(
    "code description",
    ("BOARD", "Board of directors"),
    ("SENIOR", "Senior management"),
    ("MIDDLE", "Middle management"),
    ("STAFF", "Staff"),
)

INDUSTRY_GROUPS = rows(
    "code description",
    ("RETAIL", "Retail"),
    ("WHOLESALE", "Wholesale"),
    ("MANUFACT", "Manufacturing"),
    ("SERVICES", "Professional services"),
    ("IT", "Information technology"),
    ("FOOD", "Food and beverages"),
    ("CONSTRUCT", "Construction"),
    ("FINANCE", "Finance and insurance"),
)

BUSINESS_RELATIONS = rows(
    "code description",
    ("CUST", "Customer"),
    ("PROSPECT", "Prospect"),
    ("VEND", "Vendor"),
    ("PARTNER", "Reseller / partner"),
    ("BANK", "Bank"),
    ("PRESS", "Press"),
)

# The table a business relation links to (SPEC §6.1 `link_to_table`) and its number prefix.
RELATION_LINKS = {
    "CUST": ("customer", "C"),
    "VEND": ("vendor", "V"),
    "BANK": ("bank_account", "BA"),
}

MAILING_GROUPS = rows(
    "code description",
    ("NEWSLETTER", "Monthly newsletter"),
    ("XMAS", "Christmas card"),
    ("EVENTS", "Event invitations"),
    ("PRODUCT", "Product news"),
    ("WEBINAR", "Webinar invitations"),
    ("VIP", "VIP customers"),
    ("PRESSREL", "Press releases"),
    ("NO_MAIL", "Does not want any mail"),
)

JOB_RESPONSIBILITIES = rows(
    "code description",
    ("PURCHASE", "Purchasing"),
    ("SALES", "Sales"),
    ("MGMT", "Management"),
    ("IT", "Information technology"),
    ("MARKETING", "Marketing"),
    ("FINANCE", "Finance"),
    ("LOGISTICS", "Logistics"),
    ("HR", "Human resources"),
)

# A job title and organizational level for each job responsibility.
JOB_TITLES = {
    "PURCHASE": (("Purchasing Manager", "MIDDLE"), ("Buyer", "STAFF")),
    "SALES": (("Sales Director", "SENIOR"), ("Account Manager", "STAFF")),
    "MGMT": (("Managing Director", "BOARD"), ("General Manager", "SENIOR")),
    "IT": (("IT Manager", "MIDDLE"), ("System Administrator", "STAFF")),
    "MARKETING": (("Marketing Manager", "MIDDLE"), ("Marketing Assistant", "STAFF")),
    "FINANCE": (("Chief Financial Officer", "BOARD"), ("Accountant", "STAFF")),
    "LOGISTICS": (("Warehouse Manager", "MIDDLE"), ("Logistics Planner", "STAFF")),
    "HR": (("HR Manager", "MIDDLE"), ("Recruiter", "STAFF")),
}

WEB_SOURCES = rows(
    "code description url",
    ("LINKEDIN", "LinkedIn", "https://www.linkedin.com/search/results/all/?keywords=%1"),
    ("GOOGLE", "Google", "https://www.google.com/search?q=%1"),
    ("COMPWEB", "Company register", "https://opencorporates.com/companies?q=%1"),
)

PROFILE_QUESTIONNAIRES = rows(
    "code description contact_type",
    ("CUSTOMER", "Customer profile", "company"),
    ("PERSONAL", "Personal interests", "person"),
    ("RATING", "Customer rating", "company"),
)

PROFILE_LINE_KEYS = (
    "profile_questionnaire_code line_no type description multiple_answers "
    "auto_contact_classification from_value to_value"
)
PROFILE_LINES = rows(
    PROFILE_LINE_KEYS,
    ("CUSTOMER", 10, "question", "Company size", False, False, None, None),
    ("CUSTOMER", 20, "answer", "Small (1-49 employees)", False, False, None, None),
    ("CUSTOMER", 30, "answer", "Medium (50-249 employees)", False, False, None, None),
    ("CUSTOMER", 40, "answer", "Large (250 employees or more)", False, False, None, None),
    ("CUSTOMER", 50, "question", "Purchase frequency", False, False, None, None),
    ("CUSTOMER", 60, "answer", "Weekly", False, False, None, None),
    ("CUSTOMER", 70, "answer", "Monthly", False, False, None, None),
    ("CUSTOMER", 80, "answer", "Quarterly or less", False, False, None, None),
    ("PERSONAL", 10, "question", "Preferred way to be contacted", False, False, None, None),
    ("PERSONAL", 20, "answer", "E-mail", False, False, None, None),
    ("PERSONAL", 30, "answer", "Phone", False, False, None, None),
    ("PERSONAL", 40, "answer", "Meeting in person", False, False, None, None),
    ("PERSONAL", 50, "question", "Topics of interest", True, False, None, None),
    ("PERSONAL", 60, "answer", "Product news", False, False, None, None),
    ("PERSONAL", 70, "answer", "Events", False, False, None, None),
    ("PERSONAL", 80, "answer", "Industry trends", False, False, None, None),
    # K3: a rating question, answered by `rapport profile update-ratings` from the points
    # (RATINGS) of the company's answers to the customer profile.
    ("RATING", 10, "question", "Customer value", False, True, None, None),
    ("RATING", 20, "answer", "A: 10 points or more", False, False, Decimal(10), None),
    ("RATING", 30, "answer", "B: 5 to 9 points", False, False, Decimal(5), Decimal(9)),
    ("RATING", 40, "answer", "C: up to 4 points", False, False, None, Decimal(4)),
)

# K3: points per customer profile answer towards the RATING question (BC table 5111).
RATINGS = rows(
    "profile_questionnaire_code profile_question_line_no rating_profile_questionnaire_code "
    "rating_profile_question_line_no points",
    *(
        ("RATING", 10, "CUSTOMER", line_no, Decimal(points))
        for line_no, points in ((20, 1), (30, 3), (40, 6), (60, 5), (70, 3), (80, 1))
    ),
)

# Questionnaire → its questions, each with its answer line numbers.
PROFILE_QUESTIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "CUSTOMER": ((20, 30, 40), (60, 70, 80)),
    "PERSONAL": ((20, 30, 40), (60, 70, 80)),
}

INTERACTION_GROUPS = rows(
    "code description",
    ("LETTER", "Letters"),
    ("EMAIL", "E-mails"),
    ("PHONE", "Phone calls"),
    ("MEETING", "Meetings"),
)

INTERACTION_TEMPLATES = rows(
    "code interaction_group_code description unit_cost unit_duration information_flow "
    "initiated_by correspondence_type_default language_code_default campaign_no "
    "campaign_target",
    (
        "ABSTRACT",
        "LETTER",
        "Abstract letter",
        Decimal("1.50"),
        Decimal(5),
        "outbound",
        "us",
        "hard_copy",
        "ENU",
        "",
        False,
    ),
    (
        "EMAIL",
        "EMAIL",
        "E-mail newsletter",
        Decimal("0.10"),
        Decimal(1),
        "outbound",
        "us",
        "email",
        "ENU",
        "",
        False,
    ),
    (
        "INVITE",
        "EMAIL",
        "Event invitation",
        Decimal("0.20"),
        Decimal(2),
        "outbound",
        "us",
        "email",
        "ENU",
        "CP00002",
        True,
    ),
    ("PHONE", "PHONE", "Phone call", Decimal(0), Decimal(10), "outbound", "us", "", "", "", False),
    (
        "PHONEIN",
        "PHONE",
        "Incoming phone call",
        Decimal(0),
        Decimal(8),
        "inbound",
        "them",
        "",
        "",
        "",
        False,
    ),
    (
        "MEETING",
        "MEETING",
        "Meeting",
        Decimal(25),
        Decimal(60),
        "outbound",
        "us",
        "",
        "",
        "",
        False,
    ),
)

# Language variants: e-mail templates get an HTML body, the letter a Word template (DOCX).
TEMPLATE_LANGUAGES = rows(
    "interaction_template_code language_code description kind",
    ("ABSTRACT", "ENU", "Abstract letter", "docx"),
    ("ABSTRACT", "FRB", "Lettre de synthèse", "docx"),
    ("ABSTRACT", "NLB", "Samenvattingsbrief", "docx"),
    ("EMAIL", "ENU", "Newsletter", "html"),
    ("EMAIL", "FRB", "Lettre d'information", "html"),
    ("EMAIL", "NLB", "Nieuwsbrief", "html"),
    ("INVITE", "ENU", "Invitation to our customer event", "html"),
    ("INVITE", "FRB", "Invitation à notre événement clients", "html"),
    ("INVITE", "NLB", "Uitnodiging voor ons klantenevent", "html"),
)

CAMPAIGN_STATUSES = rows(
    "code description",
    ("PLANNED", "Planned"),
    ("ACTIVE", "Active"),
    ("DONE", "Completed"),
    ("CANCELED", "Canceled"),
)

CAMPAIGNS = rows(
    "no description starting_date ending_date salesperson_code status_code no_series",
    (
        "CP00001",
        "Spring product launch",
        dt.date(2026, 3, 1),
        dt.date(2026, 5, 31),
        "JO",
        "DONE",
        "CAMP",
    ),
    (
        "CP00002",
        "Customer event 2026",
        dt.date(2026, 9, 1),
        dt.date(2026, 12, 15),
        "PS",
        "ACTIVE",
        "CAMP",
    ),
    (
        "CP00003",
        "Year-end greetings",
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 15),
        "AH",
        "PLANNED",
        "CAMP",
    ),
)

SALES_CYCLES = rows(
    "code description",
    ("NEW", "New customer"),
    ("EXISTING", "Existing customer"),
    ("LARGE", "Large project"),
)

# The logged segment of the demo: the spring launch newsletter, sent to the newsletter
# group (SEG00001, so a new segment starts at SEG00002).
LOGGED_SEGMENT: Row = {
    "entry_no": 1,
    "segment_no": "SEG00001",
    "description": "Spring launch newsletter",
    "creation_date": dt.date(2026, 3, 10),
    "user_id": "jim",
    "canceled": False,
}
LOGGED_SEGMENT_TEMPLATE = "EMAIL"
LOGGED_SEGMENT_CAMPAIGN = "CP00001"
LOGGED_SEGMENT_SALESPERSON = "JO"

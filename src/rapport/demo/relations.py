"""The demo contacts' profiling: groups, business relations, web sources, profile answers,
alternate addresses and opt-outs (K2, X7).

Industry groups, business relations and the customer questionnaire are kept on companies
(persons inherit them, reference §2.5); mailing groups, job responsibilities and the
personal questionnaire on persons.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from rapport.demo import names
from rapport.demo.setup_data import PROFILE_QUESTIONS, REFERENCE_DATE, RELATION_LINKS, Row

# Mailing group → chance a person is a member (NO_MAIL members get no other group).
MAILING_CHANCES = {
    "NEWSLETTER": 0.6,
    "XMAS": 0.3,
    "EVENTS": 0.25,
    "PRODUCT": 0.2,
    "WEBINAR": 0.1,
    "VIP": 0.05,
    "PRESSREL": 0.03,
}
NO_MAIL_CHANCE = 0.06
RELATION_WEIGHTS = {"CUST": 55, "PROSPECT": 30, "PARTNER": 8, "PRESS": 2}
ALT_ADDRESS_RANGES = (
    (-30, 60),
    (-200, -100),
    (30, None),
    (-400, None),
    (-10, 20),
    (100, 200),
    (-60, None),
    (-5, 5),
)

Tables = dict[str, list[Row]]


def _answers(
    rng: random.Random, contact: Row, questionnaire: str, *, multiple: bool = False
) -> list[Row]:
    rows: list[Row] = []
    for question_index, answers in enumerate(PROFILE_QUESTIONS[questionnaire]):
        many = multiple and question_index == 1
        picked = rng.sample(answers, rng.randint(1, 2)) if many else [rng.choice(answers)]
        updated = REFERENCE_DATE - dt.timedelta(days=rng.randint(1, 300))
        rows.extend(
            {
                "contact_id": contact["id"],
                "profile_questionnaire_code": questionnaire,
                "line_no": line_no,
                "last_date_updated": updated,
            }
            for line_no in sorted(picked)
        )
    return rows


def _company_relations(
    rng: random.Random, company: Row, tables: Tables, links: dict[str, int]
) -> None:
    contact_id = company["id"]
    groups = {company["_industry"]}
    if rng.random() < 0.3:
        groups.add(rng.choice(sorted(names.TRADES)))
    tables["contact_industry_groups"].extend(
        {"contact_id": contact_id, "industry_group_code": code} for code in sorted(groups)
    )
    codes = [rng.choices(list(RELATION_WEIGHTS), list(RELATION_WEIGHTS.values()))[0]]
    if company["_industry"] == "FINANCE":
        codes = ["BANK"]
    elif rng.random() < 0.15:
        codes.append("VEND")
    for code in codes:
        table, prefix = RELATION_LINKS.get(code, ("", ""))
        link_no = ""
        if table:
            links[code] += 10
            link_no = f"{prefix}{links[code]:05d}"
        tables["contact_business_relations"].append(
            {
                "contact_id": contact_id,
                "business_relation_code": code,
                "link_to_table": table,
                "link_no": link_no,
            }
        )
    if rng.random() < 0.4:
        tables["contact_web_sources"].append(
            {
                "contact_id": contact_id,
                "web_source_code": "LINKEDIN",
                "search_word": company["name"].split()[0],
            }
        )
    if rng.random() < 0.2:
        tables["contact_web_sources"].append(
            {
                "contact_id": contact_id,
                "web_source_code": "COMPWEB",
                "search_word": company["vat_no"],
            }
        )
    tables["contact_profile_answers"].extend(_answers(rng, company, "CUSTOMER"))


def _person_relations(rng: random.Random, person: Row, tables: Tables) -> None:
    contact_id = person["id"]
    if rng.random() < NO_MAIL_CHANCE:
        groups = ["NO_MAIL"]
    else:
        groups = [code for code, chance in MAILING_CHANCES.items() if rng.random() < chance]
    tables["contact_mailing_groups"].extend(
        {"contact_id": contact_id, "mailing_group_code": code} for code in groups
    )
    jobs = {person["_job"]}
    if rng.random() < 0.25:
        jobs.add(rng.choice(("PURCHASE", "SALES", "MGMT", "IT", "MARKETING", "FINANCE")))
    tables["contact_job_responsibilities"].extend(
        {"contact_id": contact_id, "job_responsibility_code": code} for code in sorted(jobs)
    )
    if rng.random() < 0.3:
        tables["contact_web_sources"].append(
            {"contact_id": contact_id, "web_source_code": "LINKEDIN", "search_word": person["name"]}
        )
    if rng.random() < 0.7:
        tables["contact_profile_answers"].extend(_answers(rng, person, "PERSONAL", multiple=True))


def _alt_addresses(rng: random.Random, persons: list[Row], tables: Tables) -> None:
    """Some persons have a home address, used within a date range (reference §1.10)."""
    for person, (start, end) in zip(
        rng.sample(persons, len(ALT_ADDRESS_RANGES)), ALT_ADDRESS_RANGES, strict=True
    ):
        profile = names.PROFILES[person["country"]]
        city = rng.choice(profile.cities)
        tables["contact_alt_addresses"].append(
            {
                "contact_id": person["id"],
                "code": "HOME",
                "company_name": "",
                "address": names.address(rng, profile),
                "post_code": city.post_code,
                "city": city.name,
                "country": person["country"],
                "email": f"{names.ascii_slug(person['name'], separator='.')}@home.example",
                "phone": names.phone(rng, profile, mobile=True),
            }
        )
        tables["contact_alt_address_date_ranges"].append(
            {
                "contact_id": person["id"],
                "starting_date": REFERENCE_DATE + dt.timedelta(days=start),
                "ending_date": None if end is None else REFERENCE_DATE + dt.timedelta(days=end),
                "contact_alt_address_code": "HOME",
            }
        )


def build_relations(rng: random.Random, contacts: list[Row]) -> Tables:
    """The profiling rows of the demo contacts, by table name."""
    tables: Tables = defaultdict(list)
    links: dict[str, int] = defaultdict(int)
    persons = [c for c in contacts if c["type"] == "person"]
    for contact in contacts:
        if contact["type"] == "company":
            _company_relations(rng, contact, tables, links)
        else:
            _person_relations(rng, contact, tables)
    _alt_addresses(rng, persons, tables)
    opted_out = rng.sample([p for p in persons if p["correspondence_type"] == "email"], 3)
    tables["contact_opt_outs"] = [
        {"contact_id": p["id"], "correspondence_type": "email"}
        for p in sorted(opted_out, key=lambda p: p["id"])
    ]
    return tables

"""The demo company's contacts: 60 companies with 190 persons, and 10 persons on their own.

Each company gets an industry, a country, a city and its salesperson; its persons share its
address and language, and get names, job titles, e-mail addresses and phone numbers from
the pools in `rapport.demo.names`. All draws come from one seeded `random.Random`, in a
fixed order, so a seed always gives the same contacts.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from rapport.demo import duplicates, names
from rapport.demo.names import CountryProfile
from rapport.demo.setup_data import (
    JOB_TITLES,
    REFERENCE_DATE,
    SALESPEOPLE_OF,
    TERRITORY_OF,
    Row,
)

COMPANIES_PER_COUNTRY = {"BE": 18, "NL": 12, "FR": 10, "DE": 8, "GB": 8, "US": 4}
COMPANIES = sum(COMPANIES_PER_COUNTRY.values())
PERSONS_IN_COMPANIES = 190
PERSONS_ON_THEIR_OWN = 10
PERSONS = PERSONS_IN_COMPANIES + PERSONS_ON_THEIR_OWN
CONTACTS = COMPANIES + PERSONS
FIRST_CONTACT_NO = 1

INDUSTRY_WEIGHTS = {
    "RETAIL": 6,
    "WHOLESALE": 4,
    "MANUFACT": 4,
    "SERVICES": 3,
    "IT": 3,
    "FOOD": 3,
    "CONSTRUCT": 2,
    "FINANCE": 1,
}
JOB_WEIGHTS = {
    "PURCHASE": 6,
    "SALES": 4,
    "MGMT": 4,
    "IT": 2,
    "MARKETING": 3,
    "FINANCE": 2,
    "LOGISTICS": 2,
    "HR": 1,
}
# Belgian companies take the legal form of their region's language.
LEGAL_FORMS = {("BE", "NLB"): ("NV", "BV"), ("BE", "FRB"): ("SA", "SRL")}
COMPANY_CORRESPONDENCE = (("email", 6), ("hard_copy", 2), ("", 2))
PERSON_CORRESPONDENCE = (("email", 75), ("hard_copy", 12), ("", 13))


def contact_no(index: int) -> str:
    """The number of the demo's `index`-th contact (0-based), from the contact series."""
    return f"CT{FIRST_CONTACT_NO + index:06d}"


def _pick(rng: random.Random, weighted: dict[str, int] | tuple[tuple[str, int], ...]) -> str:
    pairs = list(weighted.items()) if isinstance(weighted, dict) else list(weighted)
    return rng.choices([code for code, _ in pairs], [weight for _, weight in pairs])[0]


def _salesperson(rng: random.Random, country: str) -> str:
    codes = SALESPEOPLE_OF[country]
    return codes[0] if len(codes) == 1 or rng.random() < 0.7 else rng.choice(codes[1:])


def _created(rng: random.Random) -> dt.date:
    return REFERENCE_DATE - dt.timedelta(days=rng.randint(30, 1500))


def _company_name(
    rng: random.Random, forms: tuple[str, ...], industry: str, taken: set[str]
) -> str:
    while True:
        name = (
            f"{rng.choice(names.NAME_WORDS)} {rng.choice(names.TRADES[industry])} "
            f"{rng.choice(forms)}"
        )
        if name not in taken:
            taken.add(name)
            return name


def _company(rng: random.Random, profile: CountryProfile, taken: set[str]) -> Row:
    industry = _pick(rng, INDUSTRY_WEIGHTS)
    city = rng.choice(profile.cities)
    forms = LEGAL_FORMS.get((profile.code, city.language), profile.legal_forms)
    name = _company_name(rng, forms, industry, taken)
    domain = names.ascii_slug(name.rsplit(" ", 1)[0]) + ".example"
    return {
        "type": "company",
        "name": name,
        "search_name": name.upper(),
        "company_name": name,
        "address": names.address(rng, profile),
        "post_code": city.post_code,
        "city": city.name,
        "country": profile.code,
        "territory": TERRITORY_OF[profile.code],
        "salesperson": _salesperson(rng, profile.code),
        "language": city.language,
        "email": f"info@{domain}",
        "phone": names.phone(rng, profile),
        "mobile": "",
        "correspondence_type": _pick(rng, COMPANY_CORRESPONDENCE),
        "job_title": "",
        "organizational_level": "",
        "vat_no": names.vat_no(rng, profile.code),
        "salutation": "COMPANY",
        "created": _created(rng),
        # Not table columns: used to build the company's relations, removed before loading.
        "_industry": industry,
        "_domain": domain,
    }


def _person(rng: random.Random, profile: CountryProfile, company: Row | None) -> Row:
    female = rng.random() < 0.5
    first = rng.choice(profile.female if female else profile.male)
    name = f"{first} {rng.choice(profile.last_names)}"
    job = _pick(rng, JOB_WEIGHTS)
    title, level = rng.choice(JOB_TITLES[job])
    domain = company["_domain"] if company else rng.choice(("example.com", "example.net"))
    city = rng.choice(profile.cities)
    fields = {
        "address": names.address(rng, profile),
        "post_code": city.post_code,
        "city": city.name,
        "language": city.language,
        "salesperson": _salesperson(rng, profile.code),
    }
    if company is not None:
        fields = {key: company[key] for key in fields}
    return {
        "type": "person",
        "name": name,
        "search_name": name.upper(),
        "company_name": company["name"] if company else "",
        **fields,
        "country": profile.code,
        "territory": TERRITORY_OF[profile.code],
        "email": f"{names.ascii_slug(name, separator='.')}@{domain}",
        "phone": names.phone(rng, profile),
        "mobile": names.phone(rng, profile, mobile=True),
        "correspondence_type": _pick(rng, PERSON_CORRESPONDENCE),
        "job_title": title,
        "organizational_level": level,
        "vat_no": "",
        "salutation": "DR" if rng.random() < 0.04 else ("MS" if female else "MR"),
        "created": _created(rng),
        "_job": job,
        "_company": company,
    }


def _persons_per_company(rng: random.Random) -> list[int]:
    weights = [rng.uniform(0.3, 3.0) for _ in range(COMPANIES)]
    counts = [1] * COMPANIES
    for index in rng.choices(range(COMPANIES), weights, k=PERSONS_IN_COMPANIES - COMPANIES):
        counts[index] += 1
    return counts


def build_contacts(rng: random.Random, *, first_id: int) -> list[Row]:
    """Every demo contact in number order: each company followed by its persons."""
    taken: set[str] = set()
    companies = [
        _company(rng, names.PROFILES[code], taken)
        for code, count in COMPANIES_PER_COUNTRY.items()
        for _ in range(count)
    ]
    contacts: list[Row] = []
    for company, count in zip(companies, _persons_per_company(rng), strict=True):
        contacts.append(company)
        profile = names.PROFILES[company["country"]]
        contacts.extend(_person(rng, profile, company) for _ in range(count))
    for _ in range(PERSONS_ON_THEIR_OWN):
        profile = names.PROFILES[rng.choice(sorted(names.PROFILES))]
        contacts.append(_person(rng, profile, None))
    for index, contact in enumerate(contacts):
        contact["id"], contact["no"] = first_id + index, contact_no(index)
    for contact in contacts:
        company = contact["_company"] if contact["type"] == "person" else contact
        contact["company_id"] = company["id"] if company else None
        contact["company_no"] = company["no"] if company else ""
    _flag_some(rng, contacts)
    duplicates.plant(contacts)
    return contacts


def _flag_some(rng: random.Random, contacts: list[Row]) -> None:
    """A few contacts excluded from segments, one privacy blocked (X7)."""
    persons = [c for c in contacts if c["type"] == "person"]
    companies = [c for c in contacts if c["type"] == "company"]
    for contact in [*rng.sample(persons, 4), rng.choice(companies)]:
        contact["excluded"] = True
    rng.choice([p for p in persons if not p.get("excluded")])["privacy_blocked"] = True


def table_row(contact: Row) -> dict[str, Any]:
    """The `contacts` row of a built contact (without the builder's private keys)."""
    row = {key: value for key, value in contact.items() if not key.startswith("_")}
    row.setdefault("excluded", False)
    row.setdefault("privacy_blocked", False)
    return row

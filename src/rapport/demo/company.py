"""The demo company: setup, contacts, profiling, templates, campaigns and history (SPEC §1).

`load_demo` writes it into a new database in one transaction, deterministically from a
seed: two loads with the same seed give identical rows. The fixed data lives in
`setup_data`, the generated parts in `contacts`, `relations` and `interactions`;
`counts` summarises a database for `rapport demo`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rapport.demo import setup_data as data
from rapport.demo.bulk import TABLES, insert_rows, sync_sequences
from rapport.demo.contacts import CONTACTS, build_contacts, contact_no, table_row
from rapport.demo.documents import SALUTATION_FORMULAS, attachment_row
from rapport.demo.interactions import build_interactions
from rapport.demo.relations import build_relations
from rapport.demo.segment import build_segment_in_progress
from rapport.demo.synthetic import Progress, SyntheticResult, generate_contacts
from rapport.domain.passwords import hash_password
from rapport.errors import Conflict, Invalid
from rapport.storage import tables as t
from rapport.storage.db import Sessions, analyze

DEFAULT_SEED = 42
ALREADY_LOADED = "the demo company is already loaded"
MARKER = data.SALESPEOPLE[0]

# Setup tables in foreign-key order, with their rows.
SETUP: tuple[tuple[str, list[data.Row]], ...] = (
    ("languages", data.LANGUAGES),
    ("countries", data.COUNTRIES),
    ("territories", data.TERRITORIES),
    ("salespeople", data.SALESPEOPLE),
    ("users", data.USERS),
    ("salutations", data.SALUTATIONS),
    ("salutation_formulas", SALUTATION_FORMULAS),
    ("organizational_levels", data.ORGANIZATIONAL_LEVELS),
    ("industry_groups", data.INDUSTRY_GROUPS),
    ("business_relations", data.BUSINESS_RELATIONS),
    ("mailing_groups", data.MAILING_GROUPS),
    ("job_responsibilities", data.JOB_RESPONSIBILITIES),
    ("web_sources", data.WEB_SOURCES),
    ("profile_questionnaires", data.PROFILE_QUESTIONNAIRES),
    ("profile_questionnaire_lines", data.PROFILE_LINES),
    ("ratings", data.RATINGS),
    ("interaction_groups", data.INTERACTION_GROUPS),
    ("interaction_templates", data.INTERACTION_TEMPLATES),
    ("campaign_statuses", data.CAMPAIGN_STATUSES),
    ("campaigns", data.CAMPAIGNS),
    ("sales_cycles", data.SALES_CYCLES),
)

# Contact satellites in foreign-key order (after contacts).
SATELLITES = (
    "contact_industry_groups",
    "contact_business_relations",
    "contact_mailing_groups",
    "contact_job_responsibilities",
    "contact_web_sources",
    "contact_profile_answers",
    "contact_alt_addresses",
    "contact_alt_address_date_ranges",
    "contact_opt_outs",
)
HISTORY = ("interaction_log_entries", "logged_segments", "campaign_entries")

# The summary of `rapport demo`, in this order; contacts are split by type.
COUNTED = (
    "contacts",
    "companies",
    "persons",
    "salespeople",
    "users",
    "languages",
    "countries",
    "territories",
    "industry_groups",
    "business_relations",
    "mailing_groups",
    "job_responsibilities",
    "profile_questionnaires",
    "interaction_templates",
    "attachments",
    "campaigns",
    *SATELLITES[:6],
    "interaction_log_entries",
    "logged_segments",
    "segments",
)
TYPE_OF = {"companies": "company", "persons": "person"}
TABLE_OF = {"segments": "segment_headers"}  # a count named otherwise than its table


def build_demo(seed: int = DEFAULT_SEED) -> dict[str, list[dict[str, Any]]]:
    """Every row of the demo company, by table name, in loading order (no database)."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    contacts = build_contacts(rng, first_id=1)
    relations = build_relations(rng, contacts)
    attachments, variants, frozen = _attachments()
    newsletter = {
        row["contact_id"]
        for row in relations["contact_mailing_groups"]
        if row["mailing_group_code"] == "NEWSLETTER"
    }
    world: dict[str, list[dict[str, Any]]] = {name: list(rows) for name, rows in SETUP}
    password_hash = hash_password(data.DEMO_PASSWORD, salt=f"rapport-demo-{seed}".encode())
    world["users"] = [{**user, "password_hash": password_hash} for user in data.USERS]
    world["attachments"] = attachments
    world["interaction_template_languages"] = variants
    world["contacts"] = [table_row(contact) for contact in contacts]
    world.update({name: relations[name] for name in SATELLITES})
    world.update(build_interactions(rng, contacts, newsletter, frozen))
    return world


def _attachments() -> tuple[list[data.Row], list[data.Row], dict[str, int]]:
    """Attachments of the template language variants, and read-only copies of the e-mail
    bodies the logged segment sent (logging freezes them, L2)."""
    attachments, variants = [], []
    for no, variant in enumerate(data.TEMPLATE_LANGUAGES, start=1):
        template, language = variant["interaction_template_code"], variant["language_code"]
        attachments.append(attachment_row(no, template, language, variant["kind"]))
        variants.append(
            {
                "interaction_template_code": template,
                "language_code": language,
                "description": variant["description"],
                "attachment_no": no,
            }
        )
    frozen: dict[str, int] = {}
    for variant in variants:
        if variant["interaction_template_code"] == data.LOGGED_SEGMENT_TEMPLATE:
            copy = dict(attachments[variant["attachment_no"] - 1])
            copy.update(
                no=len(attachments) + 1, read_only=True, file_name=f"logged-1-{copy['file_name']}"
            )
            attachments.append(copy)
            frozen[variant["language_code"]] = copy["no"]
    return attachments, variants, frozen


def is_loaded(session: Session) -> bool:
    """Whether the demo company is in the database (its first salesperson is there)."""
    query = select(t.Salesperson.code).where(
        t.Salesperson.code == MARKER["code"], t.Salesperson.email == MARKER["email"]
    )
    return session.execute(query).first() is not None


def load_demo(sessions: Sessions, *, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Load the demo company into the database in one transaction, then build its segment
    in progress through the segment services (`demo.segment`); its counts.

    Conflict when it is already loaded, or when the database already holds records with
    the demo's codes or numbers; nothing is changed then.
    """
    world = build_demo(seed)
    try:
        with sessions.begin() as session:
            if is_loaded(session):
                raise Conflict(ALREADY_LOADED)
            for name, rows in world.items():
                insert_rows(session, name, rows)
            _advance_series(session)
            sync_sequences(session)
            analyze(session, *world)
    except IntegrityError as exc:
        raise Conflict(
            "cannot load the demo company: the database already holds records "
            "with its codes or numbers; load it into a new database"
        ) from exc
    build_segment_in_progress(sessions)
    with sessions() as session:
        return counts(session)


def _advance_series(session: Session) -> None:
    """Number series continue after the demo's contacts, campaigns and logged segment."""
    used = {
        "CONT": contact_no(CONTACTS - 1),
        "CAMP": data.CAMPAIGNS[-1]["no"],
        "SEG": data.LOGGED_SEGMENT["segment_no"],
    }
    for code, last in used.items():
        series = TABLES["number_series"]
        session.execute(
            update(series)
            .where(
                series.c.code == code,
                func.length(series.c.last_no_used) <= len(last),
                series.c.last_no_used < last,
            )
            .values(last_no_used=last)
        )


def counts(session: Session) -> dict[str, int]:
    """Row counts of the main tables, contacts split into companies and persons."""
    contacts = TABLES["contacts"]
    by_type: dict[str, int] = dict(
        session.execute(select(contacts.c.type, func.count()).group_by(contacts.c.type)).all()
    )
    result: dict[str, int] = {}
    for name in COUNTED:
        if name in TYPE_OF:
            result[name] = int(by_type.get(TYPE_OF[name], 0))
        else:
            table = TABLES[TABLE_OF.get(name, name)]
            result[name] = int(
                session.execute(select(func.count()).select_from(table)).scalar_one()
            )
    return result


def demo_loaded(sessions: Sessions) -> bool:
    """Whether the demo company is in the database (read only)."""
    with sessions() as session:
        return is_loaded(session)


def load(
    sessions: Sessions,
    *,
    contacts: int = 0,
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
    building: Callable[[], object] | None = None,
) -> DemoOutcome:
    """`rapport demo`: load the demo company, then add `contacts` synthetic contacts.

    With `contacts`, a database that already has the demo only gets the synthetic
    contacts; without, loading it a second time is a Conflict.
    """
    if contacts < 0:
        raise Invalid("must not be negative", field="contacts")
    loaded_now = False
    if not contacts or not demo_loaded(sessions):
        load_demo(sessions, seed=seed)
        loaded_now = True
    added = None
    if contacts:
        added = generate_contacts(
            sessions, count=contacts, seed=seed, progress=progress, building=building
        )
    with sessions() as session:
        return DemoOutcome(demo_loaded=loaded_now, synthetic=added, counts=counts(session))


@dataclass(frozen=True)
class DemoOutcome:
    """What `load` did: whether it loaded the demo now, the synthetic contacts it added,
    and the row counts of the database afterwards."""

    demo_loaded: bool
    synthetic: SyntheticResult | None
    counts: dict[str, int]

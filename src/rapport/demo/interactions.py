"""The demo's interaction history: a year of calls, meetings, letters and e-mails before
the reference date (a few canceled), and one logged segment with its campaign entry (L2, L6).

Entry numbers run in date order; the logged segment's e-mails point at read-only copies of
the template's attachments, as logging freezes them.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from rapport.demo.setup_data import (
    INTERACTION_TEMPLATES,
    LOGGED_SEGMENT,
    LOGGED_SEGMENT_CAMPAIGN,
    LOGGED_SEGMENT_SALESPERSON,
    LOGGED_SEGMENT_TEMPLATE,
    REFERENCE_DATE,
    USERS,
    Row,
)

AD_HOC_ENTRIES = 300
TEMPLATE_WEIGHTS = {
    "PHONE": 35,
    "PHONEIN": 20,
    "MEETING": 15,
    "EMAIL": 12,
    "ABSTRACT": 10,
    "INVITE": 8,
}
SUBJECTS = {
    "PHONE": ("Follow-up call", "Price question", "Delivery planning", "Introduction call"),
    "PHONEIN": ("Question about an order", "Complaint about a delivery", "Request for a quote"),
    "MEETING": ("Yearly review", "Product demonstration", "Contract negotiation"),
    "EMAIL": ("Monthly newsletter", "Product news"),
    "ABSTRACT": ("Summary of our meeting", "Annual agreement"),
    "INVITE": ("Invitation: customer event 2026",),
}
EVALUATIONS = (
    "very_positive",
    "positive",
    "positive",
    "neutral",
    "neutral",
    "negative",
    "very_negative",
)
LOGGED_SUBJECT = "Spring launch: discover our new range"
USER_OF = {u["salesperson_code"]: u["name"] for u in USERS if u["salesperson_code"]}
TEMPLATES = {t["code"]: t for t in INTERACTION_TEMPLATES}


def _entry(contact: Row, template: Row, date: dt.date, time: dt.time) -> Row:
    return {
        "contact_id": contact["id"],
        "contact_company_no": contact["company_no"],
        "date": date,
        "time_of_interaction": time,
        "description": template["description"],
        "information_flow": template["information_flow"],
        "initiated_by": template["initiated_by"],
        "attachment_no": 0,
        "cost": template["unit_cost"],
        "duration": template["unit_duration"],
        "interaction_group_code": template["interaction_group_code"],
        "interaction_template_code": template["code"],
        "campaign_no": template["campaign_no"],
        "campaign_target": template["campaign_target"],
        "correspondence_type": template["correspondence_type_default"],
        "interaction_language_code": contact["language"],
        "evaluation": "",
        "attempt_failed": False,
        "canceled": False,
        "segment_no": "",
        "logged_segment_entry_no": 0,
        "campaign_entry_no": 0,
    }


def _ad_hoc(rng: random.Random, contacts: list[Row]) -> list[Row]:
    entries = []
    codes, weights = list(TEMPLATE_WEIGHTS), list(TEMPLATE_WEIGHTS.values())
    for _ in range(AD_HOC_ENTRIES):
        contact = rng.choice(contacts)
        code = rng.choices(codes, weights)[0]
        date = REFERENCE_DATE - dt.timedelta(days=rng.randint(1, 365))
        time = dt.time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))
        entry = _entry(contact, TEMPLATES[code], date, time)
        salesperson = contact["salesperson"]
        entry.update(
            subject=rng.choice(SUBJECTS[code]),
            salesperson_code=salesperson,
            user_id=USER_OF.get(salesperson, "admin"),
        )
        if code in ("PHONE", "PHONEIN", "MEETING"):
            entry["duration"] = Decimal(rng.randint(1, 12) * 5)
            entry["evaluation"] = rng.choice(EVALUATIONS)
        if code == "PHONE" and rng.random() < 0.1:
            entry.update(attempt_failed=True, evaluation="", duration=Decimal(1))
        entry["canceled"] = rng.random() < 0.04
        entries.append(entry)
    return entries


def _logged_segment(
    contacts: list[Row], newsletter_ids: set[int], frozen: dict[str, int]
) -> list[Row]:
    """The spring newsletter as logged: one e-mail per newsletter member with an address."""
    template = TEMPLATES[LOGGED_SEGMENT_TEMPLATE]
    date = LOGGED_SEGMENT["creation_date"]
    entries = []
    for contact in contacts:
        if (
            contact["id"] not in newsletter_ids
            or contact.get("excluded")
            or not contact["email"]
            or contact["correspondence_type"] == "hard_copy"
        ):
            continue
        language = contact["language"] if contact["language"] in frozen else "ENU"
        entry = _entry(contact, template, date, dt.time(10, 0))
        entry.update(
            subject=LOGGED_SUBJECT,
            salesperson_code=LOGGED_SEGMENT_SALESPERSON,
            user_id=LOGGED_SEGMENT["user_id"],
            campaign_no=LOGGED_SEGMENT_CAMPAIGN,
            campaign_entry_no=1,
            segment_no=LOGGED_SEGMENT["segment_no"],
            description=LOGGED_SEGMENT["description"],
            logged_segment_entry_no=1,
            correspondence_type="email",
            interaction_language_code=language,
            attachment_no=frozen[language],
        )
        entries.append(entry)
    return entries


def build_interactions(
    rng: random.Random, contacts: list[Row], newsletter_ids: set[int], frozen: dict[str, int]
) -> dict[str, list[Row]]:
    """Interaction log entries (numbered 1… in date order), the logged segment and its
    campaign entry. `frozen` maps a language to the read-only copy of its e-mail body."""
    entries = _ad_hoc(rng, contacts) + _logged_segment(contacts, newsletter_ids, frozen)
    entries.sort(key=lambda e: (e["date"], e["time_of_interaction"], e["contact_id"]))
    for entry_no, entry in enumerate(entries, start=1):
        entry["entry_no"] = entry_no
    campaign_entry = {
        "entry_no": 1,
        "campaign_no": LOGGED_SEGMENT_CAMPAIGN,
        "description": LOGGED_SEGMENT["description"],
        "date": LOGGED_SEGMENT["creation_date"],
        "user_id": LOGGED_SEGMENT["user_id"],
        "segment_no": LOGGED_SEGMENT["segment_no"],
        "canceled": False,
        "salesperson_code": LOGGED_SEGMENT_SALESPERSON,
        "register_no": 1,
    }
    return {
        "interaction_log_entries": entries,
        "logged_segments": [dict(LOGGED_SEGMENT)],
        "campaign_entries": [campaign_entry],
    }

"""Enumerations, written in lower snake_case everywhere: files, criteria, JSON (SPEC §6.1).

The blank member of Business Central's options (' ') is the empty string.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from rapport.errors import N_, Text

E = TypeVar("E", bound=StrEnum)


class ContactType(StrEnum):
    COMPANY = "company"
    PERSON = "person"


class CorrespondenceType(StrEnum):
    NONE = ""
    HARD_COPY = "hard_copy"
    EMAIL = "email"


class InformationFlow(StrEnum):
    NONE = ""
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class InitiatedBy(StrEnum):
    NONE = ""
    US = "us"
    THEM = "them"


class Evaluation(StrEnum):
    NONE = ""
    VERY_POSITIVE = "very_positive"
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"
    VERY_NEGATIVE = "very_negative"


class ProfileLineType(StrEnum):
    QUESTION = "question"
    ANSWER = "answer"


class SegmentAction(StrEnum):
    """What a criteria action did to a segment (reference §1.4, plus refresh of X4)."""

    ADD = "add"
    REDUCE = "reduce"
    REFINE = "refine"
    REFRESH = "refresh"


class LinkToTable(StrEnum):
    NONE = ""
    CUSTOMER = "customer"
    VENDOR = "vendor"
    BANK_ACCOUNT = "bank_account"
    EMPLOYEE = "employee"


class DeliveryStatus(StrEnum):
    """Per-entry delivery state of the delivery queue (X8)."""

    NONE = ""
    PENDING = "pending"
    SENDING = "sending"  # claimed by a run, for the length of its lease
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    UNCERTAIN = "uncertain"  # interrupted after the hand-off to the mail server: maybe sent


class TargetGroupType(StrEnum):
    CUSTOMER = "customer"
    CONTACT = "contact"


def parse_enum(enum: type[E], value: str, *, field: str) -> E:
    """The member whose value is `value` (case-insensitive), or ValueError naming the choices."""
    text = value.strip().lower()
    for member in enum:
        if member.value == text:
            return member
    raise ValueError(N_("{field}: {reason}", field=field, reason=not_one_of(enum, value)))


def not_one_of(enum: type[StrEnum], value: str) -> Text:
    """Why `value` is no member of `enum`, naming the choices."""
    choices = ", ".join(repr(m.value) if m.value else "'' (blank)" for m in enum)
    return N_("{value!r} is not one of {choices}", value=value, choices=choices)


class Role(StrEnum):
    """What a user may do (SPEC §7): a viewer reads, a marketer builds and logs segments,
    an admin also manages users, tokens, setup and webhooks."""

    VIEWER = "viewer"
    MARKETER = "marketer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, least: Role) -> bool:
        """Whether this role may do what needs at least `least`."""
        return self.rank >= least.rank

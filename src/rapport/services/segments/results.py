"""What the segment use cases take and return: the one options type of an add and typed,
frozen results. Every edge serialises these the same way (`dataclasses.asdict`); their
fields are the JSON shapes of SPEC §6."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rapport.domain.skip_reasons import REASON_NAMES


@dataclass(frozen=True)
class AddOptions:
    """The four options of Add Contacts (S3); every path that puts contacts on a segment
    reads the ones it needs (an insert: allow existing and ignore exclusion)."""

    allow_existing: bool = False
    expand_companies: bool = False
    related_companies: bool = False
    ignore_exclusion: bool = False


NO_OPTIONS = AddOptions()
# A contact added by hand may already be on the segment and is not checked for exclusion.
MANUAL = AddOptions(allow_existing=True, ignore_exclusion=True)


@dataclass(frozen=True)
class SampleContact:
    """A contact of a preview's sample (X2), in line order."""

    no: str
    name: str
    type: str
    company_no: str


@dataclass(frozen=True)
class Skipped:
    """How many candidates of an add were left out, by reason (X7; SPEC §6 `"skipped"`): a
    field for each reason of `domain.skip_reasons` (its name), in the order of the JSON."""

    excluded: int = 0
    privacy_blocked: int = 0
    opted_out: int = 0

    def __add__(self, other: Skipped) -> Skipped:
        return Skipped(
            **{name: getattr(self, name) + getattr(other, name) for name in REASON_NAMES}
        )


@dataclass(frozen=True)
class AddResult:
    """What an add did (S3, S5, S10): the action, the lines added, the lines now on it, and
    the candidates its consent and exclusion rules left out (X7)."""

    action_no: int
    added: int
    no_of_lines: int
    skipped: Skipped = Skipped()


@dataclass(frozen=True)
class RemovalResult:
    """What a reduce, refine or manual removal did (S4, S5). `criteria_reset`: it left the
    segment empty and, as Business Central's default answer does unless `keep_criteria`,
    its criteria actions and history were reset (then `action_no` is 0)."""

    action_no: int
    removed: int
    no_of_lines: int
    criteria_reset: bool = False


@dataclass(frozen=True)
class AddPreview(AddResult):
    """X2: what an add would do, and a sample of the contacts it would add; nothing changed."""

    preview: bool = True
    sample: tuple[SampleContact, ...] = ()


@dataclass(frozen=True)
class RemovalPreview(RemovalResult):
    """X2: what a reduce or refine would do, and a sample of the contacts it would remove;
    `criteria_reset` says that it would empty the segment and reset its criteria."""

    preview: bool = True
    sample: tuple[SampleContact, ...] = ()


Preview = AddPreview | RemovalPreview


@dataclass(frozen=True)
class SegmentLine:
    """A line on a segment with its contact's no. and names (`segment show`)."""

    line_no: int
    contact_no: str
    contact_name: str
    contact_company_no: str
    contact_company_name: str
    salesperson_code: str
    correspondence_type: str
    interaction_template_code: str
    interaction_group_code: str
    language_code: str
    campaign_no: str
    campaign_target: bool
    campaign_response: bool
    description: str
    subject: str
    date: dt.date | None
    cost: Decimal
    duration: Decimal
    information_flow: str
    initiated_by: str
    evaluation: str
    attachment_no: int
    word_template_code: str
    contact_alt_address_code: str
    send_word_doc_as_attmt: bool
    attempt_failed: bool


@dataclass(frozen=True)
class SegmentRead:
    """A segment's header with its counts (S1): `segment list` and `segment show`."""

    no: str
    description: str
    campaign_no: str
    interaction_template_code: str
    salesperson_code: str
    correspondence_type_default: str
    language_code_default: str
    subject_default: str
    date: dt.date | None
    unit_cost: Any
    unit_duration: Any
    campaign_target: bool
    campaign_response: bool
    information_flow: str
    initiated_by: str
    interaction_group_code: str
    ignore_contact_corres_type: bool
    send_word_docs_as_attmt: bool
    no_of_lines: int
    no_of_criteria_actions: int
    dynamic: bool = False
    refresh_every: str = ""
    refreshed_at: dt.datetime | None = None

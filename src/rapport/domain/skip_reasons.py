"""Why an add leaves a candidate out (X7, reference §2.5), declared once: each reason's
name (a count of an add's `skipped`, SPEC §6, and the reason the explanation of a contact
gives), its words beside a count and its sentence, in the order a candidate is counted under
the first reason that applies. The services' rules (`services/segments/_rules.py`), the
command line and the pages read them here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapport.errors import N_, Text, joined


@dataclass(frozen=True)
class SkipReason:
    """A reason an add leaves a candidate out: `name`, the field of its count; `counted`, the
    words beside a count (a template over `{count}`); `sentence`, why a contact is left out,
    as the explanation of a contact says it."""

    name: str
    counted: str
    sentence: Text

    def count(self, count: int) -> Text:
        """`count` candidates left out for this reason, in words ("2 excluded from segments")."""
        return Text(self.counted, {"count": count})


PRIVACY_BLOCKED = SkipReason(
    "privacy_blocked",
    N_("{count} privacy blocked").template,
    N_("An add leaves it out: the contact is privacy blocked."),
)
OPTED_OUT = SkipReason(
    "opted_out",
    N_("{count} opted out of the correspondence type").template,
    N_("An add leaves it out: the contact opted out of the line's correspondence type."),
)
EXCLUDED = SkipReason(
    "excluded",
    N_("{count} excluded from segments").template,
    N_("An add leaves it out: the contact is excluded from segments."),
)
# In the order they are applied: a candidate is counted under the first that applies.
SKIP_REASONS = (PRIVACY_BLOCKED, OPTED_OUT, EXCLUDED)
REASON_NAMES = tuple(reason.name for reason in SKIP_REASONS)

LEFT_OUT = N_("Left out by exclusion or consent: {reasons}.").template
NONE = N_("none")


def left_out(counts: Mapping[str, int | None]) -> Text:
    """X7: the sentence of an add's candidates its exclusion and consent rules left out, by
    reason (`counts`, by name; a missing or zero count is not said): "Left out by exclusion
    or consent: 1 privacy blocked, 2 excluded from segments." ("none" for none)."""
    said = [reason.count(n) for reason in SKIP_REASONS if (n := counts.get(reason.name) or 0)]
    return Text(LEFT_OUT, {"reasons": joined(said) if said else NONE})


def any_left_out(counts: Mapping[str, int | None]) -> bool:
    """Whether `counts` leave any candidate out."""
    return any(counts.get(name) for name in REASON_NAMES)

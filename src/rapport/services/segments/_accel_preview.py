"""Previews (X2) and analytics (X6) counted on the accelerator's index, with the same rules
as their SQL in `_lines`, `_skipped`, `_recording` and `analytics`; each returns None when
the index cannot answer exactly, and the caller asks SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyroaring import BitMap
from sqlalchemy import select
from sqlalchemy.orm import Session

from rapport.criteria import fields as registry
from rapport.criteria.operators import ValueType
from rapport.criteria.value import Criteria
from rapport.domain.enums import SegmentAction
from rapport.domain.skip_reasons import EXCLUDED, OPTED_OUT, PRIVACY_BLOCKED, REASON_NAMES
from rapport.services.segments._accel_eval import Unsupported
from rapport.services.segments._accel_state import Index
from rapport.services.segments._lines import contacts, line_order
from rapport.services.segments._reading import no_of_criteria_actions
from rapport.services.segments._sample import SAMPLE_SIZE
from rapport.services.segments.accelerator import Accelerator, Lines
from rapport.services.segments.results import (
    AddOptions,
    AddPreview,
    RemovalPreview,
    SampleContact,
    Skipped,
)
from rapport.storage.tables import InteractionTemplate, SegmentHeader


def _flag(index: Index, column: str) -> BitMap:
    values = index.fields.get(column)
    if values is None:
        raise Unsupported(column)
    return values.get(True, BitMap())


def _opted_out(session: Session, index: Index, header: SegmentHeader) -> BitMap:
    """The contacts opted out of their line's correspondence type (`_lines.opted_out` over
    `correspondence_type_rule`)."""
    refused = index.relations.get("opted_out")
    kinds = index.fields.get("correspondence_type")
    if refused is None or kinds is None:
        raise Unsupported("opted_out")

    def of(kind: str) -> BitMap:
        return refused.get(kind, BitMap()) if kind != "" else BitMap()

    if header.ignore_contact_corres_type and header.correspondence_type_default:
        return of(header.correspondence_type_default)
    template = (
        session.get(InteractionTemplate, header.interaction_template_code)
        if header.interaction_template_code
        else None
    )
    if template is not None and template.ignore_contact_corres_type:
        return of(template.correspondence_type_default)
    found = [of(kind) & chosen for kind, chosen in kinds.items() if kind != ""]
    if template is not None:
        found.append(of(template.correspondence_type_default) & kinds.get("", BitMap()))
    return BitMap.union(*found) if found else BitMap()


def _rules(
    session: Session, index: Index, header: SegmentHeader, options: AddOptions
) -> dict[str, BitMap]:
    """The contacts each consent and exclusion rule of an add leaves out, by its reason's
    name (`_rules.exclusion_rules`): privacy blocked, opted out of the line's
    correspondence type, excluded from segments unless the add ignores exclusion."""
    rules = {
        PRIVACY_BLOCKED.name: _flag(index, "privacy_blocked"),
        OPTED_OUT.name: _opted_out(session, index, header),
    }
    if not options.ignore_exclusion:
        rules[EXCLUDED.name] = _flag(index, "excluded")
    return rules


def _selection(index: Index, chosen: BitMap, options: AddOptions) -> BitMap:
    """`_lines.selection`: the criteria, then whole companies, then related companies."""
    if options.expand_companies:
        chosen = chosen | index.persons_of(index.companies_of(chosen))
    if options.related_companies:
        chosen = chosen | (index.companies_of(chosen) & index.universe)
    return chosen


def add_preview(
    accelerator: Accelerator,
    session: Session,
    header: SegmentHeader,
    criteria: Criteria,
    options: AddOptions,
) -> AddPreview | None:
    """X2 of an add, as `actions.add_contacts(preview=True)` counts it."""
    with accelerator.lock:
        index = accelerator.ready(session)
        if index is None:
            return None
        try:
            chosen = _selection(index, accelerator.selected(session, index, criteria), options)
            rules = _rules(session, index, header, options)
        except Unsupported:
            return None
        on_it = accelerator.lines(session, header.id)
        eligible = chosen if options.allow_existing else chosen - on_it.contacts
        left_out: dict[str, int] = {}
        for reason in REASON_NAMES:  # a candidate counted under the first that applies
            if reason in rules:
                out = eligible & rules[reason]
                left_out[reason], eligible = len(out), eligible - out
        skipped = Skipped(**left_out)
        candidates = index.first_in_line_order(eligible, SAMPLE_SIZE)
        total = on_it.total
    return AddPreview(
        action_no=no_of_criteria_actions(session, header.id) + 1,
        added=len(eligible),
        no_of_lines=total + len(eligible),
        sample=sample(session, candidates, None),
        skipped=skipped,
    )


def removal_preview(
    accelerator: Accelerator,
    session: Session,
    header: SegmentHeader,
    action: SegmentAction,
    criteria: Criteria,
    *,
    entire_companies: bool,
) -> RemovalPreview | None:
    """X2 of a reduce or refine, as `_recording.removal_preview` counts it."""
    with accelerator.lock:
        index = accelerator.ready(session)
        if index is None:
            return None
        try:
            matched = accelerator.selected(session, index, criteria)
        except Unsupported:
            return None
        if entire_companies:
            matched = matched | index.persons_of(index.companies_of(matched))
        on_it = accelerator.lines(session, header.id)
        if action is SegmentAction.REDUCE:
            gone = on_it.contacts & matched
            removed = on_it.lines_of(matched)
        else:
            gone = on_it.contacts - matched
            removed = on_it.total - on_it.lines_of(matched)
        candidates = index.first_in_line_order(gone, SAMPLE_SIZE)
        total = on_it.total
    return RemovalPreview(
        action_no=no_of_criteria_actions(session, header.id) + 1,
        removed=removed,
        no_of_lines=total - removed,
        sample=sample(session, candidates, on_it),
    )


def sample(
    session: Session, candidates: Sequence[int], on_it: Lines | None
) -> tuple[SampleContact, ...]:
    """The first contacts in line order among `candidates` (a few), each as often as it
    has lines when `on_it` is given, as `_sample.count_and_sample` and
    `count_and_sample_lines` list them."""
    if not candidates:
        return ()
    rows = session.execute(
        select(
            contacts.c.id, contacts.c.no, contacts.c.name, contacts.c.type, contacts.c.company_no
        )
        .where(contacts.c.id.in_(list(candidates)))
        .order_by(*line_order())
        .limit(SAMPLE_SIZE)
    ).all()
    found: list[SampleContact] = []
    for row in rows:
        times = 1 + (on_it.extra.get(row[0], 0) if on_it is not None else 0)
        found += [SampleContact(*row[1:])] * times
    return tuple(found[:SAMPLE_SIZE])


def groups(
    accelerator: Accelerator, session: Session, segment_id: int, by: str
) -> tuple[list[tuple[str, int]], int] | None:
    """X6: the segment's lines counted by `by` (value, lines) largest first, and its line
    count, as `analytics.stats` counts them; None when the index does not keep `by`."""
    with accelerator.lock:
        index = accelerator.ready(session)
        if index is None:
            return None
        on_it = accelerator.lines(session, segment_id)
        per_value = _per_value(index, by.strip().lower())
        if per_value is None:
            return None
        counted: dict[str, int] = {}
        covered = BitMap()
        for value, chosen in per_value.items():
            counted[str(value)] = counted.get(str(value), 0) + on_it.lines_of(chosen)
            covered |= chosen
        rest = on_it.contacts - covered
        counted[""] = counted.get("", 0) + on_it.lines_of(rest)
        total = on_it.total
    found = [(value, lines) for value, lines in counted.items() if lines]
    found.sort(key=lambda item: (-item[1], item[0]))
    return found, total


def _per_value(index: Index, by: str) -> dict[Any, BitMap] | None:
    """The contacts under each value of `by` (a relation's on the company for a relation
    kept there, or the contact's own when it has no company)."""
    try:
        item = registry.contact_field(by)
    except registry.UnknownName:
        item = None
    if item is not None:
        if item.type is ValueType.BOOL:
            return None
        return index.fields.get(item.column)
    try:
        rel = registry.relation(by)
    except registry.UnknownName:
        return None
    values = index.relations.get(rel.name)
    if values is None:
        return None
    if not rel.on_company:
        return values
    alone = index.alone()
    return {code: index.persons_of(owners) | (owners & alone) for code, owners in values.items()}


def overlap(
    accelerator: Accelerator, session: Session, segment_ids: Sequence[int]
) -> list[list[int]] | None:
    """X6: the contacts on both of each pair of the segments."""
    with accelerator.lock:
        if accelerator.ready(session) is None:
            return None
        sets = [accelerator.lines(session, i).contacts for i in segment_ids]
    return [[len(a & b) for b in sets] for a in sets]

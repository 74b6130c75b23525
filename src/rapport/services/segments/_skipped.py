"""Why an add left contacts out (S3, X7): the candidates that were not put on the segment
because they are privacy blocked, opted out of the line's correspondence type, or excluded
from segments (`_rules.exclusion_rules`).

Each skipped contact is counted once, under the first reason that applies in that order
(exclusion only when it is not ignored). Contacts already on the segment are not counted:
they are not new to it. An add counts them in one query that starts from the few flagged
contacts (partial indexes on the two flags, the opt-out table) and checks the criteria only
for those (`count_skipped`); on PostgreSQL an add by criteria counts them in the statement
that writes its lines (`insert_counting_skipped`); an add's preview counts them in the same
statement as its count (`preview_counts`), where the criteria are checked for every contact
anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, case, func, insert, literal, select, true, union

from rapport.criteria.compile_sql import cheap_first
from rapport.services.segments._lines import (
    Candidates,
    contacts,
    correspondence_type,
    line_columns,
    line_defaults,
    line_number,
    line_order,
    materialized,
    new_to,
    picked_lines,
)
from rapport.services.segments._rules import Rule, exclusion_rules, reason_of
from rapport.services.segments._sample import (
    SAMPLE_SIZE,
    SAMPLED,
    sampled_columns,
    walked_sample,
)
from rapport.services.segments.results import AddOptions, SampleContact, Skipped
from rapport.storage import schema
from rapport.storage.segment_lines import lines_moved, segment_lines

if TYPE_CHECKING:
    from rapport.storage.db import Db
    from rapport.storage.tables import SegmentHeader


def _flagged() -> Any:
    opt_outs = schema.contact_opt_outs
    return union(
        select(contacts.c.id).where(contacts.c.privacy_blocked == true()),
        select(contacts.c.id).where(contacts.c.excluded == true()),
        select(opt_outs.c.contact_id),
    )


def count_skipped(
    session: Db,
    header: SegmentHeader,
    *,
    candidates: Candidates,
    options: AddOptions,
) -> Skipped:
    """The candidates of an add that its consent and exclusion rules left out, by reason
    (the opt-out that counts is the one of the line's default correspondence type)."""
    rules = exclusion_rules(session, correspondence_type(session, header), options)
    conditions = [contacts.c.id.in_(_flagged()), *new_to(header.id, options)]
    reason = reason_of(rules)
    totals = [_counted(reason, number) for number in range(1, len(rules) + 1)]
    if isinstance(candidates, ColumnElement):
        query = select(*totals).where(candidates, *conditions)
    else:
        source = candidates.subquery("candidates")
        query = (
            select(*totals)
            .select_from(contacts.join(source, source.c.id == contacts.c.id))
            .where(*conditions)
        )
    return _skipped(rules, session.execute(query).one())


def insert_counting_skipped(
    session: Db,
    header: SegmentHeader,
    *,
    candidates: ColumnElement[bool],
    action_no: int,
    options: AddOptions,
) -> tuple[int, Skipped]:
    """An add by criteria on PostgreSQL, in one statement: the candidates picked once, each
    with the first rule that leaves it out (`reason_of`); those it leaves nothing against
    become lines (`_lines.picked_lines`, written by a data-modifying WITH), and all are
    counted by reason. The lines added (as many as were counted with no reason) and the
    candidates left out, by reason.

    `count_skipped` would read the candidates a second time, and PostgreSQL plans it from
    the criteria's largest relation rather than from the flagged contacts: for the
    benchmark's add 0.14–0.32 s at 1M contacts and 2.8–3.3 s at 10M, up to 8 % of it."""
    defaults = line_defaults(session, header)
    rules = exclusion_rules(session, defaults["correspondence_type"], options)
    conditions = [candidates, *new_to(header.id, options)]
    picked, chosen = picked_lines(
        select(contacts.c.id).where(*cheap_first(conditions)),
        line_number(session, header.id),
        [literal(action_no), *defaults.values()],
        header.id,
        reason=reason_of(rules),
    )
    written = insert(segment_lines).from_select(line_columns(defaults), picked).cte("written")
    totals = [_counted(chosen.c.reason, number) for number in range(len(rules) + 1)]
    counts = session.execute(select(*totals).add_cte(written)).one()
    added = int(counts[0])
    lines_moved(session, header.id, by=added)
    return added, _skipped(rules, counts[1:])


def preview_counts(
    session: Db,
    header: SegmentHeader,
    *,
    candidates: ColumnElement[bool],
    options: AddOptions,
) -> tuple[int, tuple[SampleContact, ...], Skipped]:
    """X2 and X7 of an add's preview: the candidates (not on the segment unless the add
    allows it), each with the first rule that leaves it out (`reason_of`), counted by
    reason, beside the first few of those the add would put on the segment, in line order.

    The sample is looked for first, walking the contacts in line order (`walked_sample`);
    when that fills it, the candidates are counted, grouped by reason so that each one's
    reason is worked out once, in a statement that carries no more than their reasons: at
    1M contacts on PostgreSQL the walk and count took 0.47 s against the one pass's 0.61 s
    (medians of 12), and at 10M 5.0 s against 7.8 s (of 6). Otherwise `_in_one_pass`."""
    rules = exclusion_rules(session, correspondence_type(session, header), options)
    conditions = [candidates, *new_to(header.id, options)]
    reason = reason_of(rules)
    sample = walked_sample(
        session,
        lambda walked: select(contacts.c.id).where(
            contacts.c.id == walked, reason == 0, *conditions
        ),
    )
    if len(sample) < SAMPLE_SIZE:
        return _in_one_pass(session, rules, conditions, reason)
    chosen = select(reason.label("reason")).where(*cheap_first(conditions)).subquery()
    by_reason = dict.fromkeys(range(len(rules) + 1), 0)
    by_reason.update(
        session.execute(select(chosen.c.reason, func.count()).group_by(chosen.c.reason)).all()
    )
    counts = list(by_reason.values())
    return counts[0], sample, _skipped(rules, counts[1:])


def _in_one_pass(
    session: Db,
    rules: list[Rule],
    conditions: list[ColumnElement[bool]],
    reason: ColumnElement[int],
) -> tuple[int, tuple[SampleContact, ...], Skipped]:
    """The preview's counts and sample in one statement, when the walk cannot find the
    sample (few candidates, or candidates late in line order): the candidates matched once
    with the sample's columns and their reasons, then counted by reason beside the first
    few with reason 0 in line order. It keeps every candidate's name and company for the
    sort, which its hashes and its temporary copy then carry (1.2 GB of temporary files
    for 1.6M candidates at 10M contacts)."""
    carried = sampled_columns()
    matched = materialized(
        select(*(contacts.c[name] for name in carried), reason.label("reason")).where(
            *cheap_first(conditions)
        ),
        "matched",
    )
    counted = (
        select(*(_counted(matched.c.reason, number) for number in range(len(rules) + 1)))
        .select_from(matched)
        .subquery("counted")
    )
    first = (
        select(*(matched.c[name] for name in carried))
        .where(matched.c.reason == 0)
        .order_by(*(matched.c[column.name] for column in line_order()))
        .limit(SAMPLE_SIZE)
        .subquery("first")
    )
    query = (
        select(*counted.c, *(first.c[name] for name in SAMPLED))
        .select_from(counted.outerjoin(first, true()))
        .order_by(*(first.c[column.name] for column in line_order()))
    )
    rows = session.execute(query).all()
    shown = len(rules) + 1
    sample = tuple(SampleContact(*row[shown:]) for row in rows if row[shown] is not None)
    return int(rows[0][0]), sample, _skipped(rules, rows[0][1:shown])


def _counted(reason: ColumnElement[int], number: int) -> ColumnElement[int]:
    """How many rows have `reason` `number` (0 for none)."""
    return func.coalesce(func.sum(case((reason == number, 1), else_=0)), 0)


def _skipped(rules: list[Rule], counts: Any) -> Skipped:
    """`Skipped` of the counts of `rules`, in their order."""
    return Skipped(**{rule.reason: int(count) for rule, count in zip(rules, counts, strict=True)})

"""A preview's sample (X2): how many contacts or lines an action would add or remove, and
the first few of their contacts in line order (S11), with the fields a preview shows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, func, select, true

from rapport.services.segments._lines import contacts, line_order, lines, materialized
from rapport.services.segments.results import SampleContact
from rapport.storage.db import is_postgresql

if TYPE_CHECKING:
    from rapport.storage.db import Db

SAMPLE_SIZE = 10  # contacts shown by a preview (X2)


SAMPLED = ("no", "name", "type", "company_no")  # a sample contact's fields (SampleContact)


def sampled_columns() -> list[str]:
    """The contact columns a preview's sample carries: its fields, then the line order's."""
    return list(dict.fromkeys([*SAMPLED, *(column.name for column in line_order())]))


def count_and_sample(
    session: Db, ids: Select[Any], *, reads_contacts: bool = False
) -> tuple[int, tuple[SampleContact, ...]]:
    """X2: how many ids `ids` selects and the first few contacts in line order, in one pass
    (a second only when none of them is a contact's).
    When `ids` reads the contacts table itself (`reads_contacts`), the sample's fields and
    the line order's come along with each id, so the contacts are read once; otherwise the
    chosen ids are joined to the contacts (at 1M contacts on PostgreSQL that join hashed
    every contact again, 3 of the preview's 5 s)."""
    rows = session.execute(_first_of(ids, reads_contacts=reads_contacts)).all()
    if rows:
        return int(rows[0].total), as_sample(rows)
    if reads_contacts:  # every chosen id is a contact's, so none was chosen
        return 0, ()
    # None joined a contact: none chosen, or only ids of no contact (a line whose contact
    # was deleted), which the statement's total counted but no row carried.
    return _count(session, ids), ()


WALK = 5_000  # contacts a preview walks in line order for its sample (PostgreSQL)


def count_and_sample_lines(
    session: Db, scope: list[ColumnElement[bool]]
) -> tuple[int, tuple[SampleContact, ...]]:
    """X2 of a reduce or refine: how many lines `scope` selects, and the contacts of the
    first few in line order.

    SQLite does it in one pass (`count_and_sample`). PostgreSQL estimates far more lines
    than an `OR` of `EXISTS` (relation criteria) selects (372,000 for 65,549 of a
    500,000-line segment) and then joins them to every contact by hash to sort them:
    1.0 s, where counting them takes 0.4 s. So there the sample is looked for first
    (`walked_sample`); when that fills it, the lines are counted apart, else the one pass
    runs as on SQLite (few lines, or lines whose contacts come late in line order)."""
    ids = select(lines.c.contact_id.label("id")).where(*scope)
    if not is_postgresql(session):
        return count_and_sample(session, ids)
    sample = walked_sample(
        session, lambda walked: select(lines.c.id).where(*scope, lines.c.contact_id == walked)
    )
    if len(sample) < SAMPLE_SIZE:
        return count_and_sample(session, ids)
    return _count(session, ids), sample


def walked_sample(
    session: Db, probe: Callable[[ColumnElement[int]], Select[Any]]
) -> tuple[SampleContact, ...]:
    """The first few of the first WALK contacts in line order for which `probe` (a select
    given the walked contact's id) finds a row: each contact probed by index in turn, which
    stops at the sample's size (a few ms when the matches are not rare, some 25 ms when the
    walk ends short). Fewer than SAMPLE_SIZE contacts means the walk could not tell.
    PostgreSQL joins the probe LATERAL, which keeps it a probe per walked contact; SQLite,
    which has no LATERAL, runs a correlated EXISTS that way anyway."""
    walked = (
        select(*(contacts.c[name] for name in ("id", *sampled_columns())))
        .order_by(*line_order())
        .limit(WALK)
        .subquery("walked")
    )
    found = probe(walked.c.id)
    query = select(*(walked.c[name] for name in SAMPLED))
    if is_postgresql(session):
        query = query.select_from(walked.join(found.lateral("found"), true()))
    else:
        query = query.where(found.exists())
    rows = session.execute(
        query.order_by(*(walked.c[column.name] for column in line_order())).limit(SAMPLE_SIZE)
    ).all()
    return as_sample(rows)


def _first_of(ids: Select[Any], *, reads_contacts: bool) -> Select[Any]:
    """The first few contacts of `ids` in line order, with the number of ids: their fields
    carried along when `ids` reads the contacts, else the contacts joined to them."""
    if reads_contacts:
        carried = [contacts.c[name] for name in sampled_columns()]
        chosen = materialized(ids.add_columns(*carried), "chosen")
        source, columns = chosen, chosen.c
    else:
        chosen = materialized(ids, "chosen")
        source, columns = chosen.join(contacts, contacts.c.id == chosen.c.id), contacts.c
    total = select(func.count()).select_from(chosen).scalar_subquery().label("total")
    return (
        select(*(columns[name] for name in SAMPLED), total)
        .select_from(source)
        .order_by(*(columns[column.name] for column in line_order()))
        .limit(SAMPLE_SIZE)
    )


def _count(session: Db, ids: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)


def as_sample(rows: Sequence[Sequence[Any]]) -> tuple[SampleContact, ...]:
    """A preview's sample contacts from rows that start with the `SAMPLED` fields."""
    return tuple(SampleContact(*row[: len(SAMPLED)]) for row in rows)

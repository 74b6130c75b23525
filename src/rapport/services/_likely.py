"""The pass rates of criteria's probing terms on this database, for the compiler to write
them least likely first (criteria/likely.py; SPEC §9): measured on SQLite, which tests the
terms in the order written, when the contacts are many enough for the order to count.

One statement on a sample of `SAMPLE` contacts, a few milliseconds at a million contacts;
nothing on PostgreSQL (its planner hashes these terms), on a small database (fewer than
`SAMPLED_FROM` contact ids: the statement is fast in any order), or for criteria with
fewer than two probing terms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, func, select

from rapport.storage import schema
from rapport.storage.db import is_postgresql

if TYPE_CHECKING:
    from rapport.criteria.likely import Likely
    from rapport.criteria.value import Criteria
    from rapport.storage.db import Db

SAMPLE = 500
SAMPLED_FROM = 50_000  # contact ids from the first to the last
FEWEST_FOUND = 100  # sampled contacts that exist, below which the rates say little


def likeliest(
    db: Db, criteria: Criteria, *, sampled_from: int = SAMPLED_FROM, sample: int = SAMPLE
) -> Likely | None:
    """The sampled pass rate of each probing term of `criteria`'s top-level `and`, or None
    when the order of its terms is left as written (see the module)."""
    from rapport.criteria import CONTACTS
    from rapport.criteria.likely import pass_rates, probes, sampled_passes
    from rapport.criteria.tree import And

    tree = criteria.tree
    if is_postgresql(db) or criteria.subject is not CONTACTS or not isinstance(tree, And):
        return None
    terms = probes(tree)
    if not terms:
        return None
    key = schema.contacts.c.id
    # two subqueries: SQLite reads a lone min() or max() off the key's ends, not both at once
    first, last = db.execute(
        select(select(func.min(key)).scalar_subquery(), select(func.max(key)).scalar_subquery())
    ).one()
    if first is None or last - first + 1 < sampled_from:
        return None
    step = max(1, (last - first + 1) // sample)
    counts = tuple(db.execute(sampled_passes(terms, first_id=first, step=step, size=sample)).one())
    if counts[0] < FEWEST_FOUND:
        return None
    return pass_rates(len(tree.parts), terms, counts)


def likely_condition(db: Db, criteria: Criteria) -> ColumnElement[bool]:
    """The SQL condition of `criteria` on `db`, the probing terms of its top-level `and`
    written least likely first where that counts (`likeliest`): what every use case that
    runs criteria over the contacts (an add, a reduce or refine, a refresh, an export)
    compiles."""
    return criteria.condition(likely=likeliest(db, criteria))

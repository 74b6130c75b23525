"""Criteria as every use case accepts them: the text, the JSON tree (the API sends either)
or an already parsed `Criteria`; parsed once, at the use case's entry, and passed on as
the value so that nothing below re-parses it (X1).

This is also the one place where new criteria are checked against the database (issue 11
item 7): a criteria that names a code that does not exist (`mailing_group = NEWS`,
`segment(SEG09999)`) is refused with a did-you-mean, whatever the subject, the command,
the route or the page. The check reads in its own short read-only transaction, before the
use case's own, so refused criteria never take the write lock. Saved criteria replayed
later are not checked here: they run, and `replay_warnings` gives what their caller shows.

The criteria engine (the grammar, the compiler, the field registry) is imported when
criteria are given, not when a module that may take them is imported: a command that
reads one contact never loads it (SPEC §9, start-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, Union

from rapport.errors import N_, Invalid
from rapport.storage.db import reading_connection

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from rapport.criteria import Subject
    from rapport.criteria.value import Criteria
    from rapport.storage.db import Db, Sessions

# A forward reference, so that the alias exists at run time without the criteria engine.
CriteriaSource: TypeAlias = Union[str, Mapping[str, Any], "Criteria"]


def as_criteria(
    source: CriteriaSource,
    *,
    database: Sessions | Engine,
    subject: Subject | None = None,
    field: str = "criteria",
) -> Criteria:
    """The criteria of `source` on `subject`'s rows (contacts by default); Invalid naming
    `field` (with the position or JSON path) when they are bad or name a code that does not
    exist."""
    from rapport.criteria import check_codes

    criteria = _parsed(source, subject, field)
    with reading_connection(database) as connection:
        try:
            check_codes(connection, criteria)
        except Invalid as exc:
            raise Invalid(exc.texts, field=field, joined=exc.joined) from None
    return criteria


def optional_criteria(
    source: CriteriaSource | None,
    *,
    database: Sessions | Engine,
    subject: Subject | None = None,
    field: str = "where",
) -> Criteria | None:
    """Like `as_criteria`, with no criteria (None or blank text) meaning "everything"."""
    if source is None or (isinstance(source, str) and not source.strip()):
        return None
    return as_criteria(source, database=database, subject=subject, field=field)


def replay_warnings(session: Db, criteria: Criteria) -> tuple[str, ...]:
    """What saved criteria name that was deleted since they were saved: they still run
    (the code selects nothing), and the caller shows these as warnings."""
    from rapport.criteria import unknown_codes

    return tuple(unknown_codes(session, criteria))


def _parsed(source: CriteriaSource, subject: Subject | None, field: str) -> Criteria:
    from rapport.criteria import CONTACTS
    from rapport.criteria.value import Criteria

    subject = subject or CONTACTS
    if isinstance(source, Criteria):
        if source.subject is not subject:
            raise Invalid(
                N_(
                    "criteria on {given} rows do not filter {wanted} rows",
                    given=source.subject.label,
                    wanted=subject.label,
                ),
                field=field,
            )
        return source
    try:
        return Criteria.parse(source, subject=subject)
    except Invalid as exc:
        if not isinstance(source, str):
            raise  # the JSON path of the tree names where it is
        raise Invalid(exc.texts, field=field, position=exc.position, joined=exc.joined) from None

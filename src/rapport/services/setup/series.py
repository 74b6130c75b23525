"""Number series (SPEC §2 Setup; BC's No. Series): list them, add one, change one.

A series numbers new contacts, segments, campaigns, opportunities and tasks (the marketing
setup names which series each takes, `storage/number_series.py` takes the next number).
Fields are set by name and checked with the same column rules as the code tables
(`records`); a number must hold digits to be incremented, as BC's IncStr requires.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from rapport.domain.codes import increment_no
from rapport.errors import CODE_FIELD, N_, Conflict, Invalid, does_not_exist
from rapport.services._versions import Versioned, check_version, version_of
from rapport.services.setup.records import convert, editable_fields
from rapport.services.transfer.tables import TableSpec, spec_for
from rapport.storage.db import Sessions, reading
from rapport.storage.tables import NumberSeries

CODE_LENGTH = 20


@dataclass(frozen=True)
class SeriesRead:
    """A number series and the number it gives next."""

    code: str
    description: str
    starting_no: str
    last_no_used: str
    manual_nos: bool
    next_no: str


def series_spec() -> TableSpec:
    return spec_for(NumberSeries)


def _read(row: NumberSeries) -> SeriesRead:
    following = increment_no(row.last_no_used) if row.last_no_used else row.starting_no
    return SeriesRead(
        row.code, row.description, row.starting_no, row.last_no_used, row.manual_nos, following
    )


def _key(code: str) -> str:
    key = code.strip().upper()
    if not key or len(key) > CODE_LENGTH:
        raise Invalid(
            N_("{code!r} must be 1 to {length} characters", code=code, length=CODE_LENGTH),
            where="code",
        )
    return key


def _find(session: Session, key: str, *, lock: bool = False) -> NumberSeries:
    found = session.get(NumberSeries, key, with_for_update=lock)
    if found is None:
        raise does_not_exist(N_("No. Series"), (CODE_FIELD, key))
    return found


def get_all(sessions: Sessions) -> list[SeriesRead]:
    """Every number series, by code, with the number each gives next."""
    with reading(sessions) as session:
        return [_read(row) for row in session.scalars(select(NumberSeries).order_by("code"))]


def get(sessions: Sessions, code: str) -> SeriesRead:
    """One number series."""
    return get_versioned(sessions, code).value


def get_versioned(sessions: Sessions, code: str) -> Versioned[SeriesRead]:
    """One number series, and the version a change of it names (`set_series`)."""
    with reading(sessions) as session:
        row = _find(session, _key(code))
        return Versioned(_read(row), version_of(row))


def _checked(values: Sequence[tuple[str, str]]) -> dict[str, object]:
    spec = series_spec()
    given = convert(spec, values, editable=editable_fields(spec, without=("code",)))
    for name in ("starting_no", "last_no_used"):
        text = given.get(name)
        if isinstance(text, str) and text:
            try:  # the rule the series will number by ("²" is a digit to str.isdigit only)
                increment_no(text)
            except ValueError:
                message = N_(
                    "{name} {text!r} must contain a number to increment", name=name, text=text
                )
                raise Invalid(message, where=name) from None
    return given


def add_series(
    sessions: Sessions, code: str, *, values: Sequence[tuple[str, str]] = ()
) -> SeriesRead:
    """A new number series (its starting no. is needed to give numbers); Conflict when the
    code exists."""
    key = _key(code)
    given = _checked(values)
    if not given.get("starting_no"):
        raise Invalid(N_("a number series needs a starting_no"), where="starting_no")
    with sessions.begin() as session:
        if session.get(NumberSeries, key) is not None:
            raise Conflict(N_("number series {key!r} already exists.", key=key))
        session.execute(insert(NumberSeries).values(code=key, **given))
        return _read(_find(session, key))


def set_series(
    sessions: Sessions,
    code: str,
    *,
    values: Sequence[tuple[str, str]],
    expected_version: Collection[str] | None = None,
) -> SeriesRead:
    """Change fields of a number series (its code stays); NotFound for an unknown one. With
    `expected_version`, the series must still be at one of those versions (else Stale,
    nothing changed)."""
    key = _key(code)
    given = _checked(values)
    with sessions.begin() as session:
        current = _find(session, key, lock=True)
        check_version(current, expected_version, what=N_("number series"))
        if given:
            session.execute(update(NumberSeries).where(NumberSeries.code == key).values(**given))
        session.expire(current)
        return _read(_find(session, key))

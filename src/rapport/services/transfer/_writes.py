"""The writing half of an import: checked staging rows into the table, set-based (K4).

One UPDATE … FROM for the rows whose key exists (with `update`) and one INSERT … SELECT for
the others. Contacts are inserted with their ids given (the last id plus the line), so that
each person finds its company's id and name in the same statement that inserts it, from
its company's row in the file or, resolved into the staging table first, from the
contacts already there; a company's company no. is
its own no. and its `company_id` its own id (reference §1.10). A contact's search name,
left blank, is its name in upper case, as Business Central fills it (upper-cased in Python
while staged, `NAME_UPPER`: SQLite's upper() knows ASCII only). Into an empty
`contacts` table (a first load), the secondary indexes are built after the insert.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from functools import partial
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    Select,
    Table,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy import update as update_rows
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlalchemy.orm import Session

from rapport.domain.rules import OneAnswer, rules_of
from rapport.services.transfer._answers import answered_otherwise, single_answers
from rapport.services.transfer._checks import key_match
from rapport.services.transfer._phases import OnPhase, Phase, nothing
from rapport.services.transfer.tables import TableSpec
from rapport.services.users import audit
from rapport.storage.bulk import built_after
from rapport.storage.changes import marked_after
from rapport.storage.db import is_postgresql
from rapport.storage.tables import FOLDS, Contact, table_of

contacts = table_of(Contact)
NAME_UPPER = "name_upper"  # the staged name upper-cased, a contact's default search name


def write(
    session: Session,
    spec: TableSpec,
    staging: Table,
    *,
    update: bool,
    by: str,
    phase: OnPhase = nothing,
) -> tuple[int, int]:
    """Insert the staged rows (and update the existing ones with `update`): (inserted,
    updated). A contact's privacy block the update changes is consent, audited as the user
    `by` (`_audit_privacy`). `phase` hears of the index builds of a first load of contacts."""
    values = _values(spec, staging)
    if update and spec.name == "contacts":
        _audit_privacy(session, staging, by=by)
    updated = _update(session, spec, staging, values) if update else 0
    if spec.name == "contacts":
        inserted = _insert_contacts(session, staging, values, update=update, phase=phase)
        if update:
            _refresh_companies(session, staging)
        return inserted, updated
    query = select(*values.values())
    if update:
        _replace_single_answers(session, spec, staging)
        query = query.where(~exists().where(key_match(spec, staging)))
    with _marked(session, spec.table, values.get("contact_id")):
        inserted = _insert(session, spec.table, list(values), query.order_by(staging.c.line))
    return inserted, updated


def _audit_privacy(session: Session, staging: Table, *, by: str) -> None:
    """X7: the privacy blocks of the contacts the update is about to change, audited as by
    `by` with one INSERT … SELECT before it (`audit.record_privacy_changes`), as an edit of
    one contact audits its own; a file without the column changes none."""
    if "privacy_blocked" not in staging.c:
        return
    new = staging.c.privacy_blocked
    changes = select(contacts.c.no, new).where(
        contacts.c.no == staging.c.no, contacts.c.privacy_blocked != new
    )
    audit.record_privacy_changes(session, changes, user_name=by)


def _marked(
    session: Session, table: Table, contact: ColumnElement[Any] | None
) -> AbstractContextManager[None]:
    """The staged rows of a table of a contact's relations go in with its change marks
    written by one statement (`marked_after`), every staged contact marked (with `update`,
    those whose rows were there already too: a refresh then looks at them again)."""
    if contact is None:
        return nullcontext()
    return marked_after(session, [table], select(contact).where(contact.is_not(None)))


def _replace_single_answers(session: Session, spec: TableSpec, staging: Table) -> None:
    """With update, a row answering a one-answer question (rules.OneAnswer) replaces the
    contact's other answer to it, as the service does: one DELETE."""
    for rule in rules_of(spec.name):
        if isinstance(rule, OneAnswer) and {rule.questionnaire, rule.field} <= set(
            staging.c.keys()
        ):
            rows = single_answers(staging, rule)
            otherwise = answered_otherwise(spec.table, rule, rows)
            session.execute(delete(spec.table).where(exists().where(otherwise)))


def _insert(session: Session, target: Table, names: list[str], query: Select[Any]) -> int:
    statement = insert(target).from_select(names, query)
    return _count(session.execute(statement, execution_options={"preserve_rowcount": True}))


def _count(result: Result[Any]) -> int:
    return cast(CursorResult[Any], result).rowcount


def _values(spec: TableSpec, staging: Table) -> dict[str, ColumnElement[Any]]:
    """Table column → the staging expression that fills it."""
    values: dict[str, ColumnElement[Any]] = {}
    for name in staging.c.keys():  # noqa: SIM118 (a column collection)
        column = spec.column(name)
        if column is not None:
            source = "contact_id" if name == "contact_no" else name
            values[column.target] = staging.c[source]
    if spec.name == "contacts":
        kind = _contact_type(staging)
        values["company_no"] = case(
            (kind == "company", staging.c.no),
            else_=staging.c.company_no if "company_no" in staging.c else literal(""),
        )
        if "name" in staging.c:
            given = staging.c.search_name if "search_name" in staging.c else literal("")
            values["search_name"] = case((given == "", staging.c[NAME_UPPER]), else_=given)
    copies = FOLDS.get(spec.table.name, {}).values()
    values |= {copy: staging.c[copy] for copy in copies if copy in staging.c}
    return values


def _contact_type(staging: Any) -> ColumnElement[Any]:
    """The staged rows' contact type: a file without the column holds companies."""
    return staging.c.type if "type" in staging.c else literal("company")


def _update(
    session: Session, spec: TableSpec, staging: Table, values: dict[str, ColumnElement[Any]]
) -> int:
    changes = {
        name: value
        for name, value in values.items()
        if name not in spec.key and name != "contact_id"
    }
    if not changes:
        return 0
    statement = update_rows(spec.table).where(key_match(spec, staging)).values(changes)
    return _count(session.execute(statement))


def _insert_contacts(
    session: Session,
    staging: Table,
    values: dict[str, ColumnElement[Any]],
    *,
    update: bool,
    phase: OnPhase,
) -> int:
    """One INSERT … SELECT with the ids given: a row's id is the last id plus its line, so
    a person's company in the same file is found by a join on the staging table instead of
    a second pass over the new rows."""
    base = last_id(session)
    kind = _contact_type(staging)
    name = staging.c.name if "name" in staging.c else literal("")
    name_folded = staging.c.name_folded if "name_folded" in staging.c else literal("")
    new_id = staging.c.line + base
    company_row = staging.alias("company_row")
    source: Any = staging
    company_id: ColumnElement[Any] = literal(None)
    company_name: ColumnElement[Any] = literal("")
    company_name_folded: ColumnElement[Any] = literal("")
    empty = contacts_empty(session)
    if "company_no" in staging.c:
        if not empty:
            _resolve_companies(session, staging)
        source = staging.outerjoin(
            company_row,
            (company_row.c.no == staging.c.company_no) & (_contact_type(company_row) == "company"),
        )
        company_id = func.coalesce(staging.c.found_company_id, company_row.c.line + base)
        company_name = func.coalesce(staging.c.found_company_name, company_row.c.name, "")
        company_name_folded = func.coalesce(
            staging.c.found_company_name_folded,
            company_row.c.name_folded if "name_folded" in company_row.c else None,
            "",
        )
    query = select(
        new_id,
        *values.values(),
        case((kind == "company", new_id), else_=company_id),
        case((kind == "company", name), else_=company_name),
        case((kind == "company", name_folded), else_=company_name_folded),
    ).select_from(source)
    if update:
        query = query.where(~exists().where(contacts.c.no == staging.c.no))
    if not is_postgresql(session):
        # in line order, as the ids go; PostgreSQL reads the staging table in the order it
        # was written, and a sort of a million wide rows would spill to disk
        query = query.order_by(staging.c.line)
    names = ["id", *values, "company_id", "company_name", "company_name_folded"]
    with contacts_written(session, empty=empty, base=base, phase=phase):
        inserted = _insert(session, contacts, names, query)
    if is_postgresql(session):
        sequence_to_last(session)
    return inserted


def sequence_to_last(session: Session) -> None:
    """PostgreSQL's id sequence after the ids an insert of contacts gave."""
    sequence = func.pg_get_serial_sequence("contacts", "id")
    session.execute(
        select(func.setval(sequence, select(func.max(contacts.c.id)).scalar_subquery()))
    )


def _resolve_companies(session: Session, staging: Table) -> None:
    """Persons whose company is already a contact get its id and name in the staging
    table, in one UPDATE, so that the INSERT … SELECT reads no `contacts`: SQLite copies
    the whole result of a SELECT that reads the table it inserts into to a temporary
    table first."""
    own = (contacts.c.no == staging.c.company_no) & (contacts.c.type == "company")
    session.execute(
        update_rows(staging)
        .where(staging.c.company_no != "", exists().where(own))
        .values(
            found_company_id=select(contacts.c.id).where(own).scalar_subquery(),
            found_company_name=select(contacts.c.name).where(own).scalar_subquery(),
            found_company_name_folded=select(contacts.c.name_folded).where(own).scalar_subquery(),
        )
    )


@contextmanager
def contacts_written(session: Session, *, empty: bool, base: int, phase: OnPhase) -> Iterator[None]:
    """New contacts (ids after `base`) go into `contacts`: their change marks written by one
    statement after them (`marked_after`); into an empty table (a first load) by the
    bulk-load path (`storage.bulk`) besides: its secondary indexes, and on PostgreSQL its
    foreign key on `company_id`, built after the insert, in the same transaction, the phase
    reported before."""
    new = select(contacts.c.id).where(contacts.c.id > base)
    with ExitStack() as stack:
        if empty:
            before = partial(phase, Phase.BUILDING_INDEXES)
            stack.enter_context(built_after(session, [contacts], before_build=before))
        stack.enter_context(marked_after(session, [contacts], new))
        yield


def last_id(session: Session) -> int:
    """The highest contact id in use or handed out; on PostgreSQL the table is locked
    against other writers first, so that no one takes the ids this import gives."""
    last = select(func.coalesce(func.max(contacts.c.id), 0)).scalar_subquery()
    if not is_postgresql(session):
        return int(session.execute(select(last)).scalar_one())
    session.execute(text("LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE"))
    sequence = func.cast(func.pg_get_serial_sequence("contacts", "id"), REGCLASS)
    handed_out = func.coalesce(func.pg_sequence_last_value(sequence), 0)
    return int(session.execute(select(func.greatest(last, handed_out))).scalar_one())


def _refresh_companies(session: Session, staging: Table) -> None:
    """After an update: each imported contact's company id and name, and the company name
    of every person of an imported company."""
    scope = or_(
        contacts.c.no.in_(select(staging.c.no)), contacts.c.company_no.in_(select(staging.c.no))
    )
    session.execute(update_rows(contacts).where(scope).values(company_link()))


COMPANY = contacts.alias("company")
OWN_COMPANY = (COMPANY.c.no == contacts.c.company_no) & (COMPANY.c.type == "company")


def company_link() -> dict[str, ColumnElement[Any]]:
    """A contact's company id, name and folded name, from the company contact its company
    no. names (none and blanks when there is none): the values of an UPDATE of contacts."""
    return {
        "company_id": select(COMPANY.c.id).where(OWN_COMPANY).scalar_subquery(),
        "company_name": func.coalesce(
            select(COMPANY.c.name).where(OWN_COMPANY).scalar_subquery(), ""
        ),
        "company_name_folded": func.coalesce(
            select(COMPANY.c.name_folded).where(OWN_COMPANY).scalar_subquery(), ""
        ),
    }


def contacts_empty(session: Session) -> bool:
    """Whether `contacts` holds no row (a first load)."""
    return session.execute(select(contacts.c.id).limit(1)).first() is None

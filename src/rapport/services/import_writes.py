"""The writing half of an import: checked staging rows into the table, set-based (K4).

One UPDATE … FROM for the rows whose key exists (with `update`) and one INSERT … SELECT for
the others. Contacts take two inserts, companies first, so that each person finds its
company's id and name in the same statement that inserts it; a company's company no. is
its own no. and its `company_id` its own id (reference §1.10). A contact's search name,
left blank, is its name in upper case, as Business Central fills it.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Result,
    Select,
    Table,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy import update as update_rows
from sqlalchemy.orm import Session

from rapport.services.import_checks import key_match
from rapport.services.import_tables import TableSpec
from rapport.storage.tables import Base

contacts = Base.metadata.tables["contacts"]


def write(session: Session, spec: TableSpec, staging: Table, *, update: bool) -> tuple[int, int]:
    """Insert the staged rows (and update the existing ones with `update`): (inserted, updated)."""
    values = _values(spec, staging)
    updated = _update(session, spec, staging, values) if update else 0
    if spec.name == "contacts":
        inserted = _insert_contacts(session, staging, values, update=update)
        if update:
            _refresh_companies(session, staging)
        return inserted, updated
    query = select(*values.values())
    if update:
        query = query.where(~exists().where(key_match(spec, staging)))
    inserted = _insert(session, spec.table, list(values), query.order_by(staging.c.line))
    return inserted, updated


def _insert(session: Session, target: Table, names: list[str], query: Select[Any]) -> int:
    return _count(session.execute(insert(target).from_select(names, query)))


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
            values["search_name"] = case((given == "", func.upper(staging.c.name)), else_=given)
    return values


def _contact_type(staging: Table) -> ColumnElement[Any]:
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
    session: Session, staging: Table, values: dict[str, ColumnElement[Any]], *, update: bool
) -> int:
    new = [_contact_type(staging) == kind for kind in ("company", "person")]
    if update:
        new = [and_new & ~exists().where(contacts.c.no == staging.c.no) for and_new in new]
    name = (staging.c.name if "name" in staging.c else literal("")).label("company_name")
    companies = select(*values.values(), name).where(new[0]).order_by(staging.c.line)
    inserted = _insert(session, contacts, [*values, "company_name"], companies)
    session.execute(
        update_rows(contacts)
        .where(
            contacts.c.company_id.is_(None),
            contacts.c.type == "company",
            contacts.c.no.in_(select(staging.c.no)),
        )
        .values(company_id=contacts.c.id)
    )
    if "type" not in staging.c:
        return inserted
    company = contacts.alias("company")
    persons = (
        select(
            *values.values(), company.c.id, func.coalesce(company.c.name, "").label("company_name")
        )
        .select_from(
            staging.outerjoin(
                company, (company.c.no == staging.c.company_no) & (company.c.type == "company")
            )
        )
        .where(new[1])
        .order_by(staging.c.line)
    )
    return inserted + _insert(session, contacts, [*values, "company_id", "company_name"], persons)


def _refresh_companies(session: Session, staging: Table) -> None:
    """After an update: each imported contact's company id and name, and the company name
    of every person of an imported company."""
    company = contacts.alias("company")
    own = (company.c.no == contacts.c.company_no) & (company.c.type == "company")
    scope = or_(
        contacts.c.no.in_(select(staging.c.no)), contacts.c.company_no.in_(select(staging.c.no))
    )
    session.execute(
        update_rows(contacts)
        .where(scope)
        .values(
            company_id=select(company.c.id).where(own).scalar_subquery(),
            company_name=func.coalesce(select(company.c.name).where(own).scalar_subquery(), ""),
        )
    )

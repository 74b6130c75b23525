"""The set-based checks of an import: each one query over the staging table (K4).

Row-wise types were checked while the file streamed in; what needs the database or the
whole file is checked here, each as one statement that returns the bad lines: references
to codes and contacts that do not exist, keys repeated within the file or already in the
table, and persons whose company is neither in the database nor in the file. The domain
rules (domain/rules.py) that need more than one cell are rendered in SQL from their
declaration, one query per rule (`RENDERINGS`); the rules on one text cell were applied while
the file streamed in, a number's range (`NumberRange`) is one query here too, and the codes a
rule says must exist are the spec's references.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Table,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from rapport.criteria.operators import one_of
from rapport.domain.rules import (
    AnswerLine,
    CodeExists,
    CompanyOfPerson,
    DateForm,
    DateOrder,
    EmailAddresses,
    MaxLength,
    NotBlank,
    NumberRange,
    OneAnswer,
    OwnCompany,
    QuestionnaireFor,
    VariantLanguage,
    rules_of,
)
from rapport.errors import N_, NO_FIELD, Text, missing_record
from rapport.services.transfer._answers import answered_before, one_answer
from rapport.services.transfer._bad_rows import BadRow
from rapport.services.transfer.tables import Reference, TableSpec
from rapport.storage.tables import Base, Contact, table_of

contacts = table_of(Contact)


Check = Callable[[Session, TableSpec, FromClause], list[BadRow]]


def _bad(
    session: Session, query: Select[tuple[int, Any]], column: str, reason: Callable[[Any], Text]
) -> list[BadRow]:
    rows = session.execute(query.order_by("line")).all()
    return [BadRow(line, column, reason(value)) for line, value in rows]


def resolve_contacts(session: Session, staging: Table) -> None:
    """Fill the staging table's `contact_id` from `contact_no`, in one statement."""
    found = select(contacts.c.id).where(contacts.c.no == staging.c.contact_no)
    session.execute(update(staging).values(contact_id=found.scalar_subquery()))


def unknown_contacts(session: Session, _spec: TableSpec, staging: FromClause) -> list[BadRow]:
    if "contact_id" not in staging.c:
        return []
    query = select(staging.c.line, staging.c.contact_no).where(staging.c.contact_id.is_(None))
    return _bad(session, query, "contact_no", _missing_contact)


def _missing_contact(no: str) -> Text:
    """Business Central's sentence for contact `no`, which is not there."""
    return missing_record(N_("Contact"), (NO_FIELD, no))


def unknown_codes(session: Session, spec: TableSpec, staging: FromClause) -> list[BadRow]:
    """Every reference of the file checked in one pass over the staging table: the columns
    of each reference hold their values where the record they name is missing, else NULL."""
    refs = [ref for ref in spec.references if all(name in staging.c for name in ref.columns)]
    if not refs:
        return []
    missing = [_missing(ref, staging) for ref in refs]
    query = select(
        staging.c.line,
        *(
            case((bad, staging.c[name]))
            for ref, bad in zip(refs, missing, strict=True)
            for name in ref.columns
        ),
    ).where(or_(*missing))
    found: list[BadRow] = []
    for line, *values in session.execute(query.order_by("line")):
        for ref in refs:
            named, values = values[: len(ref.columns)], values[len(ref.columns) :]
            if named[0] is not None:
                found.append(BadRow(line, ref.columns[0], ref.message(*named)))
    return found


def codes_known(
    session: Session, spec: TableSpec, names: Sequence[str], distinct: dict[str, set[Any] | None]
) -> bool:
    """Whether every value read in the staged columns `names` that a reference checks
    exists, told from the `distinct` values read (one query a reference, on the codes
    alone): then `unknown_codes` would find nothing, and its pass over every row need not
    run. False when a reference spans more than one column or its values were too many to
    keep."""
    for ref in spec.references:
        if not set(ref.columns) <= set(names):
            continue
        values = distinct.get(ref.columns[0]) if len(ref.columns) == 1 else None
        if values is None:
            return False
        wanted = sorted(value for value in values if value not in ("", None))
        if wanted:
            target = ref.table.c[ref.target[0]]
            found = set(session.scalars(select(target).where(one_of(target, wanted))))
            if found != set(wanted):
                return False
    return True


def _missing(ref: Reference, staging: FromClause) -> ColumnElement[bool]:
    first = staging.c[ref.columns[0]]
    match = and_(
        *(
            ref.table.c[target] == staging.c[name]
            for name, target in zip(ref.columns, ref.target, strict=True)
        )
    )
    return and_(first != "", ~exists().where(match))


def duplicates_in_file(session: Session, spec: TableSpec, staging: FromClause) -> list[BadRow]:
    key = [staging.c[name] for name in spec.key]
    first = (
        select(*key, func.min(staging.c.line).label("first"))
        .group_by(*key)
        .having(func.count() > 1)
        .subquery()
    )
    match = and_(*(first.c[name] == staging.c[name] for name in spec.key))
    query = (
        select(staging.c.line, first.c.first)
        .join_from(staging, first, match)
        .where(staging.c.line != first.c.first)
    )
    what = ", ".join(spec.key)
    return _bad(
        session,
        query,
        spec.key[0],
        lambda line: N_("the same {key} as line {line}", key=what, line=line),
    )


def existing_keys(session: Session, spec: TableSpec, staging: FromClause) -> list[BadRow]:
    if session.execute(select(spec.table).limit(1)).first() is None:
        return []  # into an empty table: no pass over the staging rows
    match = key_match(spec, staging)
    query = select(staging.c.line, staging.c[spec.key[0]]).where(exists().where(match))
    return _bad(
        session,
        query,
        spec.key[0],
        lambda value: N_(
            "{value!r} is already in {table} (import with update to change it)",
            value=value,
            table=spec.name,
        ),
    )


def missing_companies(session: Session, spec: TableSpec, staging: FromClause) -> list[BadRow]:
    """The rules on a person's company (domain/rules.py, `CompanyOfPerson`): it must be a
    company contact, in the database or in the file; one query per rule."""
    found: list[BadRow] = []
    for rule in rules_of(spec.name):
        if isinstance(rule, CompanyOfPerson) and {"type", rule.field} <= set(staging.c.keys()):
            found += _not_companies(session, staging, rule)
    return found


def _not_companies(session: Session, staging: FromClause, rule: CompanyOfPerson) -> list[BadRow]:
    in_file = staging.alias("company_row")
    no = staging.c[rule.field]
    query = select(
        staging.c.line,
        no,
        or_(exists().where(contacts.c.no == no), exists().where(in_file.c.no == no)),
    ).where(
        staging.c.type == "person",
        no != "",
        ~exists().where(contacts.c.no == no, contacts.c.type == "company"),
        ~exists().where(in_file.c.no == no, in_file.c.type == "company"),
    )
    return [
        BadRow(
            line,
            rule.field,
            rule.message(value) if known else _missing_contact(value),
        )
        for line, value, known in session.execute(query.order_by(staging.c.line))
    ]


def broken_rules(session: Session, spec: TableSpec, staging: FromClause) -> list[BadRow]:
    """Every rule on the table's rows (domain/rules.py) rendered in SQL, one query per rule,
    or applied where `APPLIED_ELSEWHERE` says; a rule of a kind that is in neither fails
    every import of its table, so no declared rule goes unchecked."""
    found: list[BadRow] = []
    names = set(staging.c.keys())
    for rule in rules_of(spec.name):
        if type(rule) in APPLIED_ELSEWHERE:
            continue
        render = RENDERINGS.get(type(rule))
        if render is None:
            raise TypeError(f"no import rendering of the rule {rule!r}")
        found += render(session, staging, names, rule)
    return found


def _dates(session: Session, staging: FromClause, names: set[str], rule: DateOrder) -> list[BadRow]:
    if not {rule.start, rule.end} <= names:
        return []
    start, end = staging.c[rule.start], staging.c[rule.end]
    query = select(staging.c.line, start, end).where(
        start.is_not(None), end.is_not(None), start > end
    )
    return [
        BadRow(line, rule.start, rule.message(first, last))
        for line, first, last in session.execute(query.order_by(staging.c.line))
    ]


def _own_company(
    session: Session, staging: FromClause, names: set[str], rule: OwnCompany
) -> list[BadRow]:
    if not {rule.field, rule.key} <= names:
        return []
    company_no = staging.c[rule.field]
    kind = staging.c.type if "type" in names else literal("company")  # a contact's default
    query = select(staging.c.line).where(
        kind == "company", company_no != "", company_no != staging.c[rule.key]
    )
    return [BadRow(line, rule.field, rule.message()) for line in session.scalars(query)]


def _variant_language(
    session: Session, staging: FromClause, names: set[str], rule: VariantLanguage
) -> list[BadRow]:
    if not {rule.key, rule.field} <= names:
        return []
    variants = Base.metadata.tables[rule.variants]
    key, language = staging.c[rule.key], staging.c[rule.field]
    has_variant = exists().where(
        variants.c[rule.variant_key] == key, variants.c[rule.variant_language] == language
    )
    query = select(staging.c.line, key, language).where(language != "", ~has_variant)
    return [
        BadRow(line, rule.field, rule.message(template, code))
        for line, template, code in session.execute(query.order_by(staging.c.line))
    ]


def _answer_line(
    session: Session, staging: FromClause, names: set[str], rule: AnswerLine
) -> list[BadRow]:
    if not {rule.questionnaire, rule.field} <= names:
        return []
    lines = Base.metadata.tables[rule.lines]
    code, line_no = staging.c[rule.questionnaire], staging.c[rule.field]
    query = (
        select(staging.c.line, code, line_no)
        .join_from(
            staging,
            lines,
            (lines.c.profile_questionnaire_code == code) & (lines.c.line_no == line_no),
        )
        .where(lines.c.type != rule.line_type)
        .order_by(staging.c.line)
    )
    return [
        BadRow(line, rule.field, rule.message(questionnaire, number))
        for line, questionnaire, number in session.execute(query)
    ]


def _questionnaire_for(
    session: Session, staging: FromClause, names: set[str], rule: QuestionnaireFor
) -> list[BadRow]:
    if rule.questionnaire not in names or "contact_id" not in names:
        return []
    questionnaires = Base.metadata.tables[rule.questionnaires]
    for_type = func.lower(func.trim(questionnaires.c.contact_type))
    wanted = case(*((for_type.like(f"{prefix}%"), kind) for prefix, kind in rule.FOR))
    query = (
        select(staging.c.line, questionnaires.c.code, wanted)
        .join_from(staging, questionnaires, questionnaires.c.code == staging.c[rule.questionnaire])
        .join(contacts, contacts.c.id == staging.c.contact_id)
        .where(wanted.is_not(None), contacts.c.type != wanted)
        .order_by(staging.c.line)
    )
    return [
        BadRow(line, rule.field, rule.message(code, kind))
        for line, code, kind in session.execute(query)
    ]


def _not_blank(
    session: Session, staging: FromClause, names: set[str], rule: NotBlank
) -> list[BadRow]:
    if rule.field not in names:
        return []
    query = select(staging.c.line).where(staging.c[rule.field] == "").order_by(staging.c.line)
    return [BadRow(line, rule.field, rule.message()) for line in session.scalars(query)]


def _number_range(
    session: Session, staging: FromClause, names: set[str], rule: NumberRange
) -> list[BadRow]:
    if rule.field not in names:
        return []
    number = staging.c[rule.field]
    outside = number < rule.low
    if rule.high is not None:
        outside = or_(outside, number > rule.high)
    query = select(staging.c.line, number).where(outside).order_by(staging.c.line)
    return [BadRow(line, rule.field, rule.message(value)) for line, value in session.execute(query)]


RENDERINGS: dict[type[Any], Callable[[Session, FromClause, set[str], Any], list[BadRow]]] = {
    DateOrder: _dates,
    OwnCompany: _own_company,
    VariantLanguage: _variant_language,
    AnswerLine: _answer_line,
    QuestionnaireFor: _questionnaire_for,
    OneAnswer: one_answer,  # within the file; `answered_before` against the database
    NotBlank: _not_blank,
    NumberRange: _number_range,
}
# The rules the import applies elsewhere, and where.
APPLIED_ELSEWHERE: dict[type[Any], str] = {
    MaxLength: "the cell converters (_values), chunk by chunk",
    DateForm: "the cell converters (_values), chunk by chunk",
    EmailAddresses: "the cell converters (_values), chunk by chunk",
    CodeExists: "unknown_codes, through the spec's references (tables)",
    CompanyOfPerson: "missing_companies, the last check",
}


def key_match(spec: TableSpec, staging: FromClause) -> ColumnElement[bool]:
    """The join of a staging row to the table row with the same key."""
    target = spec.table
    pairs = [
        ("contact_id", "contact_id") if name == "contact_no" else (name, name) for name in spec.key
    ]
    return and_(*(target.c[column] == staging.c[staged] for column, staged in pairs))


def checks(*, update: bool, keys_unique: bool = False) -> list[Check]:
    """The checks in order; a person's company comes last so that, when bad rows are
    skipped, a company row skipped for another reason does not count as present. With
    `keys_unique`, the rows are in the table already, whose unique key has refused a key
    repeated in the file or already there (a first load written directly, `_direct`)."""
    found: list[Check] = [unknown_contacts, unknown_codes, broken_rules]
    if not keys_unique:
        found.append(duplicates_in_file)
        if not update:
            found += [existing_keys, answered_before]
    return [*found, missing_companies]

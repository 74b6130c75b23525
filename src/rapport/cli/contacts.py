"""`rapport contacts …`: list, show, add, change and delete contacts (K1) and assign what is
kept about them (K2).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from rapport.cli import contact_duplicates, output
from rapport.cli.state import state
from rapport.errors import Invalid

app = typer.Typer(
    no_args_is_help=True,
    help="Contacts: companies and persons, and what is kept about them.",
)

Contact = Annotated[str, typer.Argument(help="Contact no., e.g. CT000001.")]
Values = Annotated[
    list[str] | None,
    typer.Argument(
        help="FIELD=VALUE pairs; fields as in the criteria language (no, name, type, "
        "company_no, country, email, salesperson, language, excluded, created …)."
    ),
]
SILENT = ("", None, False, ())
LIST_COLUMNS = ["no", "name", "type", "company_no", "company_name", "city", "country", "email"]
ASSIGNMENT_LISTS = (
    "mailing_groups",
    "industry_groups",
    "business_relations",
    "job_responsibilities",
    "web_sources",
    "profile_answers",
)
CARD_LISTS = {
    "mailing_groups": ["code", "description"],
    "industry_groups": ["code", "description"],
    "business_relations": ["code", "description", "link_to_table", "link_no"],
    "job_responsibilities": ["code", "description"],
    "web_sources": ["code", "description", "search_word"],
    "profile_answers": ["code", "answer_line", "description", "last_date_updated"],
    "alt_addresses": ["code", "address", "post_code", "city", "country", "email"],
    "recent_interactions": [
        "entry_no",
        "date",
        "interaction_template_code",
        "description",
        "segment_no",
        "canceled",
    ],
}


def pairs(values: list[str] | None) -> dict[str, str]:
    """FIELD=VALUE arguments as a mapping; a field given twice is an error."""
    result: dict[str, str] = {}
    for pair in values or []:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise Invalid(f"expected FIELD=VALUE, got {pair!r}")
        if name in result:
            raise Invalid(f"field '{name}' is given twice")
        result[name] = value
    return result


@app.command("list")
def list_contacts(
    ctx: typer.Context,
    where: Annotated[
        str | None,
        typer.Option("--where", help='Criteria, e.g. "country = BE and type = person".'),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=0, help="At most N contacts (default: all).")
    ] = None,
) -> None:
    """K1: the contacts in no. order, every field with --json (streamed)."""
    from rapport.services.contacts import cards as contacts

    st = state(ctx)
    rows = (asdict(row) for row in contacts.get_all(st.sessions, where=where, limit=limit))
    if st.json:
        output.write_json_lines(rows)
    else:
        output.table(rows, LIST_COLUMNS)


@app.command("show")
def show(ctx: typer.Context, contact: Contact) -> None:
    """K1/K2: the contact card: its fields, groups, relations, responsibilities, web
    sources, profile answers, alternate addresses and latest interactions, and its consent
    (X7: privacy blocked, opted out of). A person shows the industry groups and business
    relations of its company."""
    from rapport.services.contacts import card as contact_card

    st = state(ctx)
    card = asdict(contact_card.get(st.database, contact))
    for name in ASSIGNMENT_LISTS:
        card[name] = [_flat(item) for item in card[name]]

    def human() -> None:
        shown = {k: v for k, v in card.items() if k not in CARD_LISTS and v not in SILENT}
        shown["privacy_blocked"] = card["privacy_blocked"]
        shown["opted_out"] = ", ".join(card["opted_out"]) or "nothing"
        output.fields(shown)
        for name, columns in CARD_LISTS.items():
            if card[name]:
                output.table(card[name], columns, title=name.replace("_", " "))

    output.result(card, as_json=st.json, human=human)


def _flat(item: dict[str, Any]) -> dict[str, Any]:
    """An assignment with its link's own fields beside its code and description."""
    values = item.get("values") or {}
    return {"code": item["code"], "description": item["description"], **values}


@app.command("add")
def add(ctx: typer.Context, values: Values = None) -> None:
    """K1: a new contact (a company unless type=person); prints its no. Without no=… the
    number comes from the contact number series."""
    from rapport.services.contacts import cards as contacts

    st = state(ctx)
    created = asdict(contacts.add_contact(st.sessions, fields=pairs(values)))
    output.result(created, as_json=st.json, human=lambda: output.say(created["no"]))


@app.command("set")
def set_fields(ctx: typer.Context, contact: Contact, values: Values = None) -> None:
    """K1: change fields of a contact. A company's new name reaches its persons; a new
    company no. is refused while the contact is on an unlogged segment."""
    from rapport.services.contacts import cards as contacts

    st = state(ctx)
    given = pairs(values)
    if not given:
        raise Invalid("give at least one FIELD=VALUE")
    changed = asdict(contacts.edit_contact(st.sessions, contact, fields=given, by=st.user))
    output.result(changed, as_json=st.json, human=lambda: output.fields(changed))


@app.command("delete")
def delete(ctx: typer.Context, contact: Contact) -> None:
    """K1: delete a contact and what is kept about it. Refused while it is on an unlogged
    segment, has interactions, opportunities or tasks, or (a company) still has persons."""
    from rapport.services.contacts import cards as contacts

    st = state(ctx)
    no = contact.strip().upper()
    contacts.delete_contact(st.sessions, no)
    output.result(
        {"no": no, "deleted": True},
        as_json=st.json,
        human=lambda: output.message(f"Contact {no} deleted."),
    )


CorrespondenceTypeOption = Annotated[
    str, typer.Option("--type", help="The correspondence type: email or hard_copy.")
]


def _consent(data: dict[str, Any], as_json: bool) -> None:
    def human() -> None:
        opted = ", ".join(data["opted_out"]) or "nothing"
        output.message(f"Contact {data['contact_no']} has opted out of: {opted}.")

    output.result(data, as_json=as_json, human=human)


@app.command("opt-out")
def opt_out(ctx: typer.Context, contact: Contact, kind: CorrespondenceTypeOption) -> None:
    """X7: the contact opts out of a correspondence type: segments skip it for lines of
    that type, and delivery skips it even if it is already on a segment."""
    from rapport.services.contacts import consent

    st = state(ctx)
    done = consent.opt_out(st.sessions, contact, correspondence_type=kind, by=st.user)
    _consent(asdict(done), st.json)


@app.command("opt-in")
def opt_in(ctx: typer.Context, contact: Contact, kind: CorrespondenceTypeOption) -> None:
    """X7: take back the contact's opt-out of a correspondence type."""
    from rapport.services.contacts import consent

    st = state(ctx)
    done = consent.opt_in(st.sessions, contact, correspondence_type=kind, by=st.user)
    _consent(asdict(done), st.json)


@app.command("assign")
def assign(
    ctx: typer.Context,
    contact: Contact,
    relation: Annotated[
        str,
        typer.Argument(
            help="mailing_group, industry_group (companies), business_relation (companies), "
            "job_responsibility (persons), web_source or profile."
        ),
    ],
    code: Annotated[str, typer.Argument(help="The code; for profile, the questionnaire.")],
    values: Annotated[
        list[str] | None,
        typer.Argument(
            help="business_relation: link_to_table=customer|vendor|bank_account|employee "
            "link_no=NO; web_source: search_word=WORD; profile: answer_line=LINE_NO."
        ),
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the assignment away.")] = False,
) -> None:
    """K2: assign a mailing group, industry group, business relation, job responsibility,
    web source or profile answer to a contact, or take it away with --remove. Example:
    `rapport contacts assign CT000001 profile CUSTOMER answer_line=30`."""
    from rapport.services.contacts import relations as contact_relations

    st = state(ctx)
    given = pairs(values)
    name = relation.strip().lower()
    if remove:
        contact_relations.unassign(st.sessions, contact, relation=name, code=code, values=given)
        shape: dict[str, Any] = {
            "contact_no": contact.strip().upper(),
            "relation": name,
            "code": code.strip().upper(),
            "removed": True,
        }
        text = f"{shape['relation']} {shape['code']} removed from {shape['contact_no']}."
    else:
        done = contact_relations.assign(
            st.sessions, contact, relation=name, code=code, values=given
        )
        shape = {
            "contact_no": contact.strip().upper(),
            "relation": done.relation,
            **_flat(asdict(done)),
        }
        text = f"{done.relation} {done.code} assigned to {shape['contact_no']}."
    output.result(shape, as_json=st.json, human=lambda: output.message(text))


contact_duplicates.register(app)

"""`rapport campaign …`: campaigns, their entries, statuses and target groups (C1–C3).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import Assignments, assignments
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Campaigns: create, list, activate targets.")

CampaignNo = Annotated[str, typer.Argument(help="Campaign no., e.g. CP00001.")]


def _date_option(name: str) -> Any:
    # Taken as text and checked by the service: a bad date is a user error (exit 1).
    return typer.Option(name, metavar="YYYY-MM-DD", help="Date.", show_default=False)


def print_rows(
    rows: list[Any], *, as_json: bool, columns: list[str] | None = None, none: str = ""
) -> None:
    """Every field of every row as a JSON array; for people a table of `columns` (the list
    a user scans: a hundred opportunities are a hundred lines), or without them one
    `field  value` block per row (a record of a dozen fields). No rows: `none` is said."""
    data = [asdict(row) for row in rows]
    if as_json:
        output.write_json(data)
    elif not data and none:
        output.message(none)
    elif columns:
        output.table(data, columns)
    else:
        for index, row in enumerate(data):
            if index:
                output.say()
            output.fields(row)


@app.command("create")
def create(
    ctx: typer.Context,
    description: Annotated[str, typer.Option("--description", help="Description.")],
    starting_date: Annotated[str, _date_option("--starting-date")] = "",
    ending_date: Annotated[str, _date_option("--ending-date")] = "",
    salesperson: Annotated[str, typer.Option("--salesperson", help="Salesperson code.")] = "",
    status: Annotated[str, typer.Option("--status", help="Campaign status code.")] = "",
) -> None:
    """C1: create a campaign numbered from the campaign series; prints its no."""
    from rapport.services.campaigns import cards as campaigns

    st = state(ctx)
    no = campaigns.create_campaign(
        st.sessions,
        description=description,
        starting_date=starting_date,
        ending_date=ending_date,
        salesperson_code=salesperson,
        status_code=status,
    )
    output.result({"no": no}, as_json=st.json, human=lambda: output.say(no))


@app.command("list")
def list_campaigns(ctx: typer.Context) -> None:
    """C2: every campaign with its totals (every field)."""
    from rapport.services.campaigns import cards as campaigns

    st = state(ctx)
    print_rows(campaigns.get_all(st.sessions), as_json=st.json)


@app.command("show")
def show(ctx: typer.Context, campaign: CampaignNo) -> None:
    """C2: one campaign with its totals and target groups."""
    from rapport.services.campaigns import cards as campaigns
    from rapport.services.campaigns import targets as campaign_targets

    st = state(ctx)
    card = asdict(campaigns.get(st.sessions, campaign))
    card["target_groups"] = [
        {"type": kind, "no": no}
        for kind, no in campaign_targets.get_target_groups(st.sessions, campaign)
    ]

    def human() -> None:
        output.fields({k: v for k, v in card.items() if k != "target_groups"})
        if card["target_groups"]:
            output.table(card["target_groups"], ["type", "no"], title="target groups")

    output.result(card, as_json=st.json, human=human)


ENTRY_COLUMNS = [
    "entry_no",
    "date",
    "description",
    "segment_no",
    "register_no",
    "no_of_interactions",
    "cost",
    "duration",
    "canceled",
    "user_id",
]


@app.command("entries")
def entries(ctx: typer.Context, campaign: CampaignNo) -> None:
    """C2: the campaign's entries (one per logged segment) with their totals."""
    from rapport.services.campaigns import cards as campaigns

    st = state(ctx)
    print_rows(
        campaigns.get_entries(st.sessions, campaign),
        as_json=st.json,
        columns=ENTRY_COLUMNS,
        none=f"Campaign {campaign.strip().upper()} has no entries.",
    )


@app.command("activate")
def activate(ctx: typer.Context, campaign: CampaignNo) -> None:
    """C3: build the campaign's target groups from its target lines and interactions."""
    from rapport.services.campaigns import targets as campaign_targets

    st = state(ctx)
    result = campaign_targets.activate(st.sessions, campaign)
    output.result(asdict(result), as_json=st.json, human=lambda: output.message(result.message))


@app.command("deactivate")
def deactivate(ctx: typer.Context, campaign: CampaignNo) -> None:
    """C3: remove every target group of the campaign."""
    from rapport.services.campaigns import targets as campaign_targets

    st = state(ctx)
    result = campaign_targets.deactivate(st.sessions, campaign)
    output.result(asdict(result), as_json=st.json, human=lambda: output.message(result.message))


@app.command("statuses")
def statuses(ctx: typer.Context) -> None:
    """C1: the campaign statuses."""
    from rapport.services.campaigns import cards as campaigns

    st = state(ctx)
    print_rows(campaigns.get_statuses(st.sessions), as_json=st.json)


@app.command("add-status")
def add_status(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Status code.")],
    description: Annotated[str, typer.Option("--description", help="Description.")] = "",
) -> None:
    """C1: add a campaign status."""
    from rapport.services.campaigns import cards as campaigns

    st = state(ctx)
    result = campaigns.create_status(st.sessions, code=code, description=description)
    output.result(asdict(result), as_json=st.json, human=lambda: output.say(result.code))


@app.command("set")
def set_fields(ctx: typer.Context, campaign: CampaignNo, values: Assignments) -> None:
    """C1: change a campaign's fields (description, starting_date, ending_date,
    salesperson_code, status_code), e.g. `ending_date=2026-06-30`."""
    from rapport.services.campaigns import edits

    st = state(ctx)
    row = asdict(edits.set_campaign(st.sessions, campaign, values=assignments(values)))
    output.result(row, as_json=st.json, human=lambda: output.fields(row))

"""`rapport opportunities …` and `rapport tasks …`: the follow-up made from segments (S14).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rapport.cli.campaigns import print_rows
from rapport.cli.state import state

opportunities = typer.Typer(no_args_is_help=True, help="Opportunities.")
tasks = typer.Typer(no_args_is_help=True, help="Tasks.")

SegmentFilter = Annotated[
    str | None, typer.Option("--segment", help="Only those made from this segment.")
]


# The columns people scan; --json gives every field.
OPPORTUNITY_COLUMNS = [
    "no",
    "description",
    "contact_no",
    "salesperson_code",
    "campaign_no",
    "segment_no",
    "sales_cycle_code",
    "creation_date",
    "status",
]
TASK_COLUMNS = [
    "no",
    "type",
    "description",
    "date",
    "contact_no",
    "salesperson_code",
    "campaign_no",
    "segment_no",
    "status",
    "closed",
]


@opportunities.command("list")
def list_opportunities(ctx: typer.Context, segment: SegmentFilter = None) -> None:
    """S14: every opportunity by no. (every field with --json)."""
    from rapport.services.segments import followup

    st = state(ctx)
    print_rows(
        followup.get_opportunities(st.sessions, segment_no=segment),
        as_json=st.json,
        columns=OPPORTUNITY_COLUMNS,
        none="No opportunities.",
    )


@tasks.command("list")
def list_tasks(ctx: typer.Context, segment: SegmentFilter = None) -> None:
    """S14: every task by no. (every field with --json)."""
    from rapport.services.segments import followup

    st = state(ctx)
    print_rows(
        followup.get_tasks(st.sessions, segment_no=segment),
        as_json=st.json,
        columns=TASK_COLUMNS,
        none="No tasks.",
    )

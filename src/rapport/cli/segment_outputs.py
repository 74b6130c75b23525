"""`rapport segment export | apply-mailing-group | create-opportunities | create-tasks`:
what a segment's contacts are used for besides logging (S12, S13, S14).

`register(app)` adds the commands to the `segment` sub-app. Services are imported inside
the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from rapport.cli import output, progress, segment_analytics
from rapport.cli.options import Segment
from rapport.cli.state import state


def export(
    ctx: typer.Context,
    segment: Segment,
    out: Annotated[Path, typer.Option("-o", "--output", help="FILE.csv or FILE.xlsx.")],
) -> None:
    """S13: export the contacts of the segment's lines (CSV or Excel by extension). On a
    terminal, a progress bar follows the rows."""
    from rapport.services.segments import outputs as segment_outputs

    st = state(ctx)
    with progress.bar(f"Exporting {segment}", as_json=st.json) as update_bar:
        result = segment_outputs.export_contacts(
            st.sessions, segment, path=out, on_progress=update_bar
        )
    output.result(
        {"segment_no": result.segment_no, "path": str(result.path), "rows": result.rows},
        as_json=st.json,
        human=lambda: output.message(
            f"{output.counted(result.rows, 'contact')} written to {result.path}."
        ),
    )


def apply_mailing_group(
    ctx: typer.Context,
    segment: Segment,
    group: Annotated[str, typer.Argument(help="Mailing group code.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="First remove the group from every contact.")
    ] = False,
) -> None:
    """S12: give every contact of the segment the mailing group."""
    from rapport.services.segments import outputs as segment_outputs

    st = state(ctx)
    result = segment_outputs.apply_mailing_group(st.sessions, segment, code=group, replace=replace)
    output.result(asdict(result), as_json=st.json, human=lambda: output.message(result.message))


def create_opportunities(
    ctx: typer.Context,
    segment: Segment,
    sales_cycle: Annotated[str, typer.Option("--sales-cycle", help="Sales cycle code.")],
    description: Annotated[
        str | None, typer.Option("--description", help="Default: the line's description.")
    ] = None,
) -> None:
    """S14: an opportunity for every contact of the segment."""
    from rapport.services.segments import followup

    st = state(ctx)
    result = followup.create_opportunities(
        st.sessions, segment, sales_cycle_code=sales_cycle, description=description
    )
    output.result(
        asdict(result),
        as_json=st.json,
        human=lambda: output.message(
            f"{output.counted(result.created, 'opportunity', 'opportunities')} created"
            f" ({result.first_no}..{result.last_no})."
        ),
    )


def create_tasks(
    ctx: typer.Context,
    segment: Segment,
    type_: Annotated[str, typer.Option("--type", help="meeting, phone_call or blank.")],
    date: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="Date.")],
    description: Annotated[str, typer.Option("--description", help="Description.")],
    salesperson: Annotated[
        str | None, typer.Option("--salesperson", help="Default: each line's salesperson.")
    ] = None,
) -> None:
    """S14: a task for every contact of the segment, with its attendees."""
    from rapport.services.segments import followup

    st = state(ctx)
    result = followup.create_tasks(
        st.sessions,
        segment,
        type=type_,
        date=date,
        description=description,
        salesperson_code=salesperson,
    )
    output.result(
        asdict(result),
        as_json=st.json,
        human=lambda: output.message(
            f"{output.counted(result.created, 'task')} created"
            f" ({result.first_no}..{result.last_no})."
        ),
    )


def register(app: typer.Typer) -> None:
    """Add these commands to the `segment` sub-app."""
    app.command("export")(export)
    app.command("apply-mailing-group")(apply_mailing_group)
    app.command("create-opportunities")(create_opportunities)
    app.command("create-tasks")(create_tasks)
    segment_analytics.register(app)

"""`rapport interactions …`: interaction log entries — list and filter, cancel, evaluate,
attempt failed, totals (L6).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Interaction log entries: list, cancel, totals.")

Entry = Annotated[int, typer.Argument(help="Interaction log entry no.")]
Entries = Annotated[list[int], typer.Argument(help="Interaction log entry nos.")]
Where = Annotated[
    str,
    typer.Option(
        "--where",
        help="Criteria on the entries (docs/criteria-language.md), by the field names printed "
        "or the criteria language's, e.g. \"campaign_no = CP00001 and date >= today - 2w and "
        'not canceled".',
    ),
]
COLUMNS = [
    "entry_no",
    "date",
    "contact_no",
    "contact_name",
    "interaction_template_code",
    "description",
    "correspondence_type",
    "logged_segment",
    "campaign_no",
    "cost",
    "duration",
    "evaluation",
    "canceled",
    "delivery_status",
]


@app.command("list")
def list_entries(
    ctx: typer.Context,
    where: Where = "",
    limit: Annotated[
        int | None, typer.Option("--limit", min=0, help="At most N entries (default: all).")
    ] = None,
) -> None:
    """L6: the interaction log entries in entry order, every field with --json (streamed)."""
    from rapport.services.interactions import entries as interaction_entries

    st = state(ctx)
    rows = interaction_entries.get_all(st.sessions, where=where, limit=limit)
    if st.json:
        output.write_json_lines(rows)
    else:
        output.table(rows, COLUMNS)


def set_canceled(ctx: typer.Context, entries: list[int], *, canceled: bool) -> None:
    from rapport.services.interactions import entries as interaction_entries

    st = state(ctx)
    count = interaction_entries.cancel(st.sessions, entries, canceled=canceled)
    word = "canceled" if canceled else "no longer canceled"
    output.result(
        {"entries": count, "canceled": canceled},
        as_json=st.json,
        human=lambda: output.message(f"{count} Interaction Log Entry {word}."),
    )


@app.command("cancel")
def cancel(ctx: typer.Context, entries: Entries) -> None:
    """L6: cancel single interaction log entries."""
    set_canceled(ctx, entries, canceled=True)


@app.command("uncancel")
def uncancel(ctx: typer.Context, entries: Entries) -> None:
    """L6: remove the canceled mark (the logged segment and campaign entry must not be
    canceled)."""
    set_canceled(ctx, entries, canceled=False)


@app.command("evaluate")
def evaluate(
    ctx: typer.Context,
    entry: Entry,
    evaluation: Annotated[
        str,
        typer.Argument(
            help="very_positive, positive, neutral, negative, very_negative, or '' to clear."
        ),
    ],
) -> None:
    """L6: record how the interaction went."""
    from rapport.services.interactions import entries as interaction_entries

    st = state(ctx)
    row = output.plain(interaction_entries.evaluate(st.sessions, entry, evaluation=evaluation))
    output.result(row, as_json=st.json, human=lambda: output.fields(row))


@app.command("attempt-failed")
def attempt_failed(
    ctx: typer.Context,
    entry: Entry,
    clear: Annotated[bool, typer.Option("--clear", help="The attempt did not fail.")] = False,
) -> None:
    """L6: record that the attempt to reach the contact failed."""
    from rapport.services.interactions import entries as interaction_entries

    st = state(ctx)
    row = output.plain(
        interaction_entries.set_attempt_failed(st.sessions, entry, attempt_failed=not clear)
    )
    output.result(row, as_json=st.json, human=lambda: output.fields(row))


@app.command("totals")
def totals(
    ctx: typer.Context,
    by: Annotated[str, typer.Option("--by", help="template, group, campaign or contact.")],
    where: Where = "",
) -> None:
    """L6: number, cost and duration of the interactions that are neither canceled nor
    postponed, per template, group, campaign or contact."""
    from rapport.services.interactions import entries as interaction_entries

    st = state(ctx)
    rows = [asdict(row) for row in interaction_entries.totals(st.sessions, by=by, where=where)]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(
            rows, ["code", "description", "no_of_interactions", "cost", "duration"]
        ),
    )

"""`rapport logged …`: logged segments — list, show with each recipient's delivery status,
cancel, un-cancel, delete the canceled ones, resend what was not delivered (L5, L3, X8).

Services are imported inside the commands so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from itertools import islice
from typing import Annotated, Any

import typer

from rapport.cli import output, progress
from rapport.cli.options import OutputDir
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Logged segments: list, show, cancel, delete, resend.")

Entry = Annotated[int, typer.Argument(help="Logged segment entry no.")]
# The recipients `logged show` lists unless told (--limit N; --json streams them all).
SHOWN = 50
RECIPIENT_COLUMNS = ["entry_no", "contact_no", "contact_name", "recipient", "status", "reason"]
COLUMNS = [
    "entry_no",
    "segment_no",
    "description",
    "no_of_interactions",
    "no_of_campaign_entries",
    "canceled",
    "creation_date",
    "user_id",
]


def show(row: dict[str, Any], as_json: bool) -> None:
    output.result(row, as_json=as_json, human=lambda: output.fields(row))


@app.command("list")
def list_logged(
    ctx: typer.Context,
    where: Annotated[
        str,
        typer.Option(
            "--where",
            help="Criteria on the logged segments (docs/criteria-language.md), by the field "
            "names printed or the criteria language's, e.g. \"segment = SEG00001 and not "
            'canceled".',
        ),
    ] = "",
) -> None:
    """L5: every logged segment (those --where selects) with its interaction and campaign
    entry counts."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    rows = [asdict(row) for row in logged_segments.get_all(st.sessions, where=where)]
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, COLUMNS))


@app.command("show")
def show_logged(
    ctx: typer.Context,
    entry: Entry,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=0, help=f"Show at most N recipients (text: {SHOWN} unless given)."
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            help="Only the recipients in this delivery state (pending, sending, sent, failed, "
            "skipped, uncertain); repeat it for more than one.",
        ),
    ] = None,
) -> None:
    """L3/X8: a logged segment with its delivery counts and each recipient's status and
    reason (sent; failed: why; skipped: opted out, privacy blocked, no e-mail address);
    --json streams every recipient."""
    from rapport.services.delivery import queue
    from rapport.services.delivery.claims import queue_states
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    states = status or []
    shown = limit if limit is not None or st.json else SHOWN
    card = logged_segments.show(st.sessions, entry, limit=0 if st.json else shown, statuses=states)
    fields = {**asdict(card.logged_segment), "delivery": asdict(card.delivery)}
    if st.json:
        rows = queue.stream_deliveries(st.sessions, logged_segment_entry_no=entry, statuses=states)
        output.write_json_with_rows(
            fields, "deliveries", (asdict(row) for row in islice(rows, shown))
        )
        return
    output.fields(asdict(card.logged_segment))
    output.fields({"delivery": output.counts(fields["delivery"], none="nothing queued")})
    recipients = (
        {**asdict(row), "recipient": row.recipient or row.channel} for row in card.deliveries
    )
    output.table(recipients, RECIPIENT_COLUMNS)
    chosen = queue_states(states) or tuple(fields["delivery"])
    queued = sum(count for name, count in fields["delivery"].items() if name in chosen)
    if queued > len(card.deliveries):
        output.message(f"… {queued - len(card.deliveries)} more recipients (--limit N, or --json).")


@app.command("cancel")
def cancel(ctx: typer.Context, entry: Entry) -> None:
    """L5: cancel a logged segment with its interactions and campaign entries."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    show(asdict(logged_segments.cancel_log(st.sessions, entry)), st.json)


@app.command("uncancel")
def uncancel(ctx: typer.Context, entry: Entry) -> None:
    """L5: remove the canceled mark from a logged segment and its entries."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    show(asdict(logged_segments.uncancel_log(st.sessions, entry)), st.json)


@app.command("delete-canceled")
def delete_canceled(
    ctx: typer.Context,
    entry: Annotated[
        int | None, typer.Option("--entry", help="Only this logged segment (if canceled).")
    ] = None,
) -> None:
    """L5: delete the canceled logged segments; their interactions and campaign entries
    stay, canceled."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    deleted = logged_segments.delete_canceled(st.sessions, entry_no=entry)
    output.result(
        {"deleted": deleted},
        as_json=st.json,
        human=lambda: output.message(f"{deleted} Logged Segment has been deleted."),
    )


@app.command("resend")
def resend(
    ctx: typer.Context,
    entry: Entry,
    output_dir: OutputDir = None,
    include_uncertain: Annotated[
        bool,
        typer.Option(
            "--include-uncertain",
            help="Also send the entries whose delivery was interrupted after the hand-off "
            "to the mail server (they may have arrived).",
        ),
    ] = False,
    correspondence_type: Annotated[
        str,
        typer.Option(
            "--correspondence-type",
            help="Deliver them all as hard_copy or email (default: as each entry).",
        ),
    ] = "",
) -> None:
    """L5: deliver again what was not sent (failed, skipped, interrupted, never queued), in
    this process with a progress bar; an entry already sent is never sent twice, an
    uncertain one only with --include-uncertain, a canceled logged segment not at all.
    --correspondence-type email sends by e-mail what was to be a hard copy (BC's Resend
    option), hard_copy the other way round."""
    from rapport.services.interactions import logged as logged_segments

    st = state(ctx)
    with progress.bar("Resending", as_json=st.json) as update_bar:
        result = logged_segments.resend(
            st.sessions,
            entry,
            settings=st.settings,
            output_dir=output_dir,
            include_uncertain=include_uncertain,
            correspondence_type=correspondence_type,
            on_progress=update_bar,
        )
    data = {
        "sent": result.sent,
        "failed": result.failed,
        "skipped": result.skipped,
        "archive": str(result.archive) if result.archive else None,
    }
    show(data, st.json)

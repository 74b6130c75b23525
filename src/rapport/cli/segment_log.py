"""`rapport segment log SEG`: log a segment as interactions, optionally delivering them and
creating a follow-up segment (L2, L3, L4).

Registered on the segment sub-app by `cli/segments.py`; the service is imported inside the
command so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output, progress
from rapport.cli.options import OutputDir, Segment
from rapport.cli.state import state


def register(app: typer.Typer) -> None:
    """Add the `log` command to the segment sub-app."""
    app.command("log")(log)


def log(
    ctx: typer.Context,
    segment: Segment,
    deliver: Annotated[
        bool, typer.Option("--deliver", help="Send the e-mails and write the hard copies.")
    ] = False,
    follow_up: Annotated[
        bool, typer.Option("--follow-up", help="Create a follow-up segment with the same contacts.")
    ] = False,
    output_dir: OutputDir = None,
) -> None:
    """L2: log the segment: one interaction per contact, one campaign entry per campaign,
    attachments frozen, the segment removed; all or nothing."""
    from rapport.services.interactions import log as interactions

    st = state(ctx)
    with progress.bar("Delivering", as_json=st.json or not deliver) as update_bar:
        result = interactions.log_segment(
            st.database,
            segment,
            deliver=deliver,
            follow_up=follow_up,
            user=st.user,
            settings=st.settings,
            output_dir=output_dir,
            on_progress=update_bar,
        )
    data = asdict(result)

    def human() -> None:
        output.message(f"Segment {segment.strip().upper()} has been logged.")
        shown = {k: v for k, v in data.items() if v is not None and k != "delivery"}
        if deliver:
            shown["delivery"] = output.counts(data["delivery"], none="nothing to deliver")
        output.fields(shown)

    output.result(data, as_json=st.json, human=human)

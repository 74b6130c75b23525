"""`rapport segment stats | overlap`: a segment's composition by a contact field and the
overlap between segments (X6), from the same service as the web card's charts.

`register(app)` adds the commands to the `segment` sub-app.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.options import Segment
from rapport.cli.state import state


def stats(
    ctx: typer.Context,
    segment: Segment,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="A contact field (country, salesperson …) or a relation (industry_group …).",
        ),
    ],
) -> None:
    """X6: the segment's lines counted by a contact field, largest groups first."""
    from rapport.services.segments import analytics

    st = state(ctx)
    result = analytics.stats(st.sessions, segment, by=by)
    data = asdict(result)

    def human() -> None:
        rows = [{result.by: g.value or "(none)", "lines": g.lines} for g in result.groups]
        if result.other:
            rows.append({result.by: "(other)", "lines": result.other})
        output.table(rows, [result.by, "lines"], title=f"{result.segment_no} by {result.by}")

    output.result(data, as_json=st.json, human=human)


def overlap(
    ctx: typer.Context,
    segments: Annotated[list[str], typer.Argument(help="Two or more segment nos.")],
) -> None:
    """X6: how many contacts each pair of the segments has in common."""
    from rapport.services.segments import analytics

    st = state(ctx)
    result = analytics.overlap(st.sessions, segments)

    def human() -> None:
        rows = [
            {"segment": no, **dict(zip(result.segment_nos, counts, strict=True))}
            for no, counts in zip(result.segment_nos, result.counts, strict=True)
        ]
        output.table(rows, ["segment", *result.segment_nos])

    output.result(asdict(result), as_json=st.json, human=human)


def register(app: typer.Typer) -> None:
    """Add these commands to the `segment` sub-app."""
    app.command("stats")(stats)
    app.command("overlap")(overlap)

"""`rapport demo [--contacts N] [--seed S]`: load the demo company, add synthetic contacts.

The demo company is a small, realistic company to try Rapport on (SPEC §1); `--contacts N`
adds N synthetic contacts with the benchmark workload of SPEC §9 (loading the demo first
when it is not there yet). The loaders are imported inside the command to keep
`rapport --help` fast.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.state import state


def demo(
    ctx: typer.Context,
    contacts: Annotated[
        int,
        typer.Option(
            "--contacts",
            min=0,
            help="Add N synthetic contacts (with groups, relations, answers and interactions).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated data.")] = 42,
) -> None:
    """Load the demo company; with --contacts N, add N synthetic contacts."""
    from rapport.demo.company import load

    st = state(ctx)
    started = time.perf_counter()

    def say(text: str) -> None:
        output.message(f"{text} ({time.perf_counter() - started:.1f} s)")

    def progress(done: int, total: int) -> None:
        say(f"{done:,} of {total:,} synthetic contacts")

    def building() -> None:
        say("building the indexes of the synthetic contacts")

    outcome = load(st.sessions, contacts=contacts, seed=seed, progress=progress, building=building)
    summary: dict[str, Any] = {
        **outcome.counts,
        "demo_loaded": outcome.demo_loaded,
        "synthetic_added": outcome.synthetic.contacts if outcome.synthetic else 0,
    }

    def human() -> None:
        if outcome.demo_loaded:
            output.message("The demo company is loaded.")
        if outcome.synthetic is not None and outcome.synthetic.contacts:
            added = outcome.synthetic
            output.message(
                f"Added {added.contacts:,} synthetic contacts ({added.first_no}…"
                f"{added.last_no}) in {time.perf_counter() - started:.1f} s."
            )
        output.fields(outcome.counts)

    output.result(summary, as_json=st.json, human=human)

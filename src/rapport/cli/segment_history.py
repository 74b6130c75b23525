"""`rapport segment` commands about a segment's history: undo, criteria, membership log,
explain, saved criteria and reuse (S7–S10, X3, X5)."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Annotated, Any

import typer

from rapport.cli import output
from rapport.cli.options import Segment, Yes
from rapport.cli.segment_actions import left_out, print_action
from rapport.cli.state import state


def register(app: typer.Typer) -> None:
    """Add these commands to the `segment` sub-app."""
    app.command("undo")(undo)
    app.command("criteria")(criteria)
    app.command("history")(history)
    app.command("explain")(explain)
    app.command("save-criteria")(save_criteria)
    app.command("reuse-criteria")(reuse_criteria)
    app.command("reuse-logged")(reuse_logged)


def undo(
    ctx: typer.Context,
    segment: Segment,
    to: Annotated[
        int | None, typer.Option("--to", help="Undo every action after this one (0: all).")
    ] = None,
) -> None:
    """S8/X5: undo the last action, or every action after --to."""
    from rapport.services.segments import history as segment_history

    st = state(ctx)
    result = asdict(segment_history.go_back(st.database, segment, to=to, user=st.user))
    output.result(
        result,
        as_json=st.json,
        human=lambda: output.say(
            f"Undid {'action' if len(result['undone']) == 1 else 'actions'}"
            f" {', '.join(map(str, result['undone']))};"
            f" {output.counted(result['no_of_lines'], 'line')},"
            f" {output.counted(result['no_of_criteria_actions'], 'criteria action')}."
        ),
    )


def criteria(ctx: typer.Context, segment: Segment) -> None:
    """S7: the criteria actions of a segment, in plain language."""
    from rapport.services.segments import history as segment_history

    st = state(ctx)
    rows = [asdict(r) for r in segment_history.criteria(st.database, segment)]
    output.result(
        rows,
        as_json=st.json,
        human=lambda: output.table(
            rows,
            ["action_no", "description", "no_of_lines_added", "no_of_lines_removed", "user_id"],
        ),
    )


# The events `segment history` lists unless told (--limit N; --json streams them all).
SHOWN = 50
EVENT_COLUMNS = [
    "action_no",
    "event",
    "contact_no",
    "line_no",
    "action",
    "criteria",
    "user_id",
    "created_at",
]


def history(
    ctx: typer.Context,
    segment: Segment,
    contact: Annotated[str | None, typer.Option("--contact", help="One contact.")] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help=f"Show at most N events (text: {SHOWN} unless given)."),
    ] = None,
) -> None:
    """X5: the membership log: every entry and exit of a contact, by action (--json: all)."""
    from rapport.services.segments import history as segment_history

    st = state(ctx)
    if st.json:
        events = segment_history.membership_log(
            st.database, segment, contact_no=contact, limit=limit
        )
        first = next(events, None)  # an unknown segment is said before the array starts
        output.write_json_lines(itertools.chain(() if first is None else (first,), events))
        return
    shown = SHOWN if limit is None else limit
    # One more than shown, read only to tell whether more follow.
    read = list(
        segment_history.membership_log(st.database, segment, contact_no=contact, limit=shown + 1)
    )
    output.table(read[:shown], EVENT_COLUMNS)
    if len(read) > shown:
        output.message("… more events (--limit N, or --json).")


def explain(
    ctx: typer.Context,
    segment: Segment,
    contact: Annotated[str, typer.Argument(help="Contact no.")],
) -> None:
    """X3: which action put the contact on the segment (or took it off), and why; for a
    contact never on it, why each add by criteria left it out (X7)."""
    from rapport.domain.skip_reasons import SKIP_REASONS
    from rapport.services.segments import explain as explaining

    st = state(ctx)
    result = asdict(explaining.explain(st.database, segment, contact))
    why = {reason.name: reason.sentence for reason in SKIP_REASONS}

    def human() -> None:
        state_text = (
            (
                f"is on the segment ({'line' if len(result['line_nos']) == 1 else 'lines'} "
                + ", ".join(map(str, result["line_nos"]))
                + ")"
            )
            if result["on_segment"]
            else "is not on the segment"
            if result["events"]
            else "is not on the segment and never was"
        )
        output.say(f"{result['contact_no']} {result['contact_name']} {state_text}.")
        for event in result["events"]:
            verb = "added by" if event["event"] == "entry" else "removed by"
            _said_action(f"{verb} action {event['action_no']} ({event['action']}", event)
        for add in result["left_out"]:  # X7: why each add left it out
            _said_action(f"not added by action {add['action_no']} (add", add)
            if add["skipped"]:  # the rule's sentence, as the card says it
                output.say(f"    {why[add['skipped']]}")
            elif all(part["matches"] for part in add["matched"]):
                output.say("    it matches now: the contact or its data changed since")

    output.result(result, as_json=st.json, human=human)


def _said_action(what: str, action: dict[str, Any]) -> None:
    """An action of an explanation with its criteria and user, then each part of its
    criteria the contact matches or not."""
    output.say(f"- {what} {action['criteria']}), by {action['user_id']}")
    for part in action["matched"]:
        mark = "matches" if part["matches"] else "does not match"
        output.say(f"    {mark}: {part['criteria']}")


def save_criteria(
    ctx: typer.Context,
    segment: Segment,
    code: Annotated[str, typer.Argument(help="Code to save under.")],
    description: Annotated[str, typer.Option("--description")] = "",
) -> None:
    """S9: save the segment's criteria actions under a code."""
    from rapport.services.segments import reuse as segment_reuse

    st = state(ctx)
    saved = segment_reuse.save_criteria(
        st.sessions, segment, code=code, description=description, user=st.user
    )
    output.result(
        {"code": saved},
        as_json=st.json,
        human=lambda: output.message(f"Criteria saved as {saved}."),
    )


def reuse_criteria(
    ctx: typer.Context,
    segment: Segment,
    code: Annotated[str, typer.Argument(help="Saved criteria code.")],
    yes: Yes = False,
) -> None:
    """S9: replay saved criteria on this segment."""
    from rapport.services.segments import reuse as segment_reuse

    st = state(ctx)
    reused = segment_reuse.reuse_criteria(st.sessions, segment, code=code, user=st.user, yes=yes)
    result = asdict(reused)
    for warning in reused.warnings:
        output.warning(warning)
    shown = {name: result[name] for name in ("actions", "added", "removed", "no_of_lines")}

    def human() -> None:
        output.fields(shown)
        output.say(left_out(reused.skipped))  # X7, as an add says it

    output.result(result, as_json=st.json, human=human)


def reuse_logged(
    ctx: typer.Context,
    segment: Segment,
    entry: Annotated[int, typer.Argument(help="Logged segment entry no.")],
    allow_existing: Annotated[
        bool,
        typer.Option(
            "--allow-existing", help="One line per logged interaction, canceled ones too."
        ),
    ] = False,
    ignore_exclusion: Annotated[bool, typer.Option("--ignore-exclusion")] = False,
    yes: Yes = False,
) -> None:
    """S10: the contacts of a logged segment become lines of this segment."""
    from rapport.services.segments import reuse as segment_reuse

    st = state(ctx)
    result = segment_reuse.reuse_logged(
        st.sessions,
        segment,
        entry_no=entry,
        user=st.user,
        allow_existing=allow_existing,
        ignore_exclusion=ignore_exclusion,
        yes=yes,
    )
    print_action(result, st.json)

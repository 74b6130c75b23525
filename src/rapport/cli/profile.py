"""`rapport profile update-ratings [QUESTIONNAIRE]`: automatic profile ratings (K3).

The service is imported inside the command so that `rapport --help` stays fast.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

app = typer.Typer(no_args_is_help=True, help="Profile questionnaires: automatic ratings.")


@app.command("update-ratings")
def update_ratings(
    ctx: typer.Context,
    questionnaire: Annotated[
        str | None,
        typer.Argument(help="Only this questionnaire's rating questions (default: all)."),
    ] = None,
) -> None:
    """K3: recompute every contact's answer to the rating questions from the points of the
    answers it has (the answer whose from_value..to_value holds the sum), as Business
    Central's Update Contact Classification does for ratings."""
    from rapport.services.contacts.ratings import update_ratings as update

    st = state(ctx)
    result = update(st.sessions, questionnaire=questionnaire)
    output.result(
        asdict(result),
        as_json=st.json,
        human=lambda: output.message(
            f"{output.counted(result.rating_questions, 'rating question')}:"
            f" {output.counted(result.contacts_rated, 'contact')} rated,"
            f" {output.counted(result.answers_added, 'answer')} added,"
            f" {result.answers_removed} removed."
        ),
    )

"""`rapport user …`, `rapport token …`, `rapport audit list`: who may use the server, with
which role, the API tokens of scripts, and the audit log (SPEC §7, §10).

Passwords are read from standard input (`--password-stdin`), never from an argument, so
they stay out of shell histories and process lists.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Annotated

import typer

from rapport.cli import output
from rapport.cli.state import state

users = typer.Typer(no_args_is_help=True, help="Users of the server: roles and passwords.")
tokens = typer.Typer(no_args_is_help=True, help="API tokens for scripts.")
audit = typer.Typer(no_args_is_help=True, help="The audit log.")

UserName = Annotated[str, typer.Argument(help="User name.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _password_from_stdin() -> str:
    text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        from rapport.errors import Invalid

        raise Invalid("no password on standard input", where="password")
    return text


def _print_account(ctx: typer.Context, account: object) -> None:
    st = state(ctx)
    data = asdict(account)  # type: ignore[call-overload]
    output.result(data, as_json=st.json, human=lambda: output.fields(data))


@users.command("add")
def add(
    ctx: typer.Context,
    name: UserName,
    role: Annotated[str, typer.Option("--role", help="admin, marketer or viewer.")],
    salesperson: Annotated[str, typer.Option("--salesperson", help="Salesperson code.")] = "",
    language: Annotated[str, typer.Option("--language", help="Language code of the UI.")] = "",
    full_name: Annotated[str, typer.Option("--full-name", help="Full name.")] = "",
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user; without --password-stdin the user can only use API tokens."""
    from rapport.services.users import accounts

    st = state(ctx)
    password = _password_from_stdin() if password_stdin else None
    account = accounts.add_user(
        st.sessions,
        name,
        role=role,
        full_name=full_name,
        salesperson_code=salesperson,
        language_code=language,
        password=password,
        by=st.user,
    )
    _print_account(ctx, account)


@users.command("set-password")
def set_password(ctx: typer.Context, name: UserName) -> None:
    """Give a user a new password, read from standard input."""
    from rapport.services.users import accounts

    st = state(ctx)
    account = accounts.set_password(st.sessions, name, password=_password_from_stdin(), by=st.user)
    _print_account(ctx, account)


@users.command("set-role")
def set_role(
    ctx: typer.Context,
    name: UserName,
    role: Annotated[str, typer.Argument(help="admin, marketer or viewer.")],
) -> None:
    """Change a user's role."""
    from rapport.services.users import accounts

    st = state(ctx)
    _print_account(ctx, accounts.set_role(st.sessions, name, role=role, by=st.user))


@users.command("disable")
def disable(ctx: typer.Context, name: UserName) -> None:
    """Disable a user: their sessions and tokens are refused from the next request on."""
    from rapport.services.users import accounts

    st = state(ctx)
    _print_account(ctx, accounts.disable(st.sessions, name, by=st.user))


@users.command("list")
def list_users(ctx: typer.Context) -> None:
    """Every user with their role."""
    from rapport.services.users import accounts

    st = state(ctx)
    rows = [asdict(account) for account in accounts.get_all(st.sessions)]
    columns = ["name", "full_name", "role", "salesperson_code", "disabled", "has_password"]
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, columns))


@tokens.command("create")
def create_token(
    ctx: typer.Context,
    user: UserName,
    name: Annotated[str, typer.Option("--name", help="What the token is for.")],
) -> None:
    """Create an API token; it is printed once, alone on stdout."""
    from rapport.services.users import tokens as service

    st = state(ctx)
    made = service.create_token(st.sessions, user, name=name, by=st.user)
    output.result(asdict(made), as_json=st.json, human=lambda: output.say(made.token))


@tokens.command("list")
def list_tokens(
    ctx: typer.Context,
    user: Annotated[str | None, typer.Option("--user", help="Only this user's.")] = None,
) -> None:
    """Every API token (never its text), with its last use."""
    from rapport.services.users import tokens as service

    st = state(ctx)
    rows = [asdict(token) for token in service.get_all(st.sessions, user=user)]
    columns = ["id", "name", "user", "created_at", "last_used_at", "revoked"]
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, columns))


@tokens.command("revoke")
def revoke(ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="Token id.")]) -> None:
    """Revoke a token: it is refused from the next request on."""
    from rapport.services.users import tokens as service

    st = state(ctx)
    service.revoke(st.sessions, token_id, by=st.user)
    output.result({"id": token_id, "revoked": True}, as_json=st.json, human=lambda: None)
    output.message(f"token {token_id} revoked")


@audit.command("list")
def list_audit(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
) -> None:
    """Sign-ins, role, token and consent changes, newest first."""
    from rapport.services.users import audit as service

    st = state(ctx)
    rows = [asdict(entry) for entry in service.get_all(st.sessions, limit=limit)]
    columns = ["id", "at", "user_name", "action", "subject", "detail", "address"]
    output.result(rows, as_json=st.json, human=lambda: output.table(rows, columns))

"""One typed settings object, read once from the environment and an optional rapport.toml."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import Invalid

DEFAULT_DATABASE_URL = "sqlite:///rapport.db"


@dataclass(frozen=True)
class Settings:
    """Configuration of one process (SPEC §6): database, SMTP and its rate (messages per
    second), sender, web secret, acting user."""

    database_url: str = DEFAULT_DATABASE_URL
    smtp_url: str | None = None
    mail_from: str | None = None
    secret_key: str | None = None
    smtp_rate: float = 10.0
    user: str = "ADMIN"
    webhook_backoff: float = 30.0

    @classmethod
    def load(cls, *, database_url: str | None = None, user: str | None = None) -> Settings:
        """Environment first, then `rapport.toml` in the current directory, then defaults."""
        file_values: dict[str, str] = {}
        toml_path = Path("rapport.toml")
        if toml_path.is_file():
            with toml_path.open("rb") as handle:
                file_values = {k.lower(): str(v) for k, v in tomllib.load(handle).items()}

        def pick(name: str) -> str | None:
            return os.environ.get(f"RAPPORT_{name.upper()}") or file_values.get(name)

        rate = pick("smtp_rate")
        try:
            smtp_rate = float(rate) if rate else cls.smtp_rate
        except ValueError as exc:
            raise Invalid(
                f"{rate!r} is not a number of messages per second", where="RAPPORT_SMTP_RATE"
            ) from exc
        if smtp_rate <= 0:
            raise Invalid("must be more than 0 messages per second", where="RAPPORT_SMTP_RATE")
        backoff = pick("webhook_backoff")
        try:
            webhook_backoff = float(backoff) if backoff else cls.webhook_backoff
        except ValueError as exc:
            raise Invalid(
                f"{backoff!r} is not a number of seconds", where="RAPPORT_WEBHOOK_BACKOFF"
            ) from exc
        return cls(
            database_url=database_url or pick("database_url") or DEFAULT_DATABASE_URL,
            smtp_rate=smtp_rate,
            webhook_backoff=webhook_backoff,
            smtp_url=pick("smtp_url"),
            mail_from=pick("mail_from"),
            secret_key=pick("secret_key"),
            user=(user or pick("user") or os.environ.get("USER") or "ADMIN").upper(),
        )


SECRET_FILE = "rapport-secret.key"  # noqa: S105 (a file name, not a secret)


def secret_key(settings: Settings) -> str:
    """The key that signs web sessions and unsubscribe links: `RAPPORT_SECRET_KEY`, or on the
    embedded database one generated once and kept beside the database file, readable by its
    owner only. A server database without a configured key is refused: a key made up per
    process would sign people out at every restart and break the links already sent."""
    if settings.secret_key:
        return settings.secret_key
    database = sqlite_path(settings.database_url)
    if database is None:
        raise Invalid(
            "set RAPPORT_SECRET_KEY: a server database needs a configured secret key",
            where="RAPPORT_SECRET_KEY",
        )
    path = database.parent / SECRET_FILE
    if not path.exists():
        import secrets

        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL (`sqlite:///path.db`), or None for another database or an
    in-memory one."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == prefix or url.endswith(":memory:"):
        return None
    return Path(url[len(prefix) :]).resolve()

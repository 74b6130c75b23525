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
                f"{rate!r} is not a number of messages per second", field="RAPPORT_SMTP_RATE"
            ) from exc
        if smtp_rate <= 0:
            raise Invalid("must be more than 0 messages per second", field="RAPPORT_SMTP_RATE")
        return cls(
            database_url=database_url or pick("database_url") or DEFAULT_DATABASE_URL,
            smtp_rate=smtp_rate,
            smtp_url=pick("smtp_url"),
            mail_from=pick("mail_from"),
            secret_key=pick("secret_key"),
            user=(user or pick("user") or os.environ.get("USER") or "ADMIN").upper(),
        )

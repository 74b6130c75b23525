"""One typed settings object, read once from the environment and an optional rapport.toml."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import Invalid

DEFAULT_DATABASE_URL = "sqlite:///rapport.db"
CONFIG_NAME = "rapport.toml"


@dataclass(frozen=True)
class Settings:
    """Configuration of one process (SPEC §6): database, SMTP and its rate (messages per
    second), sender, web secret (which also signs unsubscribe links), the server's public
    base URL (for links in e-mails), acting user, the data folder (the files the server's
    jobs write, e.g. exports) and how long an export's file is kept (hours)."""

    database_url: str = DEFAULT_DATABASE_URL
    smtp_url: str | None = None
    mail_from: str | None = None
    secret_key: str | None = None
    base_url: str | None = None
    smtp_rate: float = 10.0
    user: str = "ADMIN"
    webhook_backoff: float = 30.0
    data_dir: str | None = None
    export_hours: float = 24.0

    @classmethod
    def load(cls, *, database_url: str | None = None, user: str | None = None) -> Settings:
        """Environment first, then `rapport.toml` (see `config_file`), then defaults."""
        given_url = database_url or _text("RAPPORT_DATABASE_URL")
        file_values = _read_toml(config_file(given_url))

        def pick(name: str) -> str | None:
            return _text(f"RAPPORT_{name.upper()}") or file_values.get(name)

        rate = pick("smtp_rate")
        try:
            smtp_rate = float(rate) if rate else cls.smtp_rate
        except ValueError as exc:
            raise Invalid(
                f"{rate!r} is not a number of messages per second", field="RAPPORT_SMTP_RATE"
            ) from exc
        if smtp_rate <= 0:
            raise Invalid("must be more than 0 messages per second", field="RAPPORT_SMTP_RATE")
        backoff = pick("webhook_backoff")
        try:
            webhook_backoff = float(backoff) if backoff else cls.webhook_backoff
        except ValueError as exc:
            raise Invalid(
                f"{backoff!r} is not a number of seconds", field="RAPPORT_WEBHOOK_BACKOFF"
            ) from exc
        return cls(
            data_dir=pick("data_dir"),
            export_hours=_hours(pick("export_hours"), cls.export_hours),
            database_url=given_url or file_values.get("database_url") or DEFAULT_DATABASE_URL,
            smtp_rate=smtp_rate,
            webhook_backoff=webhook_backoff,
            smtp_url=pick("smtp_url"),
            mail_from=pick("mail_from"),
            secret_key=pick("secret_key"),
            base_url=pick("base_url"),
            user=(user or pick("user") or _text("USER") or "ADMIN").upper(),
        )

    def data_folder(self) -> Path:
        """Where the server keeps the files its jobs write: `RAPPORT_DATA_DIR`, else the
        folder of the SQLite database, else (PostgreSQL) `rapport-data` in the current
        directory."""
        if self.data_dir:
            return Path(self.data_dir)
        database = sqlite_path(self.database_url)
        return database.parent if database else Path("rapport-data").resolve()


def _hours(given: str | None, default: float) -> float:
    try:
        hours = float(given) if given else default
    except ValueError as exc:
        raise Invalid(f"{given!r} is not a number of hours", field="RAPPORT_EXPORT_HOURS") from exc
    if hours <= 0:
        raise Invalid("must be more than 0 hours", field="RAPPORT_EXPORT_HOURS")
    return hours


def _text(name: str) -> str | None:
    """An environment variable, refused when it is not UTF-8 text (Python hands its bytes
    over as lone surrogates, which no database or file accepts)."""
    value = os.environ.get(name)
    if value:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Invalid("is not valid UTF-8 text", where=name) from exc
    return value


def config_file(database_url: str | None) -> Path:
    """Where `rapport.toml` is read (SPEC §6: beside the database): `RAPPORT_CONFIG` when
    set; else beside the SQLite file the URL names; else (PostgreSQL, or no URL given: the
    default database is `rapport.db` here) in the current directory."""
    explicit = _text("RAPPORT_CONFIG")
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise Invalid(f"{explicit} is not a file", where="RAPPORT_CONFIG")
        return path
    database = sqlite_path(database_url or "")
    return (database.parent if database else Path()) / CONFIG_NAME


def _read_toml(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    import tomllib  # only when there is a file to read (start-up, SPEC §9)

    try:
        with path.open("rb") as handle:
            values = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Invalid(f"not a valid TOML file ({exc})", where=str(path)) from exc
    except OSError as exc:
        raise Invalid(f"cannot read it ({exc.strerror})", where=str(path)) from exc
    return {key.lower(): str(value) for key, value in values.items()}


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
    """The file of an SQLite URL (`sqlite:///path.db`, `sqlite+pysqlite:///…`), or None
    for another database or an in-memory one."""
    scheme, sep, rest = url.partition(":///")
    path = rest.split("?")[0]
    if not sep or scheme.split("+")[0] != "sqlite" or not path or path == ":memory:":
        return None
    return Path(path).resolve()

"""Settings come from the environment, once, with checked values (SPEC §6 configuration)."""

from __future__ import annotations

import pytest

from rapport.errors import Invalid
from rapport.settings import Settings


def test_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("RAPPORT_DATABASE_URL", "sqlite:///x.db")
    monkeypatch.setenv("RAPPORT_SMTP_URL", "smtp://127.0.0.1:2525")
    monkeypatch.setenv("RAPPORT_SMTP_RATE", "2.5")
    settings = Settings.load(user="jim")
    assert settings.database_url == "sqlite:///x.db"
    assert (settings.smtp_url, settings.smtp_rate, settings.user) == (
        "smtp://127.0.0.1:2525",
        2.5,
        "JIM",
    )


def test_x7_the_base_url_and_secret_key_of_unsubscribe_links_come_from_the_environment(
    monkeypatch,
):
    monkeypatch.setenv("RAPPORT_BASE_URL", "https://crm.example.test")
    monkeypatch.setenv("RAPPORT_SECRET_KEY", "k")
    settings = Settings.load()
    assert (settings.base_url, settings.secret_key) == ("https://crm.example.test", "k")


def test_the_command_line_database_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("RAPPORT_DATABASE_URL", "sqlite:///x.db")
    assert Settings.load(database_url="sqlite:///y.db").database_url == "sqlite:///y.db"


@pytest.mark.parametrize("rate", ["fast", "0", "-1"])
def test_a_bad_smtp_rate_is_invalid(monkeypatch, rate):
    monkeypatch.setenv("RAPPORT_SMTP_RATE", rate)
    with pytest.raises(Invalid, match="RAPPORT_SMTP_RATE"):
        Settings.load()


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SMTP_URL", "MAIL_FROM", "CONFIG", "USER", "SMTP_RATE"):
        monkeypatch.delenv(f"RAPPORT_{name}", raising=False)
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    here.mkdir()
    elsewhere.mkdir()
    (here / "rapport.toml").write_text('smtp_url = "smtp://here:25"\n')
    (elsewhere / "rapport.toml").write_text('smtp_url = "smtp://elsewhere:25"\n')
    monkeypatch.chdir(here)
    return here, elsewhere


def test_rapport_toml_is_read_beside_the_sqlite_file_named_by_db(clean_env):
    """SPEC §6: configuration from a rapport.toml beside the database, not the current
    directory's."""
    _, elsewhere = clean_env
    settings = Settings.load(database_url=f"sqlite:///{elsewhere}/sales.db")
    assert settings.smtp_url == "smtp://elsewhere:25"
    assert Settings.load(database_url="sqlite:///../elsewhere/sales.db").smtp_url == (
        "smtp://elsewhere:25"
    )


def test_rapport_toml_beside_the_database_named_by_the_environment(clean_env, monkeypatch):
    _, elsewhere = clean_env
    monkeypatch.setenv("RAPPORT_DATABASE_URL", f"sqlite:///{elsewhere}/sales.db")
    assert Settings.load().smtp_url == "smtp://elsewhere:25"


def test_the_default_database_and_postgresql_read_the_current_directory(clean_env):
    assert Settings.load().smtp_url == "smtp://here:25"
    assert Settings.load(database_url="postgresql://db.example/sales").smtp_url == (
        "smtp://here:25"
    )


def test_rapport_config_names_the_file_to_read(clean_env, monkeypatch):
    _, elsewhere = clean_env
    monkeypatch.setenv("RAPPORT_CONFIG", str(elsewhere / "rapport.toml"))
    assert Settings.load(database_url="postgresql://db.example/sales").smtp_url == (
        "smtp://elsewhere:25"
    )
    monkeypatch.setenv("RAPPORT_CONFIG", str(elsewhere / "missing.toml"))
    with pytest.raises(Invalid, match=r"RAPPORT_CONFIG: .*missing\.toml is not a file"):
        Settings.load()


def test_a_database_url_in_the_current_directorys_rapport_toml(clean_env):
    here, elsewhere = clean_env
    (here / "rapport.toml").write_text(f'database_url = "sqlite:///{elsewhere}/sales.db"\n')
    assert Settings.load().database_url == f"sqlite:///{elsewhere}/sales.db"


@pytest.mark.parametrize("content", [b"smtp_url = \n", b"user = '\xff'\n"])
def test_a_broken_rapport_toml_is_named(clean_env, content):
    here, _ = clean_env
    (here / "rapport.toml").write_bytes(content)
    with pytest.raises(Invalid, match=r"rapport\.toml: not a valid TOML file"):
        Settings.load()


def test_an_environment_variable_that_is_not_utf8_is_named(clean_env, monkeypatch):
    """Bytes a Latin-1 shell put in the environment (Python keeps them as surrogates)."""
    monkeypatch.setenv("RAPPORT_USER", "Andr\udce9")
    with pytest.raises(Invalid, match="RAPPORT_USER: is not valid UTF-8 text"):
        Settings.load()

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

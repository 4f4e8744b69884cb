"""Settings: zero config works; secrets are refused when left at the placeholder."""

import pytest

from lodestar.config import PLACEHOLDER_SECRET, Settings
from lodestar.errors import ConfigurationError


def test_defaults_need_no_configuration(monkeypatch):
    for key in ("LODESTAR_DATABASE_URL", "LODESTAR_SECRET_KEY", "LODESTAR_DEMO"):
        monkeypatch.delenv(key, raising=False)
    s = Settings()
    assert s.database_url == "sqlite:///lodestar.db"
    assert s.security.min_group_size == 5


def test_placeholder_secret_refused_outside_demo_mode():
    with pytest.raises(ConfigurationError, match="LODESTAR_SECRET_KEY"):
        Settings(secret_key=PLACEHOLDER_SECRET, demo=False).checked_secret()
    assert Settings(secret_key=PLACEHOLDER_SECRET, demo=True).checked_secret()
    assert Settings(secret_key="x" * 40).checked_secret() == "x" * 40


def test_nested_settings_from_environment(monkeypatch):
    monkeypatch.setenv("LODESTAR_SECURITY__MIN_GROUP_SIZE", "8")
    monkeypatch.setenv("LODESTAR_DATABASE_URL", "postgresql+psycopg://u@h/db")
    s = Settings()
    assert s.security.min_group_size == 8
    assert s.database_url.startswith("postgresql")


def test_app_refuses_to_start_without_a_secret(tmp_path):
    from lodestar.web.app import create_app

    with pytest.raises(ConfigurationError):
        create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", demo=False))

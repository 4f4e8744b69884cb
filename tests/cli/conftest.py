"""A CLI runner on a real SQLite file holding the small demo company, one per test module."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``run("program", "show", "fcr_pilot")`` → the CliRunner result; ``run.url`` is the
    database. The first administrator acts unless ``--as`` is given."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo_cli') / 'cli.db'}"
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        get_settings.cache_clear()
        env = {"LODESTAR_DATABASE_URL": url, "LODESTAR_CLI_USER": ""}
        return runner.invoke(app, list(args), env=env)

    assert run("db", "upgrade").exit_code == 0
    seeded = run("demo", "seed", "--employees", "150", "--seed", "7")
    assert seeded.exit_code == 0, seeded.output
    run.url = url  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()

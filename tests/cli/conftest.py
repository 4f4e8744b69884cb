"""What the CLI tests share: a demo database on a real SQLite file and a runner on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from lodestar.cli.main import app
from lodestar.config import get_settings


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Settings are cached per process; a CLI test that points LODESTAR_DATABASE_URL somewhere
    must not read a database URL an earlier test left in the cache."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def seeded_cli(
    tmp_path_factory: pytest.TempPathFactory, name: str, employees: int = 150
) -> Iterator[Callable[..., Result]]:
    """``run("portfolio", "show")`` against a freshly seeded demo (seed 7); ``run.url`` is the
    database. The first administrator acts unless ``--as`` is given."""
    url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'cli.db'}"
    runner = CliRunner()

    def run(*args: str) -> Result:
        get_settings.cache_clear()
        env = {"LODESTAR_DATABASE_URL": url, "LODESTAR_CLI_USER": ""}
        return runner.invoke(app, list(args), env=env)

    assert run("db", "upgrade").exit_code == 0
    seeded = run("demo", "seed", "--employees", str(employees), "--seed", "7")
    assert seeded.exit_code == 0, seeded.output
    run.url = url  # type: ignore[attr-defined]
    yield run
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``run("program", "show", "fcr_pilot")`` → the CliRunner result, one demo per module."""
    yield from seeded_cli(tmp_path_factory, "demo_cli")

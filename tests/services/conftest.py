"""The default demo company (2,000 positions, seed 42), seeded once for the modules that check
known answers on it; they run on one worker (``xdist_group("demo2000")``) and roll back what
they change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.session import make_engine
from lodestar.services.demo import seed_demo
from lodestar.services.impact.tiers import PROGRAM_VIEWS


@pytest.fixture(scope="session")
def demo2000(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo2000') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    with Session(engine) as s:
        yield s
    engine.dispose()


@pytest.fixture(autouse=True)
def _demo2000_transaction_ends_with_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test on the shared demo leaves no transaction open behind it: a savepoint rolled back
    keeps the outer SQLite transaction, and its write lock, into the next test, where the
    program views another test computed wait for it to be stored (``services.derived``) and
    a write of the session from an old snapshot is refused. Those views are stored here too."""
    yield
    if "demo2000" in request.fixturenames:
        request.getfixturevalue("demo2000").rollback()
        PROGRAM_VIEWS.wait_stored()

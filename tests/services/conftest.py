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


@pytest.fixture(scope="session")
def demo2000(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo2000') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as s, s.begin():
        seed_demo(s, employees=2000, seed=42)
    with Session(engine) as s:
        yield s
    engine.dispose()

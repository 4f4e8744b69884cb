"""The workspace object behind ``import lodestar``: one database, sessions, and actors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.migrate import upgrade
from lodestar.db.models import User
from lodestar.db.session import make_engine, session_factory, unit_of_work
from lodestar.domain.roles import Actor
from lodestar.errors import NotFound
from lodestar.services.accounts import actor_of
from lodestar.services.demo import DemoSummary, seed_demo


class Workspace:
    """A Lodestar database opened from Python."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._factory = session_factory(self.engine)

    def upgrade(self) -> None:
        """Create or migrate the schema."""
        upgrade(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, committed when the block ends."""
        with unit_of_work(self._factory) as session:
            yield session

    @contextmanager
    def acting_as(self, email: str) -> Iterator[tuple[Session, Actor]]:
        """A transaction and the actor every service call needs."""
        with self.session() as session:
            user = session.scalar(select(User).where(User.email == email.strip().lower()))
            if user is None:
                raise NotFound(f"No account uses {email}. Create one with `lodestar users create`.")
            yield session, actor_of(user)

    def seed_demo(self, *, employees: int = 2000, seed: int = 42) -> DemoSummary:
        """Fill an empty workspace with the demo company."""
        self.upgrade()
        with self.session() as session:
            return seed_demo(session, employees=employees, seed=seed)

    def close(self) -> None:
        self.engine.dispose()


def open_workspace(url: str = "sqlite:///lodestar.db") -> Workspace:
    """Open (without changing) the Lodestar database at ``url``."""
    return Workspace(url)

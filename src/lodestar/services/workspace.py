"""A workspace is one Lodestar database: open it, migrate it, fill it with the demo company."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from lodestar.db.migrate import downgrade, upgrade
from lodestar.db.models import User
from lodestar.db.session import make_engine, session_factory, unit_of_work
from lodestar.errors import Conflict
from lodestar.services.accounts import is_demo_workspace
from lodestar.services.demo import DemoSummary, Progress, seed_demo
from lodestar.services.impact.warm import warm_program_views


def is_empty(engine: Engine) -> bool:
    with session_factory(engine)() as session:
        return not session.scalar(select(func.count()).select_from(User))


def is_demo_database(engine: Engine) -> bool:
    """True when the demo created this database and every account in it is a demo persona."""
    with session_factory(engine)() as session:
        return is_demo_workspace(session)


def seed_demo_database(
    url: str,
    *,
    employees: int = 2000,
    seed: int = 42,
    replace: bool = False,
    progress: Progress | None = None,
) -> DemoSummary:
    """Migrate the database at ``url`` and seed the demo company in one transaction."""
    engine = make_engine(url)
    if replace:
        downgrade(engine, "base")
    upgrade(engine)
    if not is_empty(engine):
        raise Conflict(
            "This database already holds an organisation. Use --replace to start over "
            "(this deletes everything in it), or point LODESTAR_DATABASE_URL at a new database."
        )
    with unit_of_work(session_factory(engine)) as session:
        summary = seed_demo(session, employees=employees, seed=seed, progress=progress)
    # The programs' tiers, stored for every server process's first page (seconds each at
    # 100,000 employees).
    with session_factory(engine)() as session:
        warm_program_views(session)
    engine.dispose()
    return summary


def prepare_database(url: str, *, demo: bool, employees: int = 2000) -> DemoSummary | None:
    """Migrate; in demo mode also seed an empty database. Returns what was seeded, if anything."""
    engine = make_engine(url)
    upgrade(engine)
    empty = is_empty(engine)
    engine.dispose()
    if demo and empty:
        return seed_demo_database(url, employees=employees)
    return None

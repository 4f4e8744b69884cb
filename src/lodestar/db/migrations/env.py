"""Alembic environment: the engine comes from the caller (see lodestar.db.migrate)."""

from __future__ import annotations

from alembic import context

from lodestar.db import models  # noqa: F401  (registers every table)
from lodestar.db.base import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()

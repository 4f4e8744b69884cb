"""Alembic environment: the engine comes from the caller (see lodestar.db.migrate).

On SQLite, a migration that changes a table the way SQLite cannot (batch mode: copy to a new
table, drop the old, rename) must run with foreign keys off: with them on, dropping the old
``users`` table deletes every row that cascades from it (sessions, API tokens) and fails on any
row that refers to it (audit events, requests). Foreign keys go off before the migrations'
transaction (SQLite ignores the switch inside one), are checked when the migrations are done
(a violation aborts them all, nothing changed) and go back on.
"""

from __future__ import annotations

from alembic import context

from lodestar.db import models  # noqa: F401  (registers every table)
from lodestar.db.base import Base
from lodestar.errors import DatabaseNotReady

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise DatabaseNotReady(
                        f"Upgrading the database would leave {len(broken)} row(s) pointing at "
                        f"rows that do not exist (first in table {broken[0][0]}), so nothing "
                        "was changed. Keep a copy of the database file and report this."
                    )
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()

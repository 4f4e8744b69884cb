"""The ``db`` fixture's transaction cannot be overtaken: on SQLite it holds the write lock from
its start, so a view stored meanwhile by another connection (the writer thread of
``services.derived``) waits for the test instead of making the test's first write fail with
"database is locked" (a transaction that read before another connection committed may not
write). Each run of the suite had about one chance in three of such a failure before."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from lodestar.db.models import Program
from lodestar.db.session import make_engine


def test_another_connection_cannot_commit_between_the_tests_read_and_write(
    db: Session, seeded_engine: Engine
) -> None:
    program = db.scalars(select(Program).order_by(Program.id)).first()  # the test reads...
    assert program is not None
    other = make_engine(seeded_engine.url.render_as_string(hide_password=False), wait_seconds=0.2)
    try:
        if seeded_engine.dialect.name == "sqlite":
            renamed = update(Program).where(Program.id == program.id).values(name="x")
            # ...a background writer would commit here...
            with pytest.raises(OperationalError, match="database is locked"), other.begin() as c:
                c.execute(renamed)
        program.name = "Renamed by the test"  # ...and the test's write still goes through
        db.flush()
        assert db.execute(text("select name from programs where id = :i"), {"i": program.id}
                          ).scalar() == "Renamed by the test"  # fmt: skip
    finally:
        other.dispose()

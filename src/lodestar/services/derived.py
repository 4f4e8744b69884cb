"""Views derived from fact tables, computed once per change of the data and kept in memory.

A program's tiers summarise tens of thousands of behaviour observations; recomputing them on
every page view would put 100-200 ms of Python in front of everyone else's request. A
``DerivedViews`` keeps each computed view with the data versions of the tables it was computed
from (``db.versions``: counters in the database, raised in the transaction of every write),
and serves it again while those versions stand. So it stays right across server processes,
CLI imports and restarts: a process notices another's write on its next read, at the cost
of one small indexed query.

When many requests miss the same view at once, one computes it and the others wait for that
result (single flight per key) instead of all computing it.

A session that has itself written to a counted table, and not committed yet, reads and
computes without the cache: what it sees is not yet what everyone sees.

A store made with ``stored=`` also keeps each view in the database (``derived_views``: the key,
the data versions, the value pickled), in front of which the memory stays: a view computed by
one server process, by the demo's seeding or by a warm-up is read by every other process and
after a restart, instead of each computing it again (a program's skills tier reads hundreds of
thousands of assessments). It is read back by an unpickler that builds only Lodestar's value
classes and dates (``services.stored_views_format``): a row someone else wrote runs nothing.
The stored key carries a fingerprint of the code that computes and shapes the view (``code=``:
module names), so a new release never reads an old release's values. A view is stored after it
is computed, in a transaction of its own, by a writer thread (``wait_stored`` waits for it); if
that write fails (the database busy), the view is only kept in memory. Sessions bound to a
connection rather than an engine (tests joined to an outer transaction) neither read nor write
the store: their versions may be ones no committed state has.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import pickle
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lodestar.db import versions
from lodestar.db.base import utcnow
from lodestar.db.models import StoredView
from lodestar.services.stored_views_format import UnreadableView, dump_view, load_view

log = logging.getLogger(__name__)

T = TypeVar("T")


class DerivedViews:
    """A bounded, thread-safe store of derived views, keyed by what they are about."""

    def __init__(self, size: int = 512, *, stored: str = "", code: tuple[str, ...] = ()) -> None:
        self._size = size
        self._views: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}
        self._stored = stored  # the name of the views in the database ("": memory only)
        self._code = code
        self._fingerprint = ""
        self._pending: queue.Queue[tuple[Engine, str, str, bytes]] = queue.Queue()
        self._writer: threading.Thread | None = None
        self.computed = 0  # how many times a view was computed (for tests and benchmarks)
        self.loaded = 0  # how many times a view was read from the database

    def get(
        self, session: Session, key: Hashable, tables: Iterable[str], compute: Callable[[], T]
    ) -> T:
        """The view ``key`` over ``tables``: kept, or computed by ``compute()`` now."""
        if versions.wrote_uncommitted(session):
            return self._compute(compute)
        full = (session.get_bind().engine.url.render_as_string(), key)
        stamp = versions.current(session, tables)
        if any(version < 0 for _, version in stamp):  # a table with no counter: never kept
            return self._compute(compute)
        with self._lock:
            found = self._fresh(full, stamp)
            flight = self._flights.setdefault(full, threading.Lock())
        if found is not None:
            return found[1]  # type: ignore[no-any-return]
        with flight:  # one computation per key; the others wait and take its result
            with self._lock:
                found = self._fresh(full, stamp)
            if found is not None:
                return found[1]  # type: ignore[no-any-return]
            value = self._load_or_compute(session, key, stamp, compute)
            with self._lock:
                self._views[full] = (stamp, value)
                self._views.move_to_end(full)
                while len(self._views) > self._size:
                    gone, _ = self._views.popitem(last=False)
                    self._flights.pop(gone, None)
        return value

    def clear(self, session: Session | None = None) -> None:
        """Forget the views kept in memory (and, given a session, those stored; the caller
        commits)."""
        with self._lock:
            self._views.clear()
        if session is not None and self._stored:
            session.execute(delete(StoredView).where(StoredView.key.like(f"{self._stored}:%")))

    def _load_or_compute(
        self, session: Session, key: Hashable, stamp: Any, compute: Callable[[], T]
    ) -> T:
        engine = session.get_bind()
        if not self._stored or not isinstance(engine, Engine):
            return self._compute(compute)
        name, stamped = self._stored_key(key), json.dumps(stamp)
        row = session.execute(
            select(StoredView.value).where(StoredView.key == name, StoredView.stamp == stamped)
        ).scalar_one_or_none()
        if row is not None:
            try:
                value = load_view(row)
            except UnreadableView as exc:  # computed again (and stored over it)
                log.warning("The stored view %s could not be read (%s); computing it again.",
                            name, exc)  # fmt: skip
            else:
                self.loaded += 1
                return value  # type: ignore[no-any-return]
        value = self._compute(compute)
        self._store(engine, name, stamped, value)
        return value

    def _stored_key(self, key: Hashable) -> str:
        if not self._fingerprint:
            digest = hashlib.sha256()
            for module in self._code:
                source = importlib.import_module(module).__file__
                if source:
                    with open(source, "rb") as code:
                        digest.update(code.read())
            self._fingerprint = digest.hexdigest()[:16]
        return f"{self._stored}:{self._fingerprint}:{key!r}"

    def _store(self, engine: Engine, name: str, stamped: str, value: Any) -> None:
        """Store the view from a writer thread of its own: the request that computed it does
        not wait for the write, nor hold a second pooled connection while it waits."""
        try:
            data = dump_view(value)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            log.warning("The view %s cannot be stored (%s); it is kept in memory.", name, exc)
            return
        with self._lock:
            if self._writer is None or not self._writer.is_alive():
                self._writer = threading.Thread(
                    target=self._write_stored, name="lodestar-derived-views", daemon=True
                )
                self._writer.start()
        self._pending.put((engine, name, stamped, data))

    def wait_stored(self) -> None:
        """Wait until every computed view has been written to the database."""
        self._pending.join()

    def _write_stored(self) -> None:
        while True:
            engine, name, stamped, data = self._pending.get()
            try:
                with engine.begin() as connection:
                    connection.execute(delete(StoredView).where(StoredView.key == name))
                    connection.execute(
                        insert(StoredView).values(
                            key=name, stamp=stamped, value=data, computed_at=utcnow()
                        )
                    )
            except SQLAlchemyError as exc:
                # Another process stored it first, or the database is busy: memory keeps it.
                log.info("The view %s was not stored (%s); it is kept in memory.", name, exc)
            finally:
                self._pending.task_done()

    def _fresh(self, full: Hashable, stamp: Any) -> tuple[Any, Any] | None:
        found = self._views.get(full)
        if found is None or found[0] != stamp:
            return None
        self._views.move_to_end(full)
        return found

    def _compute(self, compute: Callable[[], T]) -> T:
        value = compute()
        self.computed += 1
        return value

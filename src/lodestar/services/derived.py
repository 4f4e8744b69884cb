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
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from lodestar.db import versions

T = TypeVar("T")


class DerivedViews:
    """A bounded, thread-safe store of derived views, keyed by what they are about."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._views: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}
        self.computed = 0  # how many times a view was computed (for tests and benchmarks)

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
            value = self._compute(compute)
            with self._lock:
                self._views[full] = (stamp, value)
                self._views.move_to_end(full)
                while len(self._views) > self._size:
                    gone, _ = self._views.popitem(last=False)
                    self._flights.pop(gone, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._views.clear()

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

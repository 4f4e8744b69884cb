"""What held an SQLite database when a test gave up waiting for it ("database is locked").

A test's write waits ``busy_timeout`` (10 s) for another connection's transaction to end; when
one does not, the failure alone says nothing of who held the lock. This report, added to such
a failure, lists every SQLite connection of the worker process that is inside a transaction
(its database file and how it was reached) and what each thread was doing at that moment.
"""

from __future__ import annotations

import gc
import sqlite3
import sys
import threading
import traceback


def locked(text: str) -> bool:
    return "database is locked" in text


def report() -> str:
    """The open SQLite transactions and every thread's stack, as text."""
    lines = [f"cycle collector enabled: {gc.isenabled()}", "SQLite connections in a transaction:"]
    for obj in gc.get_objects():
        if isinstance(obj, sqlite3.Connection):
            try:
                if not obj.in_transaction:
                    continue
                files = [row[2] for row in obj.execute("PRAGMA database_list")]
            except Exception as exc:  # noqa: BLE001 - a closed or busy connection: say so
                files = [f"(unreadable: {exc})"]
            holders = [type(r).__name__ for r in gc.get_referrers(obj)][:6]
            lines.append(f"  {files} held by {holders}")
    names = {t.ident: t.name for t in threading.enumerate()}
    for ident, frame in sys._current_frames().items():
        lines.append(f"--- thread {names.get(ident, ident)}")
        lines.extend(line.rstrip() for line in traceback.format_stack(frame)[-12:])
    return "\n".join(lines)

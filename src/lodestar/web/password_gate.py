"""A cap on password checks running at once, so guessing cannot slow everyone else down.

Checking a password is deliberately expensive (argon2: tens of milliseconds of a core and
64 MiB each). Forty parallel guessers used to keep every core and every worker thread busy,
and other people's API calls went from 46 ms to several seconds. Routes that check or set a
password run that work through :class:`PasswordGate`:

- at most ``slots`` checks run at once (``LODESTAR_SECURITY__PASSWORD_CHECKS_AT_ONCE``;
  unset, half the CPU cores this process may use, at least one), so the other cores stay free
  for everyone else;
- a request waits for a slot without holding a worker thread (it polls from the event loop),
  so waiting guessers cannot starve other requests of threads either;
- a request that has not got a slot after ``wait_seconds``
  (``LODESTAR_SECURITY__PASSWORD_CHECK_WAIT_SECONDS``) is answered 503 with a Retry-After
  header and a sentence, instead of queueing without end.

The throttle in ``services.accounts.throttle`` limits how often one account or address may
fail; this limits how much of the machine all sign-ins together may use.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import anyio
from starlette.concurrency import run_in_threadpool

from lodestar.errors import ServerBusy

T = TypeVar("T")
POLL_SECONDS = 0.01


def default_slots() -> int:
    """Half the CPU cores this process may run on, at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // 2)


class PasswordGate:
    """Runs password work in a worker thread, at most ``slots`` at a time."""

    def __init__(self, slots: int | None, wait_seconds: float) -> None:
        self.slots = slots or default_slots()
        self.wait_seconds = wait_seconds
        # A thread-safe count, taken without blocking from the event loop: it works whatever
        # loop (or test client portal) the request runs on.
        self._free = threading.BoundedSemaphore(self.slots)

    async def run(self, work: Callable[[], T]) -> T:
        """``work()`` in a worker thread once a slot is free; ServerBusy if none frees up in
        time."""
        deadline = time.monotonic() + self.wait_seconds
        while not self.try_take():
            if time.monotonic() >= deadline:
                raise self.busy()
            await anyio.sleep(POLL_SECONDS)
        try:
            return await run_in_threadpool(work)
        finally:
            self.give_back()

    def try_take(self) -> bool:
        """Take a slot if one is free (without waiting); True if taken."""
        return self._free.acquire(blocking=False)

    def give_back(self) -> None:
        """Free a slot taken with :meth:`try_take`."""
        self._free.release()

    def busy(self) -> ServerBusy:
        seconds = max(1, math.ceil(self.wait_seconds))
        unit = "second" if seconds == 1 else "seconds"
        return ServerBusy(
            "Lodestar is checking many passwords at this moment, so yours could not be checked "
            f"yet. Nothing was changed; try again in {seconds} {unit}.",
            details={"retry_after_seconds": seconds},
        )

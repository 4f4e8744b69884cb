"""Run a coroutine on an event loop of its own, in a thread of its own.

The browser tests drive Chromium through Playwright's sync API, which keeps an event loop
running in the main thread of the xdist worker they run on; ``asyncio.run`` there then fails
("cannot be called from a running event loop"). A test that needs a loop of its own calls
:func:`run_alone` instead, so the order the workers pick tests in does not matter."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import anyio

T = TypeVar("T")


def run_alone(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``main()`` run to its end by anyio on a new loop in a new thread; its result or error."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, main).result()

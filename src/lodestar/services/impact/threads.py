"""How many threads the numerical libraries may use for one analysis: the cores idle now.

OpenBLAS (under numpy and scipy) starts a thread per core and, between calls, lets each spin
for a while waiting for work. On a machine whose other cores are busy that second thread only
spins for a core someone else holds: the issue measured an analysis's estimation going from
2.6 s to 8-25 s on a loaded 2-core machine, and 1.4x faster end to end with one thread. So an
analysis first looks at how busy the processors are (the share of idle time over a short
sample of ``/proc/stat``, or the load average where that file does not exist) and limits the
libraries to the idle cores, at least one, through threadpoolctl. ``lodestar serve`` already
asks for one thread per process (its processes share the cores); a limit set in the
environment (``OPENBLAS_NUM_THREADS`` ...) is never raised.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

SAMPLE_SECONDS = 0.05
_STAT = Path("/proc/stat")


def idle_cores(sample_seconds: float = SAMPLE_SECONDS) -> int:
    """Cores idle at the moment (at least 1, at most the CPU count)."""
    cpus = os.cpu_count() or 1
    try:
        first = _cpu_times()
        time.sleep(sample_seconds)
        second = _cpu_times()
        busy = [b - a for a, b in zip(first, second, strict=True)]
        total = sum(busy)
        idle = (busy[3] + busy[4]) / total if total > 0 else 1.0  # idle + iowait
        free = round(idle * cpus)
    except (OSError, ValueError, IndexError):
        try:
            free = round(cpus - os.getloadavg()[0])
        except OSError:
            free = cpus
    return max(1, min(cpus, free))


def _cpu_times() -> list[int]:
    line = _STAT.read_text().splitlines()[0]  # "cpu  user nice system idle iowait ..."
    return [int(v) for v in line.split()[1:8]]


def numeric_threads() -> int:
    """Threads for numerical libraries now: the idle cores, never above a limit the
    environment sets."""
    threads = idle_cores()
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            threads = min(threads, int(value))
    return threads


@cache
def _controller() -> Any:
    """threadpoolctl's view of the loaded libraries, made once per process (making it reads
    every loaded shared library: half a second on a busy machine). SciPy's own BLAS is loaded
    first, so the view holds every library an analysis calls."""
    import scipy.linalg  # noqa: F401 - loads the BLAS SciPy bundles
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def numeric_threads_limited() -> Iterator[int]:
    """Run the block with the numerical libraries limited to ``numeric_threads()``."""
    threads = numeric_threads()
    with _controller().limit(limits=threads):
        yield threads

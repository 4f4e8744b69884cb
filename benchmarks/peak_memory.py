"""The peak resident memory of this process since it started (or last exec'd).

``getrusage(RUSAGE_SELF).ru_maxrss`` is not that on Linux: a process started with fork and
exec keeps its parent's high-water mark from before the exec, so a run in a fresh process,
started by a benchmark that had itself built a large panel or database, reported the parent's
peak (``external_source_speed.py``: 5.24 GiB reported, 1.64 GiB the run's own). Linux's
``VmHWM`` belongs to the process's own memory map and starts afresh at exec; elsewhere
``ru_maxrss`` is used.
"""

from __future__ import annotations

import resource
import sys


def peak_mib() -> float:
    """Peak resident set of this process, in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / 1024**2 if sys.platform == "darwin" else maxrss / 1024  # bytes / KiB

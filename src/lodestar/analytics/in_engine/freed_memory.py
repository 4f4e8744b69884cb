"""Memory a batch frees goes back to the system before the next batch is read (glibc).

A table in its engine is read in batches of whole people, each a few hundred MiB of arrays
that are freed when the batch is reduced. glibc's allocator raises its threshold for serving
large blocks from fresh mappings each time such a block is freed, so the next batches' arrays
came from the heap instead, where freed space is rarely handed back: measured with
``benchmarks/external_source_speed.py`` at 250,000 people, peak memory went from 1.66 GiB at
104 weeks to 5.24 GiB at 416, growing batch after batch. Fixing the threshold (128 KiB, glibc's
starting value) keeps every large block in a mapping of its own, returned when freed: memory
then stays at one batch's worth whatever the number of rows.

It is a setting of the process, made once; elsewhere than Linux with glibc nothing is done.
"""

from __future__ import annotations

import ctypes
import functools
import sys

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
THRESHOLD_BYTES = 128 * 1024


@functools.cache
def return_freed_batches() -> bool:
    """Fix the allocator's threshold for large blocks; True when it was set."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, ...): its allocator does not adapt the threshold
        return False
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))

"""The allocator setting that keeps batch-by-batch reading at one batch's memory."""

from __future__ import annotations

import platform
import sys

import pytest

from lodestar.analytics.in_engine.freed_memory import return_freed_batches


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the setting exists in glibc only",
)
def test_the_threshold_is_set_on_glibc_and_only_once() -> None:
    assert return_freed_batches() is True
    assert return_freed_batches.cache_info().currsize == 1
    assert return_freed_batches() is True
    assert return_freed_batches.cache_info().hits >= 1

"""An analysis limits the numerical libraries to the idle cores, and fingerprints its data
without copying the value matrix."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

from lodestar.services.impact import panel as panel_module
from lodestar.services.impact import threads


def test_idle_cores_lie_between_one_and_the_cpu_count() -> None:
    cpus = os.cpu_count() or 1
    assert 1 <= threads.idle_cores(0.01) <= cpus


def test_a_limit_in_the_environment_is_never_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(threads, "idle_cores", lambda: 8)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    assert threads.numeric_threads() == 1
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    assert threads.numeric_threads() == 8


def test_the_block_runs_with_the_libraries_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    np.dot(np.ones((4, 4)), np.ones((4, 4)))  # numpy's BLAS is loaded
    monkeypatch.setattr(threads, "idle_cores", lambda: 1)
    with threads.numeric_threads_limited() as n:
        assert n == 1
        blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(i["num_threads"] == 1 for i in blas)


@pytest.mark.parametrize("order", ["C", "F"])
def test_the_fingerprint_is_the_hash_of_the_whole_bytes_without_copying_them(
    order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = pd.DataFrame({"unit_id": [4, 5, 6], "first_treat": [0, 2, 3]})
    periods = np.array(["2024-01-01", "2024-01-08"], dtype="datetime64[D]")
    values = np.asarray(np.random.default_rng(1).normal(size=(3, 2)), order=order)
    whole = hashlib.sha256()
    for part in (np.array([4, 5, 6]), np.array([0, 2, 3]), periods.astype(np.int64), values):
        whole.update(np.ascontiguousarray(part, dtype=part.dtype).tobytes())
    monkeypatch.setattr(panel_module, "FINGERPRINT_BLOCK", 16)  # one row at a time
    assert panel_module.panel_fingerprint(people, periods, values) == whole.hexdigest()[:16]

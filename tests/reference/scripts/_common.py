"""Shared by the reference scripts: read values.toml and report a value against it."""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path
from typing import Any

VALUES = Path(__file__).resolve().parent.parent / "values.toml"
_failures: list[str] = []


def reference(key: str) -> dict[str, Any]:
    with VALUES.open("rb") as fh:
        return tomllib.load(fh)[key]


def report(label: str, computed: float, stored: float, tol: float, *, rel: bool = False) -> None:
    """Print one computed value beside the stored one; remember it when outside ``tol``."""
    gap = abs(computed - stored) / (abs(stored) if rel and stored else 1.0)
    ok = math.isfinite(computed) and gap <= tol
    kind = "rel" if rel else "abs"
    print(
        f"{'ok ' if ok else 'OFF'} {label:<44} computed {computed:>16.10g}  stored {stored:>12.8g}"
        f"  ({kind} gap {gap:.2e}, tolerance {tol:g})"
    )
    if not ok:
        _failures.append(label)


def done() -> None:
    """Exit non-zero when any value was outside its tolerance."""
    if _failures:
        print(f"{len(_failures)} value(s) outside tolerance: {', '.join(_failures)}")
        sys.exit(1)
    print("all values within tolerance")

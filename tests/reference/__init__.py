"""Reference values the impact engine's tests check against, with where each comes from.

``values.toml`` holds one entry per reference (R1, R2, ...): the data and the package that
loads it, what is computed, the values, the tolerance, the source (a publication, or the
independent implementation and version), and the script in ``scripts/`` that recomputes it.
Tests read the values from here (``reference("R8")["values"]``) instead of repeating them.
The scripts are run by hand (``uv run python tests/reference/scripts/<name>.py``), not in CI.
``sensitivity_published.json`` holds the published figures of the sensitivity analyses.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

VALUES_FILE = Path(__file__).with_name("values.toml")
SCRIPTS = Path(__file__).with_name("scripts")
REFERENCES: dict[str, dict[str, Any]] = tomllib.loads(VALUES_FILE.read_text(encoding="utf-8"))


def reference(key: str) -> dict[str, Any]:
    """One reference entry (``values``, ``tolerance``, ``source``, ...) by its key."""
    return REFERENCES[key]


def values(key: str) -> dict[str, Any]:
    """The reference values of ``key``."""
    return dict(REFERENCES[key]["values"])


def tolerance(key: str, name: str = "abs") -> float:
    """The tolerance ``name`` of ``key`` ("abs", "rel", or a named one such as "se_rel")."""
    return float(REFERENCES[key]["tolerance"][name])


__all__ = ["REFERENCES", "SCRIPTS", "VALUES_FILE", "reference", "tolerance", "values"]

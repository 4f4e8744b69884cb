"""Modules stay small and single-purpose: none in src/ passes 500 lines (generated migrations
aside). Past that, split it by concept, as reports/charts.py and services/imports/tables.py
were."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).parent.parent / "src" / "lodestar"
LIMIT = 500


def test_no_module_passes_500_lines():
    long = {
        str(path.relative_to(SRC)): n
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}, f"split these by concept: {long}"

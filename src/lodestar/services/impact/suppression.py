"""What a stored time-to-event result may say about people: aggregates over enough of them.

A result's ``details`` are stored in ``impact_results`` and returned to managers and
executives (the program page, ``GET /api/programs/{id}/impact``). They hold curves, medians
and counts — never a row per person — and a Kaplan–Meier step is kept only while at least the
minimum group size (``LODESTAR_SECURITY__MIN_GROUP_SIZE``, default 5, through the shared rule
of :mod:`lodestar.services.privacy.groups`) is at risk: past that
point a step describes the last one or two people still ramping or still employed, and when
they got there or left. The curve then ends where its risk set becomes too small, which a
reader sees as the end of the data.

The same rule is applied when a result is stored and when one is read back
(:func:`aggregates_only`), so a row stored before the rule — one that held each new hire's id,
group, days and outcome under ``per_person`` — is never shown as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lodestar.services.privacy.groups import GroupRule

#: Keys that once held one row per person; dropped from any stored details on read.
PER_PERSON_KEYS = ("per_person",)


def curve_points(records: Any, rule: GroupRule) -> list[dict[str, Any]]:
    """The Kaplan–Meier rows (``at_risk`` per step) while the risk set is not too small.

    Rows without an ``at_risk`` count cannot be checked, so they are dropped too.
    """
    if not isinstance(records, list):
        return []
    return [
        dict(r)
        for r in records
        if isinstance(r, Mapping)
        and isinstance(r.get("at_risk"), int | float)
        and r["at_risk"] >= rule.min_size
    ]


def aggregates_only(details: Mapping[str, Any], rule: GroupRule) -> dict[str, Any]:
    """``details`` without per-person rows, its Kaplan–Meier tables cut by ``rule``."""
    out = {k: v for k, v in details.items() if k not in PER_PERSON_KEYS}
    curves = [k for k in out if k.startswith("kaplan_meier")]
    for key in curves:
        value = out[key]
        if isinstance(value, list):  # a table, as the ramp-up stores it
            out[key] = curve_points(value, rule)
        elif isinstance(value, Mapping) and "curves" in value:  # retention's landmark curves
            out[key] = dict(value) | {"curves": curve_points(value["curves"], rule)}
    if curves:
        out["curves_min_at_risk"] = rule.min_size
    return out


__all__ = ["PER_PERSON_KEYS", "aggregates_only", "curve_points"]

"""The one number formatter: how every page, brief, command and sentence writes a number.

Thousands separators, a true minus sign (U+2212, not a hyphen), a plus sign only when asked for
(changes), and a placeholder for "no number" (None, infinity, NaN). It lives in the lowest layer
so the impact engine's sentences (analytics), the report views and the templates (web) and the
CLI all say "−1,234.5" the same way.
"""

from __future__ import annotations

import math

MINUS = "\u2212"


def format_number(
    x: float | None, decimals: int = 1, *, sign: bool = False, missing: str = "—"
) -> str:
    """``x`` with thousands separators and a true minus sign: −1,234.5, or +1,234.5 with
    ``sign``; ``missing`` when ``x`` is not a finite number. A value that rounds to zero is
    written without a sign."""
    if x is None or not math.isfinite(x):
        return missing
    text = f"{abs(x):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        return text
    if x < 0:
        return MINUS + text
    return "+" + text if sign else text


def decimals_for(*values: float | None, most: int = 4) -> int:
    """Decimals that show two significant digits of the largest of ``values`` (at most
    ``most``): 12.3 → 0, 1.23 → 1, 0.012 → 3."""
    ends = [abs(v) for v in values if v is not None and math.isfinite(v)]
    scale = max(ends, default=0.0) or 1.0
    return int(min(max(1 - math.floor(math.log10(scale)), 0), most))


def change_unit(unit: str) -> str:
    """The unit of a *change* in a KPI measured in ``unit``: a change in a percentage is in
    percentage points ("%" → "percentage points", "% of contacts" → "percentage points (of
    contacts)", "% (annualised)" → "percentage points (annualised)"); any other unit is its own."""
    u = unit.strip()
    if u.startswith("%"):
        rest = u[1:].strip()
        if rest.startswith("(") and rest.endswith(")"):  # "% (annualised)": already bracketed
            rest = rest[1:-1].strip()
        return f"percentage points{f' ({rest})' if rest else ''}"
    return u


__all__ = ["MINUS", "change_unit", "decimals_for", "format_number", "p_value_text"]


def p_value_text(p: float, decimals: int = 3) -> str:
    """A p-value as a sentence writes it: "p = 0.079", or "p < 0.001" for one that would round
    to zero at ``decimals`` (never "p = 0.000", which reads as impossible)."""
    floor = 10.0**-decimals
    if math.isfinite(p) and p < floor:
        return f"p < {floor:.{decimals}f}"
    return f"p = {p:.{decimals}f}"

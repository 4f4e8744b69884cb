"""The sensitivity analysis of a program's estimate, ready to show beside it: the sentence, the
headline figures and a chart (robust interval against M̄ for DiD designs; the interval after an
unmeasured factor as strong as each measured one for selection on observables)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from lodestar.analytics.results import EffectEstimate, Sensitivity
from lodestar.domain.numbers import decimals_for, format_number
from lodestar.reports.charts import effect_interval_svg, honest_did_svg
from lodestar.reports.effect_view import with_unit

STATUS_WORDS = {
    True: "Holds under a plausible violation",
    False: "Fragile",
    None: "Not judged",
}
NOTHING_TO_OVERTURN = "No clear effect to overturn"
NO_YARDSTICK = "Not judged: no measured factor to compare with"


def verdict(sens: Sensitivity, est: EffectEstimate) -> tuple[str, str]:
    """The status ("robust" | "fragile" | "info") of a computed sensitivity analysis and its
    words. It is never "not assessed": without a verdict, the words say why (no clear effect
    to overturn, or no yardstick to judge by). An honest-DiD result stored without a verdict
    and without a breakdown value, beside a headline interval clear of zero, is fragile: its
    robust interval includes zero even at M̄ = 0."""
    robust = sens.robust
    if robust is None and sens.kind == "honest_did" and not est.interval_includes_zero:
        robust = False if sens.breakdown is None else None
    if robust is not None:
        return ("robust" if robust else "fragile"), STATUS_WORDS[robust]
    if est.interval_includes_zero:
        return "info", NOTHING_TO_OVERTURN
    return "info", NO_YARDSTICK


@dataclass(frozen=True)
class SensitivityView:
    label: str
    status: str  # "robust" | "fragile" | "info"
    status_words: str
    sentence: str
    figures: tuple[tuple[str, str], ...]  # (what, value) pairs
    table_title: str  # what the rows below show, e.g. "Robust 95% interval by M̄"
    rows: tuple[tuple[str, str], ...]  # the chart's numbers as (what, interval) lines
    method: str
    citation: str
    chart: Markup | None  # None for the command line, which prints the words only


def _num(x: Any, decimals: int = 2) -> str:
    return format_number(float(x), decimals) if isinstance(x, int | float) else "—"


Figures = tuple[tuple[str, str], ...]


def _rows(
    cells: list[tuple[str, float, float]], est: EffectEstimate
) -> tuple[tuple[str, str], ...]:
    """Intervals in the estimate's own unit and decimals (as the estimate is shown)."""
    d = decimals_for(est.estimate, est.ci_low, est.ci_high)

    def one(x: float) -> str:
        if math.isinf(x):
            return "no upper limit" if x > 0 else "no lower limit"
        return format_number(x, d)

    return tuple((what, with_unit(f"{one(lo)} to {one(hi)}", est.unit)) for what, lo, hi in cells)


def _honest_did_rows(sens: Sensitivity, est: EffectEstimate) -> tuple[str, Figures]:
    grid = [
        (float(r["m_bar"]), float(r["ci_low"]), float(r["ci_high"]))
        for r in sens.data.get("grid", ())
    ]
    level = f"{float(sens.data.get('confidence', est.confidence)):.0%}"
    cells = [(f"M̄ = {format_number(m, 2).rstrip('0').rstrip('.')}", lo, hi) for m, lo, hi in grid]
    return f"Robust {level} interval as trends may differ after the start", _rows(cells, est)


def _confounding_rows(sens: Sensitivity, est: EffectEstimate) -> tuple[str, Figures]:
    cells = [("As estimated", est.ci_low, est.ci_high)]
    for b in sens.data.get("covariates", ())[:4]:
        if float(b["r2yz_dx"]) < 0.999:
            cells.append(
                (
                    f"A hidden factor as strong as {b['name']}",
                    float(b["adjusted_ci_low"]),
                    float(b["adjusted_ci_high"]),
                )
            )
    level = f"{est.confidence:.0%}"
    return f"{level} interval if a hidden factor as strong as a measured one existed", _rows(
        cells, est
    )


def _hazard(sens: Sensitivity) -> tuple[Figures, str, Figures]:
    """Figures and the yardstick table of an E-value for a hazard ratio (no chart)."""
    data: Mapping[str, Any] = sens.data
    share = data.get("event_share")
    rare = bool(data.get("rare_outcome"))
    conversion = (
        "rare outcome: risk ratio ≈ hazard ratio"
        if rare
        else ("common outcome: risk ratio ≈ (1 − 0.5^√HR) / (1 − 0.5^√(1/HR))")
    )
    if isinstance(share, int | float):
        conversion += f" ({100 * float(share):.0f}% had the event)"
    figures: Figures = (
        ("E-value (estimate)", _num(data.get("e_value"))),
        ("E-value (interval limit)", _num(data.get("e_value_ci"))),
        ("On the risk-ratio scale", conversion),
    )
    rows: Figures = tuple(
        (f"{c['name']}: risk ratio with the outcome", _num(c["risk_ratio"]))
        for c in data.get("covariates", ())[:4]
    )
    return figures, "Measured factors as a yardstick", rows


def _honest_did(sens: Sensitivity, est: EffectEstimate, charts: bool) -> tuple[Figures, str]:
    data: Mapping[str, Any] = sens.data
    grid = [(r["m_bar"], r["ci_low"], r["ci_high"]) for r in data.get("grid", ())]
    breakdown = sens.breakdown
    figures = (
        (
            "Breakdown value M̄*",
            _num(breakdown)
            if breakdown is not None
            else "none: the interval includes no effect at M̄ = 0",
        ),
        ("Plausible violation", "M̄ = 1 (as large as the largest change before the start)"),
        ("Periods before / after the start", f"{data.get('n_pre', 0) + 1} / {data.get('n_post')}"),
    )
    if not charts:
        return figures, ""
    svg = honest_did_svg(
        grid,
        breakdown=breakdown,
        unit=est.unit,
        title=f"{est.outcome}: robust interval as trends may differ after the start",
    )
    return figures, svg


def _confounding(sens: Sensitivity, est: EffectEstimate, charts: bool) -> tuple[Figures, str]:
    data: Mapping[str, Any] = sens.data
    rows: list[tuple[str, float, float, float, bool]] = [
        ("As estimated", est.estimate, est.ci_low, est.ci_high, True)
    ]
    whole = []  # benchmarks so strong they could explain all remaining variation
    for b in data.get("covariates", ())[:4]:
        if float(b["r2yz_dx"]) >= 0.999:
            whole.append(str(b["name"]))
            continue
        rows.append(
            (
                f"As strong as {b['name']}",
                float(b["adjusted_estimate"]),
                float(b["adjusted_ci_low"]),
                float(b["adjusted_ci_high"]),
                True,
            )
        )
    figures: Figures = (
        ("E-value (estimate)", _num(data.get("e_value"))),
        ("E-value (interval limit)", _num(data.get("e_value_ci"))),
        ("Robustness value", f"{100 * float(data.get('robustness_value', 0)):.1f}%"),
        (
            "Robustness value at 5%",
            f"{100 * float(data.get('robustness_value_alpha', 0)):.1f}%",
        ),
    )
    if whole:
        figures += (
            (
                "Strongest benchmarks",
                f"A hidden factor as strong as {' or '.join(whole)} could account for all the "
                "remaining variation in the KPI, so it could explain any result.",
            ),
        )
    if not charts:
        return figures, ""
    svg = effect_interval_svg(
        rows,
        unit=est.unit,
        title=f"{est.outcome}: effect if a hidden factor as strong as a measured one existed",
    )
    return figures, svg


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def sensitivity_view(est: EffectEstimate, *, charts: bool = True) -> SensitivityView | None:
    """The view of ``est.sensitivity``, or None when the design has none; without the chart
    when ``charts`` is False."""
    sens = est.sensitivity
    if sens is None:
        return None
    if sens.kind == "honest_did":
        figures, svg = _honest_did(sens, est, charts)
        table_title, rows = _honest_did_rows(sens, est)
    elif sens.kind == "hazard_e_value":
        figures, table_title, rows = _hazard(sens)
        svg = ""
    else:
        figures, svg = _confounding(sens, est, charts)
        table_title, rows = _confounding_rows(sens, est)
    status, words = verdict(sens, est)
    return SensitivityView(
        label=sens.label,
        status=status,
        status_words=words,
        sentence=_capitalised(sens.sentence.removeprefix("Sensitivity: ")),
        figures=figures,
        table_title=table_title,
        rows=rows,
        method=sens.method,
        citation=sens.citation,
        chart=Markup(svg) if svg else None,  # noqa: S704 - SVG from our own renderer
    )

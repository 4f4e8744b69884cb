"""One estimate, ready to print: the effect in the KPI's unit (or as a ratio), its interval,
the evidence grade with the reason for it, the design in words, and the checks on the evidence.

Shared by the program page, the PDF brief and the command line (through
:mod:`lodestar.reports.program_view`); numbers go through the one formatter
(:mod:`lodestar.domain.numbers`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lodestar.analytics.options import ESTIMAND_LABELS
from lodestar.analytics.results import EffectEstimate
from lodestar.domain.evaluation import EVALUATION_DESIGNS
from lodestar.domain.numbers import change_unit, decimals_for, format_number

number = format_number  # the one formatter, under the short name the views use

EVIDENCE_WORDS = {
    "strong": "Strong evidence",
    "moderate": "Moderate evidence",
    "weak": "Weak evidence",
    "none": "No causal evidence",
}
EVIDENCE_HELP = {
    "strong": "A clear effect from a randomised pilot, or from a design whose conclusion "
    "survives a plausible violation of its assumption (see how robust it is), with its checks "
    "passed.",
    "moderate": "A clear effect, but the design rests on assumptions the data cannot fully "
    "check, or a warning applies.",
    "weak": "The interval includes no effect, or a check on the evidence failed.",
    "none": "The comparison does not support a causal reading.",
}
DESIGN_WORDS = {
    "staggered": "Staggered adoption (difference-in-differences over start cohorts)",
    "randomised": "Randomised pilot",
    "selection_on_observables": "Selection on observables (doubly robust adjustment)",
    "did": "Difference-in-differences",
    "survival": "Survival model",
    "naive": "Naive comparison (not causal)",
    "retention": "Retention (training as a time-varying covariate)",
    "time_to_productivity": "Time to productivity for new hires",
}
DESIGN_CHOICES = (
    ("auto", "Automatic: the design the roll-out supports"),
    *((design, DESIGN_WORDS[design]) for design in EVALUATION_DESIGNS),
)


def finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def unit_words(unit: str) -> str:
    """A change in a percentage is in percentage points (``domain.numbers.change_unit``)."""
    return change_unit(unit)


def with_unit(text: str, unit: str) -> str:
    words = unit_words(unit)
    return f"{text} {words}".strip()


@dataclass(frozen=True)
class EffectView:
    """One estimate, ready to print."""

    summary: str
    causal: bool
    estimate: str  # "+44 EUR"
    interval: str  # "−1,329 to 1,417 EUR"
    confidence: str  # "95%"
    percent_of_baseline: str | None
    baseline: str | None
    p_value: str | None
    n_treated: int
    n_comparison: int
    n_clusters: int | None
    estimand: str
    method: str
    citation: str
    design: str
    design_reason: str
    evidence: str
    evidence_words: str
    evidence_help: str
    warnings: tuple[str, ...]
    unit: str
    # What a ratio estimate is a number of ("Rate of leaving voluntarily, participants
    # against the comparison"); empty for an effect on the KPI itself (see estimate_label).
    ratio_label: str = ""

    def estimate_label(self, kpi_name: str) -> str:
        """The headline number's label: "Estimated effect on <KPI>", or what the ratio is."""
        return self.ratio_label or f"Estimated effect on {kpi_name}"


def ratio_label(est: EffectEstimate) -> str:
    """What a hazard ratio measures: the ratio of the rates at which something happens
    (reaching the productivity standard, leaving), never an effect on the KPI's own values
    (order lines per hour, the attrition rate). Empty for other estimands."""
    if est.estimand in RATIO_ESTIMANDS:
        return f"Rate of {est.outcome}, participants against the comparison"
    return ""


def _percent(pct: float | None) -> str | None:
    if pct is None or not math.isfinite(pct):
        return None
    return f"{number(pct, 0 if abs(pct) >= 10 else 1, sign=True)}%"


def _p_value(p: float | None) -> str | None:
    if p is None or not math.isfinite(p):
        return None
    return f"{p:.3f}" if p >= 0.001 else "< 0.001"


RATIO_ESTIMANDS = ("hazard_ratio",)


def _ratio(value: float) -> str:
    """A rate ratio in words: '0.62× (38% lower)'."""
    if not finite(value):
        return "—"
    change = (value - 1.0) * 100
    if abs(change) < 0.5:
        return f"{value:.2f}× (no change)"
    return f"{value:.2f}× ({abs(change):.0f}% {'higher' if change > 0 else 'lower'})"


def evidence_reasons(est: EffectEstimate) -> str:
    """Why the evidence has its grade, from this estimate's own interval and checks."""
    no_effect = 1.0 if est.estimand in RATIO_ESTIMANDS else 0.0
    reasons = []
    if finite(est.ci_low) and finite(est.ci_high) and est.ci_low <= no_effect <= est.ci_high:
        reasons.append("The interval includes no effect.")
    failed = [d.label for d in est.diagnostics if d.passed is False]
    if failed:
        reasons.append(
            "Failed check" + ("s" if len(failed) > 1 else "") + ": " + "; ".join(failed) + "."
        )
    if not est.causal:
        reasons.append("The comparison does not support a causal reading.")
    return " ".join(reasons) or EVIDENCE_HELP.get(est.evidence, "")


def effect_view(est: EffectEstimate) -> EffectView:
    d = decimals_for(est.estimate, est.ci_low, est.ci_high)
    pct = est.percent_of_baseline
    ratio = est.estimand in RATIO_ESTIMANDS
    return EffectView(
        summary=est.summary(),
        causal=est.causal,
        estimate=_ratio(est.estimate)
        if ratio
        else with_unit(number(est.estimate, d, sign=True), est.unit),
        interval=f"{est.ci_low:.2f}× to {est.ci_high:.2f}×"
        if ratio
        else with_unit(f"{number(est.ci_low, d)} to {number(est.ci_high, d)}", est.unit),
        confidence=f"{est.confidence:.0%}",
        percent_of_baseline=None if ratio else _percent(pct),
        baseline=f"{number(est.baseline, decimals_for(est.baseline) + 1)} {est.unit}".strip()
        if finite(est.baseline)
        else None,
        p_value=_p_value(est.p_value),
        n_treated=est.n_treated,
        n_comparison=est.n_comparison,
        n_clusters=est.n_clusters,
        estimand=ESTIMAND_LABELS.get(est.estimand, est.estimand),
        method=est.method_label,
        citation=est.citation,
        design=DESIGN_WORDS.get(est.design, est.design),
        design_reason=est.design_reason,
        evidence=est.evidence,
        evidence_words=EVIDENCE_WORDS.get(est.evidence, est.evidence),
        evidence_help=evidence_reasons(est),
        warnings=tuple(_stored_p_values(w) for w in est.warnings),
        unit=est.unit,
        ratio_label=ratio_label(est),
    )


@dataclass(frozen=True)
class DiagnosticView:
    label: str
    status: str  # "passed" | "failed" | "info"
    status_words: str
    value: str | None
    detail: str
    tables: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...]


_ZERO_P = re.compile(r"\bp = 0\.0+(?![0-9])")


def _stored_p_values(text: str) -> str:
    """Results stored before p-values were written with ``p_value_text`` say "p = 0.000";
    they are shown as "p < 0.001" (what the engine now writes)."""
    return _ZERO_P.sub(lambda m: f"p < 0.{'0' * (len(m.group()) - 7)}1", text)


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        if v.is_integer() and abs(v) >= 1:
            return number(v, 0)
        if 0 < v < 0.0005:  # a p-value (or share) that would read "0.000"
            return "< 0.001"
        return number(v, 3 if abs(v) < 10 else 1)
    return "—" if v is None else str(v)


def _check_value(v: Any, detail: str) -> str | None:
    """A check's headline number; a p-value of (exactly) zero, as its sentence gives it, reads
    "< 0.001" too."""
    if v is None:
        return None
    if isinstance(v, float) and v == 0 and re.search(r"\bp < 0\.0*1\b", detail):
        return "< 0.001"
    return _cell(v)


def _tables(
    data: Mapping[str, Any],
) -> tuple[tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]], ...]:
    """Lists of flat records in a diagnostic's data, as small tables (the event study is a
    chart instead)."""
    out = []
    for name, rows in data.items():
        if name == "event_study" or not isinstance(rows, list) or not rows:
            continue
        if not all(isinstance(r, Mapping) for r in rows):
            continue
        cols = tuple(str(c) for c in rows[0])
        if any(isinstance(v, Mapping | list) for r in rows for v in r.values()):
            continue
        body = tuple(tuple(_cell(r.get(c)) for c in cols) for r in rows)
        out.append(
            (name.replace("_", " ").capitalize(), tuple(c.replace("_", " ") for c in cols), body)
        )
    return tuple(out)


def diagnostic_views(est: EffectEstimate) -> tuple[DiagnosticView, ...]:
    views = []
    for d in est.diagnostics:
        status = "info" if d.passed is None else "passed" if d.passed else "failed"
        detail = _stored_p_values(d.detail)
        views.append(
            DiagnosticView(
                label=d.label,
                status=status,
                status_words={"info": "For information", "passed": "Passed", "failed": "Failed"}[
                    status
                ],
                value=_check_value(d.value, detail),
                detail=detail,
                tables=_tables(d.data or {}),
            )
        )
    return tuple(views)


def event_study_points(est: EffectEstimate) -> list[tuple[int, float, float, float]]:
    """The event-study table from the estimate's details or its pre-trend diagnostic."""
    table = est.details.get("event_study") if est.details else None
    if not table:
        for d in est.diagnostics:
            if d.data and d.data.get("event_study"):
                table = d.data["event_study"]
                break
    points = []
    for row in table or ():
        vals = (row.get("estimate"), row.get("ci_low"), row.get("ci_high"))
        if row.get("event_time") is None or not all(finite(v) for v in vals):
            continue
        points.append((int(row["event_time"]), float(vals[0]), float(vals[1]), float(vals[2])))  # type: ignore[arg-type]
    return points


__all__ = [
    "DESIGN_CHOICES",
    "DESIGN_WORDS",
    "EVIDENCE_WORDS",
    "DiagnosticView",
    "EffectView",
    "diagnostic_views",
    "effect_view",
    "event_study_points",
    "evidence_reasons",
    "finite",
    "number",
]

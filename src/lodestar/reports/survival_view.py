"""The program page's time-to-event section: retention curves and the ramp-up comparison.

Context for ``programs/_survival.html`` (``view.survival``, a :class:`SurvivalView`), built from
a stored result whose design is ``retention`` or ``time_to_productivity``; ``lodestar impact
show`` prints the same groups and facts:

- ``kind``: "retention" or "time_to_productivity";
- ``chart``: the Kaplan–Meier curves as accessible inline SVG (Altair → vl-convert), with
  ``chart_help`` saying how to read them;
- ``groups``: one :class:`SurvivalGroup` per curve (label, people, events, median in days or
  "not reached");
- ``facts``: (label, value) pairs in words — the landmark, the threshold, leavers prevented;
- ``ratio_chart``: the hazard ratio and its interval on a ratio scale, with the rule at 1
  (no difference) and the flagged "ever trained" contrast for retention;
- ``note``: why the curves are drawn the way they are.

Charts are cached on their data like the other charts (:mod:`lodestar.reports.charts`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from lodestar.analytics.results import EffectEstimate
from lodestar.domain.numbers import format_number as number
from lodestar.reports.charts import ACCENT, INK, MUTED, NAIVE, accessible_svg, no_data_svg

SURVIVAL_DESIGNS = ("retention", "time_to_productivity")
COLOURS = (ACCENT, NAIVE, "#1d7a45", "#7a3db8")

# (group, time in days, survival)
CurvePoint = tuple[str, float, float]


def km_svg(points: tuple[CurvePoint, ...], *, title: str, y_title: str, width: int = 560) -> str:
    """Kaplan–Meier step curves, one colour per group, time in days on the x axis."""
    return _render_km(points, title, y_title, int(width))


@lru_cache(maxsize=64)
def _render_km(points: tuple[CurvePoint, ...], title: str, y_title: str, width: int) -> str:
    groups = list(dict.fromkeys(g for g, _, _ in points))
    last = {g: [p for p in points if p[0] == g][-1] for g in groups}
    words = "; ".join(f"{g}: {s:.0%} after {t:,.0f} days" for g, (_, t, s) in last.items())
    text = f"{title}. {words}." if points else f"{title}: no data yet."
    if not points:
        return no_data_svg(width, 200, text)
    import altair as alt
    import vl_convert

    values = [{"group": g, "days": t, "share": s} for g, t, s in points]
    # Zoomed to the curves (retention curves fall little), always up to 100 %.
    low = max(0.0, math.floor((min(s for _, _, s in points) - 0.05) * 10) / 10)
    chart = (
        alt.Chart(alt.Data(name="curves"))
        .mark_line(interpolate="step-after", strokeWidth=2, aria=False)
        .encode(
            x=alt.X("days:Q", title="Days", axis=alt.Axis(labelColor=MUTED, grid=False)),
            y=alt.Y(
                "share:Q",
                title=y_title,
                scale=alt.Scale(domain=[low, 1]),
                axis=alt.Axis(format=".0%", labelColor=MUTED, gridColor="#eef0f5"),
            ),
            color=alt.Color(
                "group:N",
                scale=alt.Scale(domain=groups, range=list(COLOURS[: len(groups)])),
                legend=alt.Legend(orient="bottom", title=None, labelColor=INK, labelLimit=320),
            ),
        )
        .properties(width=width, height=220, background="transparent")
        .configure_view(stroke=None)
    )
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"curves": values}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


def ratio_svg(rows: tuple[tuple[str, float, float, float, bool], ...], *, title: str) -> str:
    """Hazard ratios with intervals on a log scale, against the rule at 1 (no difference)."""
    key = tuple(r for r in rows if all(math.isfinite(v) and v > 0 for v in r[1:4]))
    return _render_ratio(key, title)


@lru_cache(maxsize=64)
def _render_ratio(key: tuple[tuple[str, float, float, float, bool], ...], title: str) -> str:
    parts = [f"{label}: {est:.2f} (95% CI {lo:.2f} to {hi:.2f})" for label, est, lo, hi, _ in key]
    text = f"{title}. " + "; ".join(parts) + ". 1 means no difference."
    if not key:
        return no_data_svg(420, 60, f"{title}: no estimate yet.")
    import altair as alt
    import vl_convert

    values = [
        {"label": label, "estimate": e, "low": lo, "high": hi, "kind": "causal" if c else "naive"}
        for label, e, lo, hi, c in key
    ]
    y = alt.Y("label:N", title=None, sort=[r[0] for r in key], axis=alt.Axis(labelLimit=240))
    x = alt.X("low:Q", title="Hazard ratio (log scale; 1 = no difference)",
              scale=alt.Scale(type="log"), axis=alt.Axis(labelColor=MUTED, grid=False))  # fmt: skip
    color = alt.Color(
        "kind:N", scale=alt.Scale(domain=["causal", "naive"], range=[ACCENT, NAIVE]), legend=None
    )
    base = alt.Chart(alt.Data(name="rows"))
    layer = [
        alt.Chart(alt.Data(name="one"))
        .mark_rule(color=MUTED, strokeDash=[3, 3])
        .encode(x=alt.X("x:Q", scale=alt.Scale(type="log"))),
        base.mark_rule(strokeWidth=3, aria=False).encode(x=x, x2="high:Q", y=y, color=color),
        base.mark_point(size=90, filled=True, opacity=1, aria=False).encode(
            x=alt.X("estimate:Q", scale=alt.Scale(type="log")), y=y, color=color
        ),
    ]
    chart = alt.LayerChart(layer=layer, width=420, height=44 * len(key), background="transparent")
    spec: dict[str, Any] = chart.to_dict(validate=False)
    spec["datasets"] = {"rows": values, "one": [{"x": 1.0}]}
    return accessible_svg(vl_convert.vegalite_to_svg(spec), text)


def _points(records: list[dict[str, Any]], value: str = "survival") -> tuple[CurvePoint, ...]:
    return tuple(
        (str(r["group"]), float(r["time"]), float(r[value]))
        for r in records
        if r.get(value) is not None
    )


def _median(v: Any) -> str:
    finite = isinstance(v, int | float) and math.isfinite(v)
    return f"{number(v, 0)} days" if finite else "not reached"


@dataclass(frozen=True)
class SurvivalGroup:
    label: str
    people: int
    events: int
    median: str  # "312 days" or "not reached"
    median_ci: str = "—"


@dataclass(frozen=True)
class SurvivalView:
    kind: str  # "retention" | "time_to_productivity"
    heading: str
    chart_help: str
    groups: tuple[SurvivalGroup, ...]
    facts: tuple[tuple[str, str], ...]
    ratio_help: str
    note: str
    chart: Markup | None = None
    ratio_chart: Markup | None = None

    @property
    def events_label(self) -> str:
        return "Left voluntarily" if self.kind == "retention" else "Reached the standard"


def survival_view(
    design: str, est: EffectEstimate, naive: EffectEstimate | None, *, charts: bool = True
) -> SurvivalView | None:
    """The section's context (see the module docstring); None for other designs. Without the
    charts when ``charts`` is False."""
    if design not in SURVIVAL_DESIGNS:
        return None
    d = est.details
    if design == "retention":
        return _retention(est, naive, d, charts)
    return _ramp(est, d, charts)


def _svg(svg: str) -> Markup:
    return Markup(svg)  # noqa: S704 - SVG generated by our own renderer, labels escaped there


def _ci(value: float, low: float, high: float, confidence: float, decimals: int) -> str:
    return (
        f"{number(value, decimals)} ({confidence:.0%} CI {number(low, decimals)} to "
        f"{number(high, decimals)})"
    )


def _retention(
    est: EffectEstimate, naive: EffectEstimate | None, d: Any, charts: bool
) -> SurvivalView:
    lm = d.get("kaplan_meier_landmark") or {}
    groups = tuple(
        SurvivalGroup(str(g), int(n), int(lm.get("events", {}).get(g, 0)),
                      _median(lm.get("medians", {}).get(g)))
        for g, n in (lm.get("n") or {}).items()
    )  # fmt: skip
    rows = [("Trained vs not yet trained (time-varying)", est.estimate, est.ci_low, est.ci_high,
             True)]  # fmt: skip
    if naive is not None:
        rows.append(("'Ever trained' — biased, not causal", naive.estimate, naive.ci_low,
                     naive.ci_high, False))  # fmt: skip
    prevented = d.get("leavers_prevented_per_100_per_year")
    ci = d.get("leavers_prevented_ci") or [None, None]
    facts = [("Landmark date", str(lm.get("landmark", "—")))]
    if isinstance(prevented, int | float) and all(isinstance(c, int | float) for c in ci):
        facts.append(
            ("Leavers prevented per 100 participants per year",
             _ci(prevented, ci[0], ci[1], est.confidence, 1))
        )  # fmt: skip
    rate = d.get("trained_leaving_rate_per_100_per_year")
    if isinstance(rate, int | float):
        facts.append(
            ("Participants' leaving rate while in the program", f"{number(rate)} per 100 a year")
        )
    title = "Share still employed after the landmark date"
    curves = _points(lm.get("curves") or [])
    return SurvivalView(
        kind="retention",
        heading="Who stays: retention curves",
        chart=_svg(km_svg(curves, title=title, y_title="Still employed")) if charts else None,
        chart_help=(
            "Each line is the share of people still employed, day by day after the landmark "
            "date; a higher line means fewer resignations. Only voluntary exits count as "
            "leaving; people who left for other reasons are followed up to their exit."
        ),
        groups=groups,
        facts=tuple(facts),
        ratio_chart=_svg(ratio_svg(tuple(rows), title="Hazard of leaving")) if charts else None,
        ratio_help=(
            "Below 1, participants resign at a lower rate. The dashed, orange row counts "
            "participants as trained from the day they joined, which credits the program with "
            "the time they had to stay to be trained (immortal-time bias): it is shown only "
            "to warn against it."
        ),
        note=str(lm.get("note", "")),
    )


def _ramp(est: EffectEstimate, d: Any, charts: bool) -> SurvivalView:
    medians, cis = d.get("median_days") or {}, d.get("median_days_ci") or {}
    reached = d.get("reached_by_cohort") or {}
    groups = tuple(
        SurvivalGroup(str(g), int(n), int(reached.get(g, 0)), _median(medians.get(g)),
                      " to ".join(_median(c) for c in cis.get(g, [])) or "—")
        for g, n in (d.get("n_by_cohort") or {}).items()
    )  # fmt: skip
    facts = [("Productive means", f"{d.get('threshold', '—')} — {d.get('threshold_rule', '')}")]
    diff = d.get("median_difference_days")
    if isinstance(diff, int | float):
        facts.append(
            ("Difference in median time to productivity", f"{number(diff, 0, sign=True)} days")
        )
    tr, tr_ci = d.get("time_ratio"), d.get("time_ratio_ci") or [None, None]
    if isinstance(tr, int | float) and all(isinstance(c, int | float) for c in tr_ci):
        facts.append(
            ("Time ratio (below 1: less time needed)",
             _ci(tr, tr_ci[0], tr_ci[1], est.confidence, 2))
        )  # fmt: skip
    facts.append(("Compared with", str(d.get("comparison", "—"))))
    chart = None
    if charts:
        records = [
            r | {"reached": None if r.get("survival") is None else 1 - float(r["survival"])}
            for r in d.get("kaplan_meier") or []
        ]
        title = "Share of new hires at the standard, by days since hire"
        chart = _svg(km_svg(_points(records, "reached"), title=title, y_title="At the standard"))
    rows = (("Took part vs did not", est.estimate, est.ci_low, est.ci_high, est.causal),)
    return SurvivalView(
        kind="time_to_productivity",
        heading="Time to productivity: the ramp-up of new hires",
        chart=chart,
        chart_help=(
            "Each line is the share of new hires who have reached the standard, day by day "
            "after their hire date; a line that rises sooner means a faster ramp-up. People who "
            "left or are still ramping count up to their last observed week."
        ),
        groups=groups,
        facts=tuple(facts),
        ratio_chart=_svg(ratio_svg(rows, title="Rate of reaching the standard"))
        if charts
        else None,
        ratio_help="Above 1, participants reach the standard sooner.",
        note="",
    )

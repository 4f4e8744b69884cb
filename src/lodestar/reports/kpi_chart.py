"""A KPI's trend as inline SVG: the per-period values, the latest marked, the baseline and the
target as rules; and a value with its unit in words (``fmt_value``).

Rendering is cached on the data itself (an ``lru_cache`` keyed by a tuple of the points and
options), because one page shows several charts and the same KPI appears on several pages.
A warm render through vl-convert takes about 10 ms; a cache hit takes microseconds. The very
first render in a process also starts vl-convert's engine (about half a second).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

from lodestar.domain.numbers import format_number
from lodestar.reports.chart_svg import ACCENT, GOOD, MUTED, NAIVE, accessible_svg, no_data_svg


class _Point(Protocol):
    @property
    def period(self) -> date: ...

    @property
    def value(self) -> float: ...


PointLike = _Point | tuple[date, float]


def kpi_trend_svg(
    points: Iterable[PointLike],
    *,
    unit: str,
    direction: str,
    baseline: float | None = None,
    target: float | None = None,
    width: int = 260,
    height: int = 70,
    title: str = "KPI",
    axes: bool = False,
    starts: Iterable[date] = (),
) -> str:
    """A KPI's trend as SVG markup: a line of the per-period values, the latest value marked,
    dashed rules at the baseline (grey) and the target (green), and a vertical line where each
    program aimed at it started (``starts``, within the trend's span).

    ``points`` are ``KpiPoint``-like objects or ``(period, value)`` pairs, oldest first.
    ``axes=False`` draws a sparkline for cards, still with its axis (the lowest and highest
    value, the first and last month) so its slope can be read; ``axes=True`` a chart with
    labelled axes. With no points, a small "No data yet" picture of the same size is returned.
    """
    key = tuple(_pair(p) for p in points)
    marks = tuple(sorted({d.isoformat() for d in starts}))
    if key:
        marks = tuple(d for d in marks if key[0][0] <= d <= key[-1][0])
    return _render(
        key,
        unit,
        direction,
        None if baseline is None else float(baseline),
        None if target is None else float(target),
        int(width),
        int(height),
        title,
        axes,
        marks,
    )


def render_cache_info() -> Any:
    """Hits and misses of the chart cache (for benchmarks and tests)."""
    return _render.cache_info()


def _pair(p: PointLike) -> tuple[str, float]:
    if isinstance(p, tuple):
        period, value = p
    else:
        period, value = p.period, p.value
    return (period.isoformat(), float(value))


def fmt_value(value: float, unit: str) -> str:
    """A value with its unit, with as many decimals as its size needs."""
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = format_number(value, digits)
    if digits:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def describe_trend(
    key: tuple[tuple[str, float], ...],
    unit: str,
    direction: str,
    baseline: float | None,
    target: float | None,
    title: str,
) -> str:
    """The sentence a screen reader hears instead of the picture."""
    if not key:
        return f"{title}: no data yet."
    first, last = key[0], key[-1]
    parts = [
        f"{title}: {len(key)} values from {first[0]} to {last[0]}",
        f"latest {fmt_value(last[1], unit)}",
    ]
    if baseline is not None:
        parts.append(f"baseline {fmt_value(baseline, unit)}")
    if target is not None:
        parts.append(f"target {fmt_value(target, unit)}")
    better = "higher" if direction == "up" else "lower"
    return "; ".join(parts) + f". {better.capitalize()} is better."


@lru_cache(maxsize=512)
def _render(
    key: tuple[tuple[str, float], ...],
    unit: str,
    direction: str,
    baseline: float | None,
    target: float | None,
    width: int,
    height: int,
    title: str,
    axes: bool,
    starts: tuple[str, ...] = (),
) -> str:
    label = describe_trend(key, unit, direction, baseline, target, title)
    if starts:
        label += f" Programs started on {', '.join(starts)}."
    if not key:
        return no_data_svg(width, height, label)
    import vl_convert

    spec = _trend_spec(key, unit, baseline, target, width, height, axes, starts=starts)
    svg = vl_convert.vegalite_to_svg(spec)
    return accessible_svg(svg, label)


def _trend_spec(
    key: tuple[tuple[str, float], ...],
    unit: str,
    baseline: float | None,
    target: float | None,
    width: int,
    height: int,
    axes: bool,
    *,
    starts: tuple[str, ...] = (),
    validate: bool = False,
) -> dict[str, Any]:
    """The Vega-Lite spec. Schema validation costs more than the render; tests switch it on."""
    import altair as alt

    values = [{"period": p, "value": v} for p, v in key]
    # A sparkline keeps a light axis: two dates and two values, enough to read its slope.
    x = alt.X(
        "period:T",
        title=None,
        axis=alt.Axis(format="%b %Y", labelColor=MUTED, tickCount=6, grid=False)
        if axes
        else alt.Axis(format="%b %y", labelColor=MUTED, tickCount=2, grid=False, ticks=False,
                      domain=False, labelFontSize=10, labelOverlap=True, labelFlush=True),
    )  # fmt: skip
    low, high = min(v for _, v in key), max(v for _, v in key)
    y = alt.Y(
        "value:Q",
        title=unit if axes else None,
        scale=alt.Scale(zero=False, nice=axes),
        axis=alt.Axis(format=",.2~f", labelColor=MUTED, gridColor="#eef0f5", tickCount=5)
        if axes
        else alt.Axis(format=_end_format(low, high), labelColor=MUTED, values=sorted({low, high}),
                      grid=False, ticks=False, domain=False, labelFontSize=10),
    )  # fmt: skip
    # The points travel as named datasets added after to_dict(): Altair deep-copies inline
    # data on every step, which would cost more than the render itself.
    line = (
        alt.Chart(alt.Data(name="trend"))
        .mark_line(color=ACCENT, strokeWidth=2 if axes else 1.8, interpolate="monotone", aria=False)
        .encode(x=x, y=y)
    )
    last = (
        alt.Chart(alt.Data(name="latest"))
        .mark_point(filled=True, color=ACCENT, size=50 if axes else 28, opacity=1, aria=False)
        .encode(x=x, y=y)
    )
    layers: list[Any] = [line, last]
    datasets: dict[str, list[dict[str, Any]]] = {"trend": values, "latest": values[-1:]}
    for value, color, name in ((baseline, MUTED, "baseline"), (target, GOOD, "target")):
        if value is None:
            continue
        datasets[name] = [{"value": value}]
        rule = alt.Chart(alt.Data(name=name)).encode(y=alt.Y("value:Q"))
        layers.append(rule.mark_rule(color=color, strokeDash=[4, 3], strokeWidth=1, aria=False))
        if axes:
            layers.append(
                rule.mark_text(
                    text=name, align="right", dy=-6, color=color, fontSize=11, aria=False
                ).encode(x=alt.value(width))
            )
    if starts:
        datasets["starts"] = [{"period": d, "name": "" if i else "program starts"}
                              for i, d in enumerate(starts)]  # fmt: skip
        start = alt.Chart(alt.Data(name="starts")).encode(x=alt.X("period:T"))
        layers.append(start.mark_rule(color=NAIVE, strokeWidth=1.2, strokeDash=[2, 2], aria=False))
        if axes:
            layers.append(
                start.mark_text(align="left", dx=3, baseline="top", fontSize=11, color=NAIVE,
                                aria=False).encode(y=alt.value(0), text="name:N")
            )  # fmt: skip
    chart = alt.LayerChart(
        layer=layers,
        width=width,
        height=height,
        background="transparent",
        padding=alt.Undefined if axes else 4,
        config=alt.Config(view=alt.ViewConfig(stroke=None)),
    )
    spec: dict[str, Any] = chart.to_dict(validate=validate)
    spec["datasets"] = datasets
    return spec


def _end_format(low: float, high: float) -> str:
    """The sparkline's two value labels: three significant digits, but whole numbers with
    thousands separators from 1,000 on ("10,200", never "1.02e+4")."""
    return ",.0f" if max(abs(low), abs(high)) >= 1000 else ",.3~g"

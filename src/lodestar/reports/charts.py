"""Charts as inline SVG: Vega-Lite specs built with Altair, rendered server-side by vl-convert.

No network and no JavaScript are needed to show them; the same SVG goes into web pages and
PDF briefs. Every chart carries ``role="img"``, an ``aria-label`` and a ``<title>`` that say in
words what the picture shows.

One module per kind: :mod:`~lodestar.reports.chart_svg` (palette, accessible SVG, "No data
yet"), :mod:`~lodestar.reports.kpi_chart` (a KPI's trend, values with units) and
:mod:`~lodestar.reports.impact_charts` (estimates, event study, behaviour, sensitivity). This
module is the index pages and reports import from.
"""

from lodestar.reports.chart_svg import (
    ACCENT,
    GOOD,
    INK,
    MUTED,
    NAIVE,
    accessible_svg,
    no_data_svg,
)
from lodestar.reports.impact_charts import (
    EventPoint,
    IntervalRow,
    WindowPoint,
    behaviour_svg,
    effect_interval_svg,
    event_study_svg,
    honest_did_svg,
)
from lodestar.reports.kpi_chart import (
    PointLike,
    describe_trend,
    fmt_value,
    kpi_trend_svg,
    render_cache_info,
)

__all__ = [
    "ACCENT",
    "GOOD",
    "INK",
    "MUTED",
    "NAIVE",
    "EventPoint",
    "IntervalRow",
    "PointLike",
    "WindowPoint",
    "accessible_svg",
    "behaviour_svg",
    "describe_trend",
    "effect_interval_svg",
    "event_study_svg",
    "fmt_value",
    "honest_did_svg",
    "kpi_trend_svg",
    "no_data_svg",
    "render_cache_info",
]

"""Warm-up at server start, in a background thread: what the first request would otherwise pay.

The first chart a process draws starts vl-convert's engine and imports Altair (about a second
on a quiet machine, several on a busy one), and the first analysis imports the estimators'
libraries (statsmodels, scipy: about a second) and makes threadpoolctl's view of the numerical
libraries (a tenth of a second on a quiet machine, half a second on a busy one). Each server
process does these once, while it already answers requests, so nobody who opens a page waits
for them.

Then it computes every program's derived views (``services.impact.warm``), or reads them from
the database where another process or the demo's seeding stored them: at 100,000 employees a
program's skills tier takes seconds, which the first person to open the program page would
otherwise wait for.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

# The estimators an analysis imports lazily (``services.impact.analyse``), with their libraries.
ESTIMATOR_MODULES = (
    "lodestar.analytics.estimators.naive",
    "lodestar.analytics.estimators.staggered",
    "lodestar.analytics.estimators.randomised",
    "lodestar.analytics.estimators.observational",
    "lodestar.analytics.sensitivity",
)
WARM_UP_POINTS = ((date(2025, 1, 6), 1.0), (date(2025, 1, 13), 2.0))


def warm_up_estimators() -> None:
    """Import the estimators and make the view of the numerical libraries an analysis limits
    (``services.impact.threads``)."""
    from lodestar.services.impact.threads import numeric_threads_limited

    for name in ESTIMATOR_MODULES:
        importlib.import_module(name)
    with numeric_threads_limited():
        pass


def warm_up(sessions: Callable[[], Session] | None = None) -> None:
    """Draw one small chart, import the estimators and, given ``sessions``, compute the
    programs' derived views (errors are left to the real request)."""
    from lodestar.reports.charts import kpi_trend_svg

    steps: list[Callable[[], object]] = [
        lambda: kpi_trend_svg(WARM_UP_POINTS, unit="", direction="up"),
        warm_up_estimators,
    ]
    if sessions is not None:
        steps.insert(1, lambda: _views(sessions))
    for step in steps:  # each on its own: one that fails leaves the others' warm-up
        try:
            step()
        except Exception:  # noqa: BLE001 - a warm-up that fails only means a slower request
            continue


def _views(sessions: Callable[[], Session]) -> None:
    from lodestar.services.impact.warm import warm_program_views

    with sessions() as session:
        warm_program_views(session, shuffle=True)


def start_warm_up(sessions: Callable[[], Session] | None = None) -> threading.Thread:
    thread = threading.Thread(
        target=warm_up, args=(sessions,), name="lodestar-warm-up", daemon=True
    )
    thread.start()
    return thread

"""Kaplan–Meier survival curves by group, as a tidy table for charts, with a log-rank test.

Kaplan & Meier (1958) curves with pointwise log-log intervals (lifelines ``KaplanMeierFitter``)
and the log-rank test across groups (Mantel 1966). :func:`landmark_groups` builds the honest
comparison of "trained by a date" against "not yet trained on that date" among the people
still there on it (a landmark analysis, Anderson, Cain & Gelber 1983), so curves never credit
training with the time people had to stay in order to be trained.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from scipy import stats

from lodestar.errors import InvalidInput

CITE_KM = (
    "Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations. "
    "JASA 53(282), 457-481; Mantel, N. (1966). Cancer Chemotherapy Reports 50(3), 163-170."
)


@dataclass(frozen=True)
class KaplanMeierCurves:
    """Kaplan–Meier curves by group: a tidy table for charts, medians and a log-rank test."""

    table: pd.DataFrame  # group, time, survival, ci_low, ci_high, at_risk, events, censored
    medians: Mapping[str, float]  # inf when the curve never falls to one half
    n: Mapping[str, int]
    events: Mapping[str, int]
    logrank_statistic: float | None = None
    logrank_p: float | None = None
    citation: str = CITE_KM
    extra: Mapping[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """The table as JSON-able rows (medians that are not reached become ``None``)."""
        return [
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in r.items()
            }
            for r in self.table.to_dict(orient="records")
        ]


def require_columns(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InvalidInput(
            f"The {what} data has no column named {', '.join(map(repr, missing))}. Check the "
            "column names and try again.",
            details={"missing_columns": missing},
        )


def z_value(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def kaplan_meier_curves(
    data: pd.DataFrame,
    *,
    duration: str,
    event: str,
    group: str | None = None,
    confidence: float = 0.95,
) -> KaplanMeierCurves:
    """Kaplan–Meier curves (with pointwise log-log intervals) and a log-rank test across groups."""
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test

    require_columns(data, [duration, event] + ([group] if group else []), "survival")
    frame = data.dropna(subset=[duration, event] + ([group] if group else []))
    if frame.empty:
        raise InvalidInput("There are no complete rows to draw survival curves from.")
    labels = frame[group].astype(str) if group else pd.Series("all", index=frame.index)
    tables, medians, ns, events = [], {}, {}, {}
    for label in sorted(labels.unique()):
        part = frame[labels == label]
        kmf = KaplanMeierFitter(alpha=1 - confidence)
        kmf.fit(part[duration], part[event], label=label)
        ci = kmf.confidence_interval_survival_function_
        t = pd.DataFrame(
            {
                "group": label,
                "time": kmf.survival_function_.index.to_numpy(float),
                "survival": kmf.survival_function_[label].to_numpy(float),
                "ci_low": ci.iloc[:, 0].to_numpy(float),
                "ci_high": ci.iloc[:, 1].to_numpy(float),
                "at_risk": kmf.event_table["at_risk"].to_numpy(int),
                "events": kmf.event_table["observed"].to_numpy(int),
                "censored": kmf.event_table["censored"].to_numpy(int),
            }
        )
        tables.append(t)
        medians[label] = float(kmf.median_survival_time_)
        ns[label] = len(part)
        events[label] = int(part[event].sum())
    stat = p = None
    if len(medians) > 1:
        test = multivariate_logrank_test(frame[duration], labels, frame[event])
        stat, p = float(test.test_statistic), float(test.p_value)
    return KaplanMeierCurves(
        table=pd.concat(tables, ignore_index=True),
        medians=medians,
        n=ns,
        events=events,
        logrank_statistic=stat,
        logrank_p=p,
    )


def landmark_groups(
    data: pd.DataFrame,
    *,
    landmark: pd.Timestamp | str,
    exit: str = "exit_date",
    trained_on: str = "trained_on",
    entry: str = "hire_date",
    event: str | None = None,
    end_of_follow_up: pd.Timestamp | str | None = None,
    trained_label: str = "trained by the landmark",
    untrained_label: str = "not yet trained at the landmark",
) -> pd.DataFrame:
    """People still there at ``landmark``, grouped by whether they were trained by then.

    A landmark analysis (Anderson, Cain & Gelber 1983): the groups are fixed on the landmark
    date, from what was known on it, and time counts from it; so neither group had to "stay
    long enough to be trained". People trained after the landmark stay in the untrained group
    (as they were on that date), which dilutes a difference rather than inventing one.
    Returns ``group``, ``days`` (from the landmark to the exit or the end of follow-up) and
    ``left`` (1 when the exit counts as the event; see ``event`` in ``build_episodes``).
    """
    require_columns(data, [exit, trained_on, entry, *([event] if event else [])], "retention")
    mark = pd.Timestamp(landmark)
    entry_d = pd.to_datetime(data[entry])
    exit_d = pd.to_datetime(data[exit])
    train_d = pd.to_datetime(data[trained_on])
    end = pd.Timestamp(end_of_follow_up) if end_of_follow_up is not None else exit_d.max()
    there = (entry_d <= mark) & (exit_d.isna() | (exit_d > mark))
    gone = exit_d.notna() & (exit_d <= end)
    counts = data[event].fillna(False).astype(bool) if event else True
    stop = exit_d.where(gone, end)
    out = pd.DataFrame(
        {
            "group": (train_d <= mark).map({True: trained_label, False: untrained_label}),
            "days": (stop - mark).dt.days.astype(float),
            "left": (gone & counts).astype(int),
        }
    )
    return out[there & (out["days"] > 0)].reset_index(drop=True)

"""Retention for a stored program: did taking part change how long people stay?

The population is everyone in the departments where the program has enrolments (as for the
KPI panel). Each person's spell runs from their hire date — or the start of the data window
when they were hired before it — to their exit, or to the end of the data. Only a voluntary
exit (``exit_reason = "voluntary"``) is the event; any other exit ends the spell censored on
its date. Training switches on at each participant's enrolment start date, as a
time-varying covariate in a Cox model (Andersen & Gill 1982), so nobody counts as trained
before they were; the "ever trained" model is fitted only to show how far it would mislead
(immortal-time bias, Suissa 2008) and is stored as the labelled naive contrast, never the
headline.

Time counts from entry into the data (hire, or the window start for earlier hires), so
everyone is observed from time 0 and nobody's pre-window survival is counted; tenure at
entry and the performance rating are adjusted for. The curves are a *landmark* comparison
(Anderson, Cain & Gelber 1983): the people still employed on the landmark date — the date by
which 80 % of participants had started — split by whether they had started by then, and
followed from it. Curves by "ever trained" would share the immortal-time bias, so they are
not drawn.

Whether the comparison is randomised is read from the program's stored assignment
(:func:`.design_choice.stored_assignment`: a stored pilot lottery or a recorded "randomised"
design). Without one the result is labelled "not randomised: adjusted for tenure at entry and
performance rating", with the caveat that it is the program's effect only if nothing
unrecorded drove both taking part and leaving. The stored curves are cut where fewer than the
minimum group size remain at risk (:mod:`.suppression`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from lodestar.analytics.estimators.survival import (
    estimate_retention,
    kaplan_meier_curves,
    landmark_groups,
)
from lodestar.analytics.results import EffectEstimate, OutcomeInfo
from lodestar.db.kpi_store import period_range
from lodestar.db.models import Employee, Team
from lodestar.errors import InvalidInput
from lodestar.services.impact.design_choice import stored_assignment
from lodestar.services.impact.facts import KpiFacts, ProgramFacts
from lodestar.services.impact.population import population
from lodestar.services.impact.source_tables import dated_span, holds_dates
from lodestar.services.impact.source_views import open_kpi_source, source_of_kpi
from lodestar.services.impact.suppression import aggregates_only
from lodestar.services.privacy.groups import group_rule

LANDMARK_SHARE = 0.8  # the landmark is the date by which this share of participants started
TRAINED, UNTRAINED = "in the program by the landmark", "not (yet) in the program"
VOLUNTARY = "voluntary"
NOT_RANDOMISED = (
    "Who took part was not decided by a lottery. The comparison is adjusted for tenure at "
    "entry and performance rating, but people who took part may differ in ways not recorded "
    "(their manager, their plans to stay); read it as the program's effect only if nothing "
    "unrecorded drove both taking part and leaving, and draw the groups by lottery "
    "(lodestar pilot randomise) for a firmer answer."
)


@dataclass(frozen=True)
class SurvivalAnalysis:
    """A time-to-event result for a stored program, ready to be stored like the others."""

    design: str
    headline: EffectEstimate
    naive: EffectEstimate | None
    snapshot: dict[str, Any]
    settings: dict[str, Any]


def people_followed(session: Session, program: ProgramFacts) -> pd.DataFrame:
    """The program's population (``services.impact.population``) with hire and exit dates,
    exit reason and rating, and their enrolment (group, start) if any."""
    people = population(
        session,
        program,
        hire_date=Employee.hire_date,
        exit_date=Employee.exit_date,
        exit_reason=Employee.exit_reason,
        rating=Employee.performance_rating,
        department=Team.department_id,
    ).rename(columns={"start_date": "start"})
    for c in ("hire_date", "exit_date", "start"):
        people[c] = pd.to_datetime(people[c])
    people["rating"] = pd.to_numeric(people["rating"], errors="coerce")
    return people


def data_window(
    session: Session, people: pd.DataFrame, kpi: KpiFacts | None = None
) -> tuple[pd.Timestamp, pd.Timestamp, dict[str, Any]]:
    """The first and last day the organisation's data covers, and what the window read from
    an external source ({} when nothing).

    The window opens at the first KPI observation of any metric imported into Lodestar, or of
    the program's KPI in its external source when it has one (HR exports hold the people
    employed since then), and closes at the latest of the last observation, exit, hire and
    enrolment start. The source is read as one one-row aggregate (first and last period) in
    its engine; a source whose periods are numbers, not dates, cannot place the window and is
    left out, as the returned record says. Without any KPI history the window opens at the
    first recorded exit.
    """
    first, last = period_range(session)
    read = _source_span(session, kpi) if kpi is not None else {}
    if read.get("first_period"):
        first = min(d for d in (first, date.fromisoformat(read["first_period"])) if d)
        last = max(d for d in (last, date.fromisoformat(read["last_period"])) if d)
    dates = [people[c].max() for c in ("exit_date", "hire_date", "start")]
    ends = [pd.Timestamp(d) for d in [last, *dates] if d is not None and not pd.isna(d)]
    opens = first if first is not None else people["exit_date"].min()
    if opens is None or pd.isna(opens) or not ends:
        raise InvalidInput(
            "There is no history to follow people over: no KPI observations and no recorded "
            "exits. Import the HR data with exit dates (lodestar import employees) and try again."
        )
    return pd.Timestamp(opens), max(ends), read


def _source_span(session: Session, kpi: KpiFacts) -> dict[str, Any]:
    """The first and last period of the KPI's external source, read in its engine."""
    source = source_of_kpi(session, kpi.id)
    if source is None:
        return {}
    opened, mapping = open_kpi_source(source)
    read: dict[str, Any] = {"engine": opened.engine, "source": opened.label}
    if not holds_dates(opened, mapping):
        return read | {
            "note": (
                f"The period column '{mapping.period}' of the {opened.label} holds numbers, "
                "not dates, so it cannot place the data window; the window comes from the "
                "observations imported into Lodestar and the HR dates."
            )
        }
    first, last = dated_span(opened, mapping)
    if first is None or last is None:
        return read | {"note": f"The {opened.label} holds no values, so it adds no history."}
    return read | {
        "first_period": first.isoformat(),
        "last_period": last.isoformat(),
        "travelled": "one row: the source's first and last period",
    }


def spells(people: pd.DataFrame, opens: pd.Timestamp, ends: pd.Timestamp) -> pd.DataFrame:
    """Per person: entry (hire or window start), exit, voluntary flag, training date, and the
    fixed covariates (tenure at entry in years, performance rating)."""
    there = people["exit_date"].isna() | (people["exit_date"] >= opens)
    there &= people["hire_date"] <= ends
    p = people[there].copy()
    p["entry"] = p["hire_date"].where(p["hire_date"] > opens, opens)
    p["voluntary"] = p["exit_reason"].fillna("").str.lower().eq(VOLUNTARY)
    p["trained_on"] = p["start"].where(p["group"].eq("participant"))
    p["tenure_at_entry_years"] = (p["entry"] - p["hire_date"]).dt.days / 365.25
    p["performance_rating"] = p["rating"].fillna(p["rating"].mean()).fillna(3.0)
    return p.reset_index(drop=True)


def analyse_retention(session: Session, program: ProgramFacts, kpi: KpiFacts) -> SurvivalAnalysis:
    """The Cox time-varying estimate, the flagged 'ever trained' contrast and landmark curves."""
    people = people_followed(session, program)
    participants = people["group"].eq("participant") & people["start"].notna()
    if people.empty or not participants.any():
        raise InvalidInput(
            f"Program '{program.name}' has no participants with a start date, so there is "
            "nobody whose retention could have changed. Record the enrolments with their "
            "start dates (lodestar import enrolments) and run the analysis again."
        )
    opens, ends, window_read = data_window(session, people, kpi)
    frame = spells(people, opens, ends)
    leavers = int((frame["voluntary"] & frame["exit_date"].le(ends)).sum())
    if leavers == 0:
        raise InvalidInput(
            f"Nobody in the departments of '{program.name}' left voluntarily between "
            f"{opens.date()} and {ends.date()}, so there is no leaving to compare. Import the "
            "HR data with exit dates and exit reasons (voluntary or not), or wait for more "
            "history, then run the analysis again."
        )
    info = OutcomeInfo(name="leaving voluntarily", direction="down", population="employees")
    common: dict[str, Any] = {
        "person": "employee_id",
        "hire": "entry",
        "exit": "exit_date",
        "trained_on": "trained_on",
        "end_of_follow_up": ends,
        "covariates": ("tenure_at_entry_years", "performance_rating"),
        "event": "voluntary",
        "info": info,
    }
    headline = estimate_retention(frame, model="time_varying", **common)
    try:
        naive: EffectEstimate | None = estimate_retention(frame, model="ever_trained", **common)
    except InvalidInput:
        naive = None  # the labelled naive contrast only: the headline stands without it
    landmark = _landmark(frame, ends)
    details = dict(headline.details)
    details.pop("kaplan_meier_ever_trained", None)
    details["kaplan_meier_landmark"] = landmark
    details["time_scale"] = "days since entering the data (hire, or the window start)"
    stored = stored_assignment(program)
    details["assignment"] = (
        "randomised: a lottery decided who took part"
        if stored.randomised
        else "not randomised: adjusted for tenure at entry and performance rating"
    )
    caveat = () if stored.randomised else (NOT_RANDOMISED,)
    headline = replace(
        headline,
        details=aggregates_only(details, group_rule(session)),
        warnings=_warnings(headline, landmark) + caveat,
        design_reason=f"{stored.reason} {headline.design_reason}",
    )
    if not stored.randomised:  # how strong an unmeasured factor would have to be
        from lodestar.analytics.sensitivity import add_sensitivity

        headline = add_sensitivity(
            headline,
            frame,
            covariates=common["covariates"],
            labels={
                "tenure_at_entry_years": "tenure at entry",
                "performance_rating": "performance rating",
            },
        )
    if naive is not None:
        naive = _replace(naive, {k: v for k, v in naive.details.items() if "kaplan" not in k}, None)
    events = int(frame["voluntary"].sum())
    snapshot = {
        "rows": int(details.get("n_episodes", len(frame))),
        "people": len(frame),
        "participants": int(frame["trained_on"].notna().sum()),
        "events": events,
        "censored": len(frame) - events,
        "first_period": str(opens.date()),
        "last_period": str(ends.date()),
        "fingerprint": fingerprint(
            frame[["employee_id", "entry", "exit_date", "voluntary", "trained_on"]]
        ),
        "unit": "person spells split at the training date",
    }
    settings = {
        "time_scale": details["time_scale"],
        "event": "exit_reason = voluntary; other exits censor",
        "covariates": ["tenure_at_entry_years", "performance_rating"],
        "landmark": landmark.get("landmark"),
        "landmark_rule": f"the date by which {LANDMARK_SHARE:.0%} of participants had started",
        "assignment": details["assignment"],
    }
    if window_read:  # the window's history came (or could not come) from the KPI's source
        settings["window_source"] = window_read
    return SurvivalAnalysis("retention", headline, naive, snapshot, settings)


def _landmark(frame: pd.DataFrame, ends: pd.Timestamp) -> dict[str, Any]:
    starts = frame["trained_on"].dropna().sort_values()
    mark = starts.iloc[int(np.ceil(LANDMARK_SHARE * len(starts))) - 1]
    groups = landmark_groups(
        frame,
        landmark=mark,
        exit="exit_date",
        trained_on="trained_on",
        entry="entry",
        event="voluntary",
        end_of_follow_up=ends,
        trained_label=TRAINED,
        untrained_label=UNTRAINED,
    )
    out: dict[str, Any] = {"landmark": str(pd.Timestamp(mark).date()), "time": "days"}
    if groups["group"].nunique() < 2 or groups["left"].sum() == 0:
        out["note"] = (
            "Everyone still employed on the landmark date was in the same group, or nobody "
            "left afterwards, so no curves can be compared."
        )
        return out
    km = kaplan_meier_curves(groups, duration="days", event="left", group="group")
    return out | {
        "curves": km.records(),
        "n": dict(km.n),
        "events": dict(km.events),
        "logrank_p": km.logrank_p,
        "medians": {k: (v if np.isfinite(v) else None) for k, v in km.medians.items()},
        "note": (
            "People still employed on the landmark date, grouped by whether they had started "
            "the program by then, followed from that date. Those who started later count as "
            "not yet in the program, which can only dilute a difference."
        ),
    }


def _warnings(est: EffectEstimate, landmark: dict[str, Any]) -> tuple[str, ...]:
    extra = []
    trained_events = int(est.details.get("person_time", {}).get("trained_events", 0))
    if trained_events < 10:
        extra.append(
            f"Only {trained_events} participants left voluntarily after their start, so the "
            "hazard ratio rests on very few exits; wait for more follow-up before quoting it."
        )
    if "curves" not in landmark:
        extra.append(str(landmark.get("note", "")))
    return tuple(est.warnings) + tuple(w for w in extra if w)


def _replace(
    est: EffectEstimate, details: dict[str, Any], warnings: tuple[str, ...] | None
) -> EffectEstimate:
    return replace(est, details=details, warnings=est.warnings if warnings is None else warnings)


def fingerprint(frame: pd.DataFrame) -> str:
    """A short hash of the analysed rows, so a stored result can be traced to its input."""
    digest = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(digest.tobytes()).hexdigest()[:16]

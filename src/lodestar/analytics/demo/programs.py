"""The four planted programs, and the rows and truth every program shares.

consultative_discovery — staggered roll-out by team in up to four cohorts (weeks 40,
    52, 64, 76), about a quarter of the sales teams never treated; effect on the
    conversion probability ``3.0 * min(1, (e + 1) / 4)`` pp at ``e`` weeks after the
    cohort's start. Estimand: ATT = mean planted effect over the participants'
    observed post-start weeks (each observed employee-week counts once).
fcr_pilot — randomised: in a random half of the service teams, agents present at
    week 58 (and hired at least 8 weeks before) are randomised within team to
    participant / comparison; effect -1.8 pp on repeat contacts from week 58.
negotiation_masterclass — hand-picked: in each sales team the managers pick the
    top 20 % of reps by ``z(rating) + z(mean deal size, 26 pre weeks) + N(0, 0.5)``;
    true effect +200 EUR from week 66, so a naive comparison shows a large false gap.
mindful_webinars — no effect: about 30 % of service agents volunteer (more likely
    with a high csat subject effect); true effect 0 on csat from week 30.

Each program also records its evaluation design (``domain.evaluation``) and its target
behaviours, as an L&D lead would when setting it up: consultative_discovery staggered,
fcr_pilot randomised, negotiation_masterclass selection on observables, and
mindful_webinars selection on observables too — the agents chose themselves (open enrolment,
one start date, no comparison group), so who took part has to be adjusted for. The
webinars' target behaviour was never observed: the demo shows that gap on purpose.

Who takes part and the truth entries are written in :mod:`.sales` and :mod:`.service`,
next to the KPI rows the effects are planted in.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import days_after_first_week, monday_iso
from lodestar.analytics.demo.kpis import ShareModel

Design = Literal["staggered", "randomised", "selected_on_observables", "no_effect"]


@dataclass(frozen=True)
class ProgramSpec:
    """A planted program: who takes part, from when, and what it truly does to its KPI."""

    code: str
    name: str
    description: str
    kpi_code: str
    design: Design
    status: str
    rollout: str
    start_weeks: tuple[int, ...]
    effect: float  # full effect in KPI units
    unit: str
    cost_per_participant: float
    target_change: float
    evaluation_design: str = ""  # domain.evaluation.EVALUATION_DESIGNS; "" = from the data
    target_behaviours: tuple[str, ...] = ()  # as behaviour observations name them
    lottery: str = ""  # "person" or "team" when a lottery drew the groups (stored like a pilot's)


CONSULTATIVE_DISCOVERY = ProgramSpec(
    "consultative_discovery", "Consultative Discovery",
    "Reps practise discovery questions on live deals with a call-review prompt in the CRM.",
    "sales_conversion", "staggered", "scaled", "staggered by team",
    (40, 52, 64, 76), 3.0, "percentage points", 450.0, 3.0,
    evaluation_design="staggered",
    target_behaviours=("Holds a structured discovery conversation before proposing",),
)  # fmt: skip


FCR_PILOT = ProgramSpec(
    "fcr_pilot", "First-Contact Resolution pilot",
    "Agents get a resolution checklist and a prompt before closing a contact.",
    "repeat_contact_rate", "randomised", "pilot", "randomised pilot",
    (58,), -1.8, "percentage points", 180.0, -2.5,
    evaluation_design="randomised",
    target_behaviours=("Runs the resolution checklist before closing a contact",),
    lottery="person",
)  # fmt: skip


NEGOTIATION = ProgramSpec(
    "negotiation_masterclass", "Negotiation Masterclass",
    "A three-day masterclass for reps their managers nominate.",
    "avg_deal_size", "selected_on_observables", "scaled", "manager nomination",
    (66,), 200.0, "EUR", 1200.0, 1000.0,
    evaluation_design="selection_on_observables",
    target_behaviours=("Anchors price on a written value summary",),
)  # fmt: skip


MINDFUL = ProgramSpec(
    "mindful_webinars", "Mindful Productivity webinar series",
    "Six optional lunchtime webinars on focus and stress.",
    "csat", "no_effect", "stopped", "open enrolment",
    (30,), 0.0, "percentage points", 60.0, 2.0,
    evaluation_design="selection_on_observables",
    target_behaviours=("Blocks focus time in the calendar each week",),
)  # fmt: skip


PROGRAMS = (CONSULTATIVE_DISCOVERY, FCR_PILOT, NEGOTIATION, MINDFUL)
CD_RAMP_WEEKS = 4
CD_NEVER_SHARE = 0.25
FCR_MIN_PRE_WEEKS = 8
NEGOTIATION_PICK_SHARE = 0.2
NEGOTIATION_PRE_WEEKS = 26
MINDFUL_SIGNUP = (-1.0, 0.6)  # logit intercept, slope per sd of the csat subject effect


@dataclass(frozen=True)
class Planted:
    """One planted program: its programs row, its enrolments, and its truth."""

    row: dict[str, Any]
    enrolments: pd.DataFrame
    truth: dict[str, Any]


def mean_or_none(x: np.ndarray) -> float | None:
    return round(float(np.mean(x)), 4) if x.size else None


def post_rows(rows: pd.DataFrame, who: np.ndarray, week: int) -> np.ndarray:
    person = rows["employee_idx"].to_numpy(dtype=np.int64)
    post = rows["period"].to_numpy() >= np.datetime64(monday_iso(week))
    mask: np.ndarray = np.isin(person, who) & post
    return mask


def enrolment_rows(
    code: str, who: np.ndarray, group: str, cohort: str, week: int, completed_day: np.ndarray
) -> pd.DataFrame:
    """Enrolment rows; ``completed_day`` counts days from FIRST_WEEK (negative = not done)."""
    done = np.asarray(completed_day) >= 0
    return pd.DataFrame(
        {
            "program_code": code,
            "employee_idx": who.astype(np.int64),
            "group": group,
            "cohort": cohort,
            "start_date": pd.to_datetime(np.full(who.size, np.datetime64(monday_iso(week)))),
            "completed_on": pd.to_datetime(
                np.where(
                    done, days_after_first_week(np.maximum(completed_day, 0)), np.datetime64("NaT")
                )
            ),
        }
    )


def concat_enrolments(parts: list[pd.DataFrame]) -> pd.DataFrame:
    if not parts:
        return enrolment_rows("", np.zeros(0, dtype=np.int64), "participant", "", 0, np.zeros(0))
    return pd.concat(parts, ignore_index=True)


def program_row(spec: ProgramSpec, rows: pd.DataFrame, week: int | None) -> dict[str, Any]:
    """The programs row; the baseline is the KPI's mean over all rows before the start."""
    before = rows["period"].to_numpy() < np.datetime64(monday_iso(week or 0))
    baseline = round(float(rows["value"][before].mean()), 2) if before.any() else None
    return {
        "code": spec.code,
        "name": spec.name,
        "description": spec.description,
        "kpi_code": spec.kpi_code,
        "status": spec.status,
        "rollout": spec.rollout,
        "evaluation_design": spec.evaluation_design,
        "start_date": None if week is None else date.fromisoformat(monday_iso(week)),
        "cost_per_participant": spec.cost_per_participant,
        "baseline": baseline,
        "target": None if baseline is None else round(baseline + spec.target_change, 2),
        "horizon_date": None if week is None else date.fromisoformat(monday_iso(week + 26)),
    }


def share_noise(model: ShareModel, rows: pd.DataFrame) -> dict[str, Any]:
    """The noise model of a share KPI, with its typical weekly sampling sd at the base."""
    p = model.base / 100
    mean_volume = float(rows["weight"].mean()) if len(rows) else float("nan")
    return {
        "model": f"100 * Binomial({model.volume}, level / 100) / {model.volume}",
        "typical_weekly_sampling_sd": round(100 * math.sqrt(p * (1 - p) / mean_volume), 2),
        "mean_weekly_volume": round(mean_volume, 1),
    } | asdict(model)


def truth_entry(
    spec: ProgramSpec, enrolments: pd.DataFrame, post_observations: int, noise: dict[str, Any]
) -> dict[str, Any]:
    """The fields every program's truth has; each program adds its own."""
    participants = enrolments["group"] == "participant"
    return {
        "code": spec.code,
        "name": spec.name,
        "kpi_code": spec.kpi_code,
        "design": spec.design,
        "lottery": spec.lottery or None,
        "unit": spec.unit,
        "start_weeks": list(spec.start_weeks),
        "start_dates": [monday_iso(s) for s in spec.start_weeks],
        "effect_applies": "from the participant's start week (inclusive) while employed",
        "participants": int(participants.sum()),
        "post_observations": post_observations,
        "noise": noise,
    }

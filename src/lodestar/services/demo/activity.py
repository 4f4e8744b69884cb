"""Activity and behaviour for the demo's planted programs: the two tiers beside the business
estimate. Satisfaction ("happy sheet") scores for completers, and managers' observations of the
target behaviour at baseline and 30, 60 and 90 days after each participant's start.

The numbers are illustrative and deterministic. They are deliberately *not* tied to the
planted KPI effects: the Negotiation Masterclass is the best-loved program and moves deal size
least — activity and satisfaction are not impact, which is the point the page makes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from lodestar.db.bulk import insert_frame
from lodestar.db.models import BehaviourObservation, EnrolmentSatisfaction

# program code -> mean satisfaction (1-5) among completers
SATISFACTION: dict[str, float] = {
    "consultative_discovery": 4.2,
    "fcr_pilot": 3.9,
    "negotiation_masterclass": 4.7,
    "mindful_webinars": 4.4,
}
# program code -> (behaviour, kind, level at baseline, 30, 60 and 90 days)
BEHAVIOURS: dict[str, tuple[str, str, tuple[float, float, float, float]]] = {
    "fcr_pilot": (
        "Runs the resolution checklist before closing a contact",
        "observed",
        (0.22, 0.61, 0.69, 0.66),
    ),
    "consultative_discovery": (
        "Holds a structured discovery conversation before proposing",
        "score",
        (2.4, 3.3, 3.6, 3.7),
    ),
    "negotiation_masterclass": (
        "Anchors price on a written value summary",
        "observed",
        (0.41, 0.52, 0.47, 0.43),
    ),
}
OFFSETS_DAYS = (-30, 30, 60, 90)


def load_activity(
    session: Session, enrolments: pd.DataFrame, *, last_day: date, seed: int
) -> tuple[int, int]:
    """``enrolments`` has program_code, program_id, employee_id, group, start_date,
    completed_on. Returns (satisfaction rows, behaviour rows) written."""
    rng = np.random.default_rng([seed, 20_261])
    done = enrolments[(enrolments["group"] == "participant") & enrolments["completed_on"].notna()]
    done = done[done["program_code"].isin(list(SATISFACTION))]
    # About 60% of completers answer the survey.
    answered = done[rng.random(len(done)) < 0.6]
    means = answered["program_code"].map(SATISFACTION).to_numpy(dtype=float)
    scores = np.clip(np.round(rng.normal(means, 0.7)), 1, 5)
    satisfaction = pd.DataFrame(
        {
            "program_id": answered["program_id"].to_numpy(),
            "employee_id": answered["employee_id"].to_numpy(),
            "score": scores,
        }
    )
    rows = []
    starts = pd.to_datetime(enrolments["start_date"])
    for code, (behaviour, kind, levels) in BEHAVIOURS.items():
        part = enrolments[
            (enrolments["program_code"] == code) & (enrolments["group"] == "participant")
        ]
        for offset, level in zip(OFFSETS_DAYS, levels, strict=True):
            when = starts.loc[part.index] + pd.Timedelta(days=offset)
            seen = part[(when <= pd.Timestamp(last_day)) & (rng.random(len(part)) < 0.85)]
            if seen.empty:
                continue
            day = (starts.loc[seen.index] + pd.Timedelta(days=offset)).dt.date
            if kind == "observed":
                observed = rng.random(len(seen)) < level
                score = np.full(len(seen), np.nan)
            else:
                observed = np.full(len(seen), None)
                score = np.clip(np.round(rng.normal(level, 0.8, len(seen)), 0), 1, 5)
            rows.append(
                pd.DataFrame(
                    {
                        "employee_id": seen["employee_id"].to_numpy(),
                        "behaviour": behaviour,
                        "observed_on": day.to_numpy(),
                        "observed": observed,
                        "score": score,
                        "source": "manager",
                    }
                )
            )
    behaviours = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    n_sat = insert_frame(session, EnrolmentSatisfaction, satisfaction) if len(satisfaction) else 0
    n_beh = insert_frame(session, BehaviourObservation, behaviours) if len(behaviours) else 0
    return n_sat, n_beh

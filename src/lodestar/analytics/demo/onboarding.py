"""Onboarding buddy: a planted time-to-productivity program, and the KPI it is read on.

order_lines_per_hour (operations members, weekly, lines/hour, higher is better): every
    operations member (not the managers), every week they are present,
    ``value = round(L (1 - 0.7 ramp) + N(0, 2), 1)`` with the person's steady pace
    ``L = 60 + subject(4, loading 0.6)`` and ``ramp = exp(-tenure_weeks / tau)`` (tau from
    :mod:`.people`: about 3 weeks in operations). New hires start at 30 % of their pace.
onboarding_buddy — a lottery among new hires: each operations member hired from week 12
    (2025-02-17) to week 96 is given a buddy with probability one half (the others are
    enrolled as the comparison group, from their hire date too). A buddy multiplies the
    participant's ramp-up time constant ``tau`` by ``BUDDY_TIME_RATIO`` (0.5), so with the
    same pace and noise they reach any level of their ramp in half the time: a planted
    time ratio of 0.5 (the organisation's time-to-productivity KPI rows of participants
    change with it). The program's target, 54 lines/hour, is 90 % of the steady pace.

The randomness comes from new streams ``[seed, employees, 7302]`` (the lottery) and
``[seed, employees, 7303]`` (the KPI rows), so every other draw is unchanged. The truth also
holds the participants' median time to the target with and without the buddy on the same
noise (a coupled counterfactual), so the shift in days is known, not only the ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import WEEK_MONDAYS, days_after_first_week
from lodestar.analytics.demo.kpis import kpi_frame, present_weeks, subject_effect
from lodestar.analytics.demo.programs import Planted, ProgramSpec, program_row, truth_entry
from lodestar.analytics.demo.structure import DEPARTMENTS

ONBOARDING_BUDDY = ProgramSpec(
    "onboarding_buddy", "Onboarding buddy",
    "New warehouse and logistics hires drawn in the lottery get an experienced buddy for their "
    "first six weeks and a daily check-in prompt, to shorten their time to the standard pick "
    "rate.",
    "order_lines_per_hour", "randomised", "pilot", "randomised among new hires",
    (12,), 0.5, "time ratio", 300.0, 0.0,
    evaluation_design="time_to_productivity",
    lottery="person",
)  # fmt: skip
BUDDY_TIME_RATIO = ONBOARDING_BUDDY.effect
BUDDY_LAST_HIRE_WEEK = 96
BUDDY_SHARE = 0.5
LOTTERY_STREAM, ROWS_STREAM = 7302, 7303
PACE = {"base": 60.0, "subject_sd": 4.0, "loading": 0.6, "ramp_penalty": 0.7, "noise_sd": 2.0}
TARGET_SHARE = 0.9  # the standard: 90 % of the steady pace


@dataclass(frozen=True)
class BuddyPlan:
    participants: np.ndarray  # rows of ``people``
    comparison: np.ndarray


def plant_onboarding_buddy(
    people: pd.DataFrame, seed: int, employees: int
) -> tuple[pd.DataFrame, BuddyPlan]:
    """The people frame with participants' ramp-up shortened, and who was drawn."""
    rng = np.random.default_rng([seed, employees, LOTTERY_STREAM])
    start = ONBOARDING_BUDDY.start_weeks[0]
    hire_day = people["hire_day"].to_numpy()
    new_hire = (
        _operations_members(people)
        & (hire_day >= 7 * start)
        & (hire_day <= 7 * BUDDY_LAST_HIRE_WEEK)
    )
    eligible = np.flatnonzero(new_hire)
    drawn = rng.random(eligible.size) < BUDDY_SHARE
    out = people.copy()
    out.loc[eligible[drawn], "ramp_tau"] *= BUDDY_TIME_RATIO
    return out, BuddyPlan(eligible[drawn], eligible[~drawn])


def _operations_members(people: pd.DataFrame) -> np.ndarray:
    operations = [d.code for d in DEPARTMENTS].index("operations")
    in_ops: np.ndarray = (people["department_idx"].to_numpy() == operations) & (
        people["rank"].to_numpy() == 2
    )
    return in_ops


def order_lines_rows(
    people: pd.DataFrame, seed: int, employees: int, *, tau_scale: np.ndarray | None = None
) -> pd.DataFrame:
    """Weekly order lines per hour for every operations member while present.

    ``tau_scale`` (per person, default 1) rescales ramp-up time constants, so the same noise
    can be replayed for a counterfactual.
    """
    rng = np.random.default_rng([seed, employees, ROWS_STREAM])
    members = np.flatnonzero(_operations_members(people))
    scaled = people
    if tau_scale is not None:
        scaled = people.assign(ramp_tau=people["ramp_tau"].to_numpy() * tau_scale)
    panel = present_weeks(scaled, members)
    pace = PACE["base"] + subject_effect(people, PACE["subject_sd"], PACE["loading"], rng)
    noise = rng.normal(0, PACE["noise_sd"], panel.person.size)
    value = np.round(pace[panel.person] * (1 - PACE["ramp_penalty"] * panel.ramp) + noise, 1)
    ones = np.ones(panel.person.size, dtype=np.int32)
    return kpi_frame(
        "order_lines_per_hour",
        panel.person,
        None,
        WEEK_MONDAYS[panel.week],
        np.maximum(value, 0.0),
        ones,
    )


def buddy_program(
    people: pd.DataFrame, plan: BuddyPlan, rows: pd.DataFrame, seed: int, employees: int
) -> Planted:
    """The programs row, the enrolments (from each hire date) and the truth entry."""
    spec = ONBOARDING_BUDDY
    start = spec.start_weeks[0]
    row = program_row(spec, rows, start)
    target = round(TARGET_SHARE * PACE["base"], 1)
    row["target"] = target
    enrolments = pd.concat(
        [
            _enrol(people, plan.participants, "participant"),
            _enrol(people, plan.comparison, "comparison"),
        ],
        ignore_index=True,
    )
    undo = np.ones(len(people))
    undo[plan.participants] = 1 / BUDDY_TIME_RATIO
    without = order_lines_rows(people, seed, employees, tau_scale=undo)
    with_days = _median_days_to(rows, people, plan.participants, target)
    without_days = _median_days_to(without, people, plan.participants, target)
    truth = truth_entry(spec, enrolments, 0, {"model": "L (1 - 0.7 ramp) + N(0, 2)"} | PACE)
    truth |= {
        "true_effect": BUDDY_TIME_RATIO,
        "evaluation_design": spec.evaluation_design,
        "estimand": (
            "Time ratio of reaching the target for participants against new hires without a "
            f"buddy: the ramp-up time constant is multiplied by {BUDDY_TIME_RATIO}, so a "
            "participant reaches any level of their ramp in that share of the time."
        ),
        "effect_applies": "to the ramp-up of participants from their hire date",
        "target": target,
        "participants_median_days_to_target": with_days,
        "participants_median_days_without_buddy": without_days,
        "true_median_shift_days": (
            None if with_days is None or without_days is None else with_days - without_days
        ),
        "true_time_ratio_of_medians": (
            None if not with_days or not without_days else round(with_days / without_days, 4)
        ),
        "treated": "New operations members drawn in the lottery, from their hire date.",
        "selection": {
            "rule": (
                f"Operations members hired from week {start} to week {BUDDY_LAST_HIRE_WEEK} "
                f"get a buddy with probability {BUDDY_SHARE}; the others are the comparison."
            ),
            "participants": int(plan.participants.size),
            "comparison": int(plan.comparison.size),
            "random_stream": [LOTTERY_STREAM, ROWS_STREAM],
        },
    }
    return Planted(row=row, enrolments=enrolments, truth=truth)


def _enrol(people: pd.DataFrame, who: np.ndarray, group: str) -> pd.DataFrame:
    """Enrolments from each hire date; participants complete after six weeks if still there."""
    hired = days_after_first_week(people["hire_day"].to_numpy()[who])
    stayed = people["last_week"].to_numpy()[who] * 7 >= people["hire_day"].to_numpy()[who] + 42
    done = stayed & (group == "participant")
    return pd.DataFrame(
        {
            "program_code": ONBOARDING_BUDDY.code,
            "employee_idx": who.astype(np.int64),
            "group": group,
            "cohort": "Lottery",
            "start_date": pd.to_datetime(hired),
            "completed_on": pd.to_datetime(
                np.where(done, hired + np.timedelta64(42, "D"), np.datetime64("NaT"))
            ),
        }
    )


def _median_days_to(
    rows: pd.DataFrame, people: pd.DataFrame, who: np.ndarray, target: float
) -> float | None:
    """Median over ``who`` of the days from hire to the end of the first week at or above
    ``target`` (tenure week x 7, as the engine counts); people who never get there while
    employed count as beyond every reached time."""
    hits = rows[rows["employee_idx"].isin(who) & (rows["value"] >= target)]
    first = hits.groupby(hits["employee_idx"].astype(np.int64))["period"].min()
    hire = pd.to_datetime(days_after_first_week(people["hire_day"].to_numpy()[who]))
    reached = first.reindex(who).to_numpy()
    days = (reached - hire.to_numpy()).astype("timedelta64[D]").astype(float) + 7
    days[pd.isna(reached)] = np.inf
    if days.size == 0 or np.isinf(np.median(days)):
        return None
    return float(np.median(days))

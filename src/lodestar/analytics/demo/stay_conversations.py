"""Stay conversations: a planted retention program (hazard of resigning, time-varying).

stay_conversations — randomised by team: in a random half of the engineering, operations
    and HR & L&D teams, the team's manager holds a stay conversation with every member
    present at week 20 (2025-04-14). From that week on, each participant's weekly hazard
    of leaving *voluntarily* is ``STAY_HAZARD_RATIO`` (0.5) times what it was; the hazard
    of an involuntary exit is unchanged. Estimand: the hazard ratio of a voluntary exit,
    participants after their start against people not (yet) trained, in the Cox model with
    training as a time-varying covariate.

How the effect is planted, changing only participants' exits (so every other draw of the
generator is unchanged; the randomness comes from a new stream ``[seed, employees, 7301]``):
a participant's voluntary exit in or after the start week is kept with probability 0.5
(thinning a Poisson process with rate ``h`` by ``r`` gives rate ``r h``). If it is dropped,
they stay on, and from that week a fresh voluntary time ``Exp(0.5 h_vol)`` and involuntary
time ``Exp(h_inv)`` are drawn (the exponential clock has no memory), with the hazards of
:func:`lodestar.analytics.demo.people._occupy`. Involuntary exits and people who never left
are untouched. The seat's successor is still hired as before, so a team is one person
larger while a kept-on participant and their successor overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lodestar.analytics.demo.calendar import HISTORY_WEEKS, days_after_first_week, monday_iso
from lodestar.analytics.demo.programs import Planted, ProgramSpec, program_row, truth_entry
from lodestar.analytics.demo.structure import DEPARTMENTS

STAY_CONVERSATIONS = ProgramSpec(
    "stay_conversations", "Stay conversations",
    "Managers hold a structured stay conversation with each team member and follow up on "
    "what would make them leave.",
    "voluntary_attrition", "randomised", "pilot", "randomised by team",
    (20,), 0.5, "hazard ratio", 150.0, -2.0,
    evaluation_design="retention",
    lottery="team",
)  # fmt: skip
STAY_HAZARD_RATIO = STAY_CONVERSATIONS.effect
STAY_DEPARTMENTS = ("engineering", "operations", "people")
STAY_TEAM_SHARE = 0.5
STAY_STREAM = 7301


@dataclass(frozen=True)
class StayPlan:
    """Who took part and what the planting changed, for the program row and its truth."""

    participants: np.ndarray  # rows of ``people``
    teams: np.ndarray  # team rows in the program
    eligible_teams: np.ndarray
    exits_kept: int  # participants' voluntary exits after the start that still happened
    exits_dropped: int  # ... that the program prevented (the person stayed on, for a while)
    exits_after_drop: int  # of those, people who later left anyway inside the history


def plant_stay_conversations(
    people: pd.DataFrame, teams: pd.DataFrame, seed: int, employees: int
) -> tuple[pd.DataFrame, StayPlan]:
    """The people frame with participants' exits changed, and the plan behind it."""
    rng = np.random.default_rng([seed, employees, STAY_STREAM])
    week = STAY_CONVERSATIONS.start_weeks[0]
    codes = [d.code for d in DEPARTMENTS]
    departments = [codes.index(c) for c in STAY_DEPARTMENTS]
    eligible_teams = np.flatnonzero(np.isin(teams["department_idx"].to_numpy(), departments))
    chosen = np.sort(
        rng.permutation(eligible_teams)[: int(round(STAY_TEAM_SHARE * eligible_teams.size))]
    )
    first_week = np.maximum(np.ceil(people["hire_day"].to_numpy() / 7), 0)
    last = people["last_week"].to_numpy()
    present = (first_week <= week) & (last >= week)
    member = people["rank"].to_numpy() == 2
    participants = np.flatnonzero(member & present & np.isin(people["team_idx"].to_numpy(), chosen))
    voluntary = (people["exit_reason"] == "voluntary").fillna(False).to_numpy(dtype=bool)
    at_stake = participants[voluntary[participants] & (last[participants] >= week)]
    dropped = at_stake[rng.random(at_stake.size) >= STAY_HAZARD_RATIO]
    h_vol, h_inv = _weekly_hazards(people, teams, dropped)
    t_vol = rng.exponential(1 / (STAY_HAZARD_RATIO * h_vol))
    t_inv = rng.exponential(1 / h_inv)
    new_exit = np.floor(last[dropped] + np.minimum(t_vol, t_inv)).astype(np.int64)
    leaves = new_exit < HISTORY_WEEKS
    out = people.copy()
    out.loc[dropped, "last_week"] = np.where(leaves, new_exit, HISTORY_WEEKS - 1)
    reason = np.where(t_vol < t_inv, "voluntary", "involuntary")
    out.loc[dropped, "exit_reason"] = pd.array(
        np.where(leaves, reason, np.array(None)), dtype="string"
    )
    plan = StayPlan(
        participants=participants,
        teams=chosen,
        eligible_teams=eligible_teams,
        exits_kept=int(at_stake.size - dropped.size),
        exits_dropped=int(dropped.size),
        exits_after_drop=int(leaves.sum()),
    )
    return out, plan


def _weekly_hazards(
    people: pd.DataFrame, teams: pd.DataFrame, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The weekly voluntary and involuntary hazards of ``people._occupy`` for ``rows``."""
    dept = people["department_idx"].to_numpy()[rows]
    ability = people["ability"].to_numpy()[rows]
    team_z = teams["attrition_z"].to_numpy()[people["team_idx"].to_numpy()[rows]]
    vol = np.array([d.voluntary_rate for d in DEPARTMENTS])[dept]
    inv = np.array([d.involuntary_rate for d in DEPARTMENTS])[dept]
    h_vol = -np.log1p(-vol) / 52 * np.exp(0.3 * team_z - 0.2 * ability - 0.065)
    h_inv = -np.log1p(-inv) / 52 * np.exp(-0.7 * ability - 0.245)
    return h_vol, h_inv


def stay_program(
    people: pd.DataFrame, teams: pd.DataFrame, plan: StayPlan, attrition_rows: pd.DataFrame
) -> Planted:
    """The programs row, the enrolments and the truth entry (after the KPI rows exist)."""
    spec = STAY_CONVERSATIONS
    week = spec.start_weeks[0]
    who = plan.participants
    done = people["last_week"].to_numpy()[who] >= week + 4
    enrolments = pd.DataFrame(
        {
            "program_code": spec.code,
            "employee_idx": who.astype(np.int64),
            "group": "participant",
            "cohort": "Stay conversations",
            "start_date": pd.to_datetime(np.full(who.size, np.datetime64(monday_iso(week)))),
            "completed_on": pd.to_datetime(
                np.where(
                    done,
                    days_after_first_week(np.full(who.size, 7 * week + 9)),
                    np.datetime64("NaT"),
                )
            ),
        }
    )
    row = program_row(spec, attrition_rows, week)
    names = teams["name"].to_numpy()
    truth = truth_entry(spec, enrolments, 0, _noise())
    truth |= {
        "true_effect": STAY_HAZARD_RATIO,
        "evaluation_design": spec.evaluation_design,
        "estimand": (
            "Hazard ratio of a voluntary exit for participants from their start week on, "
            "against people not (yet) in the program, with training as a time-varying "
            f"covariate; planted as a constant {STAY_HAZARD_RATIO} from the start week."
        ),
        "effect_applies": "to the weekly hazard of leaving voluntarily, from the start week on",
        "treated": (
            "Members (not managers) of the chosen teams present in the start week; members "
            "hired into those teams later, and every other team, are never treated."
        ),
        "selection": {
            "rule": (
                f"A random {STAY_TEAM_SHARE:.0%} of the teams in "
                f"{', '.join(STAY_DEPARTMENTS)} hold stay conversations with every member "
                f"present in week {week}."
            ),
            "teams": [str(names[t]) for t in plan.teams],
            "eligible_teams": int(plan.eligible_teams.size),
            "random_stream": [STAY_STREAM],
        },
        "planting": {
            "voluntary_exits_after_start_kept": plan.exits_kept,
            "voluntary_exits_prevented": plan.exits_dropped,
            "of_which_left_later_in_the_history": plan.exits_after_drop,
            "rule": (
                "Each participant's voluntary exit in or after the start week is kept with "
                f"probability {STAY_HAZARD_RATIO}; otherwise they stay on and fresh "
                "exponential exit times are drawn from that week (voluntary hazard x "
                f"{STAY_HAZARD_RATIO}, involuntary unchanged). Only participants' exits change."
            ),
        },
    }
    return Planted(row=row, enrolments=enrolments, truth=truth)


def _noise() -> dict[str, Any]:
    return {
        "model": (
            "competing exponential exit times per person: weekly voluntary hazard "
            "-ln(1 - rate)/52 exp(0.3 z_team - 0.2 a - 0.065), involuntary "
            "-ln(1 - rate)/52 exp(-0.7 a - 0.245); managers stay"
        ),
        "annual_voluntary_rate_by_department": {
            d.code: d.voluntary_rate for d in DEPARTMENTS if d.code in STAY_DEPARTMENTS
        },
    }

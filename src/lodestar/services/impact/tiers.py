"""The two tiers shown beside the business estimate, never confused with it:
operational (activity: enrolment, completion, satisfaction) and behaviour (what people do
on the job, followed from baseline to 30, 60 and 90 days after their start)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lodestar.db.models import BehaviourObservation, EnrolmentSatisfaction, ProgramEnrolment

# Windows around each participant's start, in days: (label, from, to) — "to" exclusive.
WINDOWS: tuple[tuple[str, int, int], ...] = (
    ("Baseline", -90, 0),
    ("30 days", 15, 45),
    ("60 days", 45, 75),
    ("90 days", 75, 105),
)


@dataclass(frozen=True)
class OperationalTier:
    """Activity, not impact."""

    enrolled: int
    completed: int
    completion_rate: float | None
    satisfaction_mean: float | None
    satisfaction_responses: int


@dataclass(frozen=True)
class BehaviourPoint:
    window: str
    people: int
    share_observed: float | None  # of yes/no observations
    mean_score: float | None  # of scored observations


@dataclass(frozen=True)
class BehaviourTrack:
    behaviour: str
    points: tuple[BehaviourPoint, ...]


def operational_tier(session: Session, program_id: int) -> OperationalTier:
    participants = ProgramEnrolment.group == "participant"
    enrolled, completed = session.execute(
        select(func.count(), func.count(ProgramEnrolment.completed_on)).where(
            ProgramEnrolment.program_id == program_id, participants
        )
    ).one()
    mean, n = session.execute(
        select(func.avg(EnrolmentSatisfaction.score), func.count()).where(
            EnrolmentSatisfaction.program_id == program_id
        )
    ).one()
    return OperationalTier(
        enrolled=int(enrolled),
        completed=int(completed),
        completion_rate=(completed / enrolled) if enrolled else None,
        satisfaction_mean=float(mean) if mean is not None else None,
        satisfaction_responses=int(n),
    )


def behaviour_tier(
    session: Session, program_id: int, *, min_group: int = 5
) -> tuple[BehaviourTrack, ...]:
    """Participants' observed behaviours by window; windows with fewer than ``min_group``
    people are suppressed (shown as no data) to protect individuals."""
    stmt = (
        select(
            BehaviourObservation.behaviour,
            BehaviourObservation.employee_id,
            BehaviourObservation.observed_on,
            BehaviourObservation.observed,
            BehaviourObservation.score,
            ProgramEnrolment.start_date,
        )
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == BehaviourObservation.employee_id)
        .where(
            ProgramEnrolment.program_id == program_id,
            ProgramEnrolment.group == "participant",
            ProgramEnrolment.start_date.is_not(None),
        )
    )
    frame = pd.read_sql(stmt, session.connection())
    if frame.empty:
        return ()
    days = (pd.to_datetime(frame["observed_on"]) - pd.to_datetime(frame["start_date"])).dt.days
    tracks = []
    for behaviour, rows in frame.groupby("behaviour", sort=True):
        points = []
        for label, lo, hi in WINDOWS:
            sel = rows[(days.loc[rows.index] >= lo) & (days.loc[rows.index] < hi)]
            people = int(sel["employee_id"].nunique())
            if people < min_group:
                points.append(BehaviourPoint(label, people, None, None))
                continue
            yes_no = sel["observed"].dropna()
            scores = sel["score"].dropna()
            points.append(
                BehaviourPoint(
                    label,
                    people,
                    float(yes_no.astype(float).mean()) if len(yes_no) else None,
                    float(scores.mean()) if len(scores) else None,
                )
            )
        tracks.append(BehaviourTrack(str(behaviour), tuple(points)))
    return tuple(tracks)


__all__ = [
    "WINDOWS",
    "BehaviourPoint",
    "BehaviourTrack",
    "OperationalTier",
    "behaviour_tier",
    "operational_tier",
]

"""The two tiers shown beside the business estimate, never confused with it:
operational (activity: enrolment, completion, satisfaction, and what xAPI statements about the
program's activities say, ``xapi_tier``) and behaviour (what people do
on the job, followed from baseline to 30, 60 and 90 days after their start).

The behaviour tier follows the program's *target* behaviours (``ProgramBehaviour``), in the
program's order: the same people are often observed for several programs, and a page about the
Negotiation Masterclass must not show the discovery behaviour another program aims at. A named
behaviour nobody has been observed on yet is still listed (every window "no data") so the gap
is visible. A program that names none shows everything observed among its participants, with
a notice that says so (``behaviour_notice``).

The tiers and the observed behaviours are computed once per change of the data they summarise
and kept (``PROGRAM_VIEWS``, see ``services.derived``: in memory and in the database), not
recomputed on every page view; ``services.impact.warm`` computes them ahead of the first view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import (
    BehaviourObservation,
    EnrolmentSatisfaction,
    ProgramBehaviour,
    ProgramEnrolment,
)
from lodestar.services.derived import DerivedViews
from lodestar.services.impact.xapi_tier import (
    STATEMENT_TABLES,
    StatementActivity,
    statement_activity,
)
from lodestar.services.privacy.groups import GroupRule, group_rule

# Stored in the database too: one computation serves every server process and restart. The
# modules listed compute or shape the views (a change to any of them leaves old values unread).
PROGRAM_VIEWS = DerivedViews(
    stored="program",
    code=(
        "lodestar.services.impact.tiers",
        "lodestar.services.impact.xapi_tier",
        "lodestar.services.impact.starts",
        "lodestar.services.skills.program_tier",
        "lodestar.services.privacy.groups",
    ),
)

# The tables each view reads, and only those (``db.versions`` counts writes per table): a
# manager's skill assessment, a planned move or an employee import leaves these views kept.
# Every one is in ``versions.COUNTED``; ``tests/services/test_view_tables.py`` runs each view
# and holds its SQL to its list. None reads ``employees``: participants are their enrolments.
OPERATIONAL_TABLES = ("enrolment_satisfaction", "program_enrolments", *STATEMENT_TABLES)
OBSERVED_TABLES = ("behaviour_observations", "program_enrolments")
BEHAVIOUR_TABLES = ("behaviour_observations", "program_behaviours", "program_enrolments")

# Windows around each participant's start, in days: (label, from, to) — "to" exclusive.
WINDOWS: tuple[tuple[str, int, int], ...] = (
    ("Baseline", -90, 0),
    ("30 days", 15, 45),
    ("60 days", 45, 75),
    ("90 days", 75, 105),
)


@dataclass(frozen=True)
class OperationalTier:
    """Activity, not impact. Completions and the satisfaction mean over fewer people than the
    minimum group size are None, and ``hidden_note`` says why."""

    enrolled: int
    completed: int | None
    completion_rate: float | None
    satisfaction_mean: float | None
    satisfaction_responses: int
    hidden_note: str = ""
    min_group_size: int = 5  # the minimum group size in force when the tier was read
    # What the xAPI statements about the program's activity IRIs say (None: it names none).
    statements: StatementActivity | None = None


@dataclass(frozen=True)
class BehaviourPoint:
    window: str
    people: int
    share_observed: float | None  # of yes/no observations
    mean_score: float | None  # of scored observations
    suppressed: bool = False  # fewer people than the minimum group size: values hidden


@dataclass(frozen=True)
class BehaviourTrack:
    behaviour: str
    points: tuple[BehaviourPoint, ...]


@dataclass(frozen=True)
class ObservedBehaviour:
    """A behaviour observed among a program's participants, and on how many of them."""

    behaviour: str
    people: int


def operational_tier(
    session: Session, program_id: int, *, rule: GroupRule | None = None
) -> OperationalTier:
    """Enrolment, completion and satisfaction of the program's participants."""
    rule = rule or group_rule(session)
    key = ("operational", program_id, rule.min_size)
    return PROGRAM_VIEWS.get(
        session, key, OPERATIONAL_TABLES, lambda: _operational_tier(session, program_id, rule)
    )


def _operational_tier(session: Session, program_id: int, rule: GroupRule) -> OperationalTier:
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
    # Completions of fewer than k people say who finished; a mean of fewer than k answers
    # says what someone answered.
    few_enrolled, few_answers = rule.hides(int(enrolled)), rule.hides(int(n))
    notes = []
    if few_enrolled:
        notes.append(rule.note("Completion", int(enrolled)))
    if few_answers:
        notes.append(rule.note("The satisfaction mean", int(n)))
    return OperationalTier(
        enrolled=int(enrolled),
        completed=None if few_enrolled else int(completed),
        completion_rate=(completed / enrolled) if enrolled and not few_enrolled else None,
        satisfaction_mean=float(mean) if mean is not None and not few_answers else None,
        satisfaction_responses=int(n),
        hidden_note=" ".join(notes),
        min_group_size=rule.min_size,
        statements=statement_activity(session, program_id, rule),
    )


def target_behaviours(session: Session, program_id: int) -> tuple[str, ...]:
    """The behaviours the program sets out to change, in the program's order."""
    return tuple(
        session.scalars(
            select(ProgramBehaviour.behaviour)
            .where(ProgramBehaviour.program_id == program_id)
            .order_by(ProgramBehaviour.position, ProgramBehaviour.id)
        )
    )


def _participants_observations(program_id: int) -> Select[str]:
    return (
        select(BehaviourObservation.behaviour)
        .join(ProgramEnrolment, ProgramEnrolment.employee_id == BehaviourObservation.employee_id)
        .where(
            ProgramEnrolment.program_id == program_id,
            ProgramEnrolment.group == "participant",
        )
    )


def observed_behaviours(session: Session, program_id: int) -> tuple[ObservedBehaviour, ...]:
    """Every behaviour observed among the program's participants (at any time), most observed
    people first: the choices offered when naming the program's target behaviours."""
    key = ("observed", program_id)
    return PROGRAM_VIEWS.get(session, key, OBSERVED_TABLES, lambda: _observed(session, program_id))


def _observed(session: Session, program_id: int) -> tuple[ObservedBehaviour, ...]:
    people = func.count(BehaviourObservation.employee_id.distinct())
    stmt = (
        _participants_observations(program_id)
        .add_columns(people)
        .group_by(BehaviourObservation.behaviour)
        .order_by(people.desc(), BehaviourObservation.behaviour)
    )
    return tuple(ObservedBehaviour(str(b), int(n)) for b, n in session.execute(stmt))


def behaviour_tier(
    session: Session, program_id: int, *, rule: GroupRule | None = None
) -> tuple[BehaviourTrack, ...]:
    """Participants' behaviours by window; windows with fewer people than the minimum group
    size (``rule``, from the settings by default) are suppressed to protect individuals.

    When the program names target behaviours, only those are tracked, in the program's order,
    each one listed even before anybody has been observed on it. Otherwise every behaviour
    observed among the participants is tracked, by name.
    """
    rule = rule or group_rule(session)
    key = ("behaviour", program_id, rule.min_size)
    return PROGRAM_VIEWS.get(
        session, key, BEHAVIOUR_TABLES, lambda: _behaviour_tier(session, program_id, rule)
    )


def _behaviour_tier(
    session: Session, program_id: int, rule: GroupRule
) -> tuple[BehaviourTrack, ...]:
    targets = target_behaviours(session, program_id)
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
    if targets:
        stmt = stmt.where(BehaviourObservation.behaviour.in_(targets))
    frame = pd.read_sql(stmt, session.connection())
    observed: dict[str, tuple[BehaviourPoint, ...]] = {}
    if not frame.empty:
        days = (pd.to_datetime(frame["observed_on"]) - pd.to_datetime(frame["start_date"])).dt.days
        for behaviour, rows in frame.groupby("behaviour", sort=True):
            observed[str(behaviour)] = _points(rows, days.loc[rows.index], rule)
    if not targets:
        return tuple(BehaviourTrack(name, points) for name, points in observed.items())
    nothing = tuple(BehaviourPoint(label, 0, None, None) for label, _, _ in WINDOWS)
    return tuple(BehaviourTrack(name, observed.get(name, nothing)) for name in targets)


def _points(rows: pd.DataFrame, days: pd.Series, rule: GroupRule) -> tuple[BehaviourPoint, ...]:
    points = []
    for label, lo, hi in WINDOWS:
        sel = rows[(days >= lo) & (days < hi)]
        people = int(sel["employee_id"].nunique())
        if people == 0 or rule.hides(people):
            points.append(BehaviourPoint(label, people, None, None, suppressed=people > 0))
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
    return tuple(points)


def behaviour_notice(targets: Sequence[str], observed: Sequence[str]) -> str:
    """What the behaviour tier needs said about its scope, in full sentences ("" = nothing).

    ``targets`` are the program's target behaviours, ``observed`` the behaviours observed among
    its participants (``observed_behaviours``)."""
    if not targets:
        return (
            "This program names no target behaviours, so the behaviour tier shows every "
            "behaviour observed among its participants, including behaviours other programs "
            "aim at. Name the behaviours the program sets out to change in its setup."
        )
    seen = set(observed)
    missing = [t for t in targets if t not in seen]
    if not missing:
        return ""
    them = "it" if len(missing) == 1 else "them"
    return (
        f"Nobody in this program has been observed on {_quoted(missing)} yet, so the behaviour "
        "tier shows no data there. Import managers' or peers' observations (lodestar import "
        f"behaviours) to follow {them} from baseline to 90 days."
    )


def _quoted(names: Sequence[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


__all__ = [
    "BEHAVIOUR_TABLES",
    "OBSERVED_TABLES",
    "OPERATIONAL_TABLES",
    "WINDOWS",
    "BehaviourPoint",
    "BehaviourTrack",
    "ObservedBehaviour",
    "OperationalTier",
    "behaviour_notice",
    "behaviour_tier",
    "observed_behaviours",
    "operational_tier",
    "target_behaviours",
]

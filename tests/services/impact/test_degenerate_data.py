"""Data that cannot support an estimate gets a sentence (InvalidInput, 422), never an
uncaught error and never a graded result: a flat KPI, no KPI rows at all, participants with
no KPI values, or with none after their start.

Each test changes a copy of the small demo's data inside the rolled-back ``db`` session, as
the adversarial probe did on a copy of a demo database.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lodestar.db import kpi_store
from lodestar.db.models import ImpactResult, Program, ProgramEnrolment
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput
from lodestar.services.impact.program_impact import estimate_program_impact

PROGRAMS = {
    "staggered": "consultative_discovery",
    "randomised": "fcr_pilot",
    "selection_on_observables": "negotiation_masterclass",
}


def _program(db: Session, code: str) -> Program:
    prog = db.scalar(select(Program).where(Program.code == code))
    assert prog is not None
    return prog


def _rewrite(db: Session, kpi_id: int, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    """Replace the KPI's stored observations by ``change`` of them."""
    frame = change(kpi_store.observations(db, kpi_ids=[kpi_id]))
    db.execute(text("delete from kpi_columns where kpi_id = :k"), {"k": kpi_id})
    db.execute(text("delete from kpi_period_totals where kpi_id = :k"), {"k": kpi_id})
    db.flush()
    if len(frame):
        kpi_store.write_observations(db, frame)
    db.flush()


def _participants(db: Session, program_id: int) -> set[int]:
    return set(
        db.scalars(
            select(ProgramEnrolment.employee_id).where(
                ProgramEnrolment.program_id == program_id,
                ProgramEnrolment.group == "participant",
            )
        )
    )


def _refused(db: Session, actor: Actor, program_id: int) -> str:
    before = db.scalar(select(ImpactResult.id).order_by(ImpactResult.id.desc()).limit(1))
    with pytest.raises(InvalidInput) as caught:
        estimate_program_impact(db, actor, program_id)
    after = db.scalar(select(ImpactResult.id).order_by(ImpactResult.id.desc()).limit(1))
    assert after == before, "a refused run stores nothing"
    message = caught.value.message
    assert message.endswith(".") and "try again" in message, message
    return message


@pytest.mark.parametrize("design", sorted(PROGRAMS))
@pytest.mark.parametrize("noise", [0.0, 1e-13])
def test_a_flat_kpi_is_refused_on_every_design(
    db: Session, actors: dict[str, Actor], design: str, noise: float
) -> None:
    """One value on every row, or differing only by rounding: no estimate (the randomised
    pilot used to grade an effect of -7e-17 as strong evidence)."""
    prog = _program(db, PROGRAMS[design])
    rng = np.random.default_rng(0)
    _rewrite(db, prog.kpi_id, lambda d: d.assign(value=0.25 + rng.normal(0, noise, len(d))))
    message = _refused(db, actors["ld"], prog.id)
    assert "same value" in message and "no information" in message


@pytest.mark.parametrize("design", sorted(PROGRAMS))
def test_a_kpi_with_no_rows_is_refused(db: Session, actors: dict[str, Actor], design: str) -> None:
    prog = _program(db, PROGRAMS[design])
    _rewrite(db, prog.kpi_id, lambda d: d.iloc[0:0])
    assert "no observations" in _refused(db, actors["ld"], prog.id)


@pytest.mark.parametrize("design", ["randomised", "selection_on_observables"])
def test_participants_without_kpi_values_are_refused(
    db: Session, actors: dict[str, Actor], design: str
) -> None:
    prog = _program(db, PROGRAMS[design])
    ids = _participants(db, prog.id)
    _rewrite(db, prog.kpi_id, lambda d: d[~d["employee_id"].isin(ids)])
    assert "None of the participants" in _refused(db, actors["ld"], prog.id)


def _first_start(db: Session, program_id: int) -> pd.Timestamp:
    first = db.scalar(
        select(ProgramEnrolment.start_date)
        .where(ProgramEnrolment.program_id == program_id, ProgramEnrolment.start_date.is_not(None))
        .order_by(ProgramEnrolment.start_date)
        .limit(1)
    )
    return pd.Timestamp(first)


def test_staggered_participants_without_values_after_the_start_are_refused(
    db: Session, actors: dict[str, Actor]
) -> None:
    prog = _program(db, PROGRAMS["staggered"])
    ids, first = _participants(db, prog.id), _first_start(db, prog.id)

    def drop(d: pd.DataFrame) -> pd.DataFrame:
        after = pd.to_datetime(d["period"]) >= first
        return d[~(d["employee_id"].isin(ids) & after)]

    _rewrite(db, prog.kpi_id, drop)
    assert "no after to compare" in _refused(db, actors["ld"], prog.id)


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        ("start_after_data", "no observations after"),
        ("start_before_data", "no observations before"),
        ("no_comparison", "comparison group"),
    ],
)
def test_randomised_refusals_name_the_real_cause(
    db: Session, actors: dict[str, Actor], change: str, cause: str
) -> None:
    """Not 'everyone in the data took part' while the comparison group is there."""
    prog = _program(db, PROGRAMS["randomised"])
    if change == "start_after_data":
        db.execute(
            text("update program_enrolments set start_date = '2099-01-05' "
                 "where program_id = :p and start_date is not null"),
            {"p": prog.id},
        )  # fmt: skip
    elif change == "start_before_data":
        db.execute(
            text("update program_enrolments set start_date = '2000-01-03' "
                 "where program_id = :p and start_date is not null"),
            {"p": prog.id},
        )  # fmt: skip
    else:
        db.execute(
            text("delete from program_enrolments where program_id = :p "
                 "and \"group\" = 'comparison'"),
            {"p": prog.id},
        )  # fmt: skip
    db.flush()
    message = _refused(db, actors["ld"], prog.id)
    assert cause in message and "Everyone in the data took part" not in message


@pytest.mark.parametrize("design", sorted(PROGRAMS))
def test_a_program_with_no_participants_says_so_not_that_the_kpi_is_missing(
    db: Session, actors: dict[str, Actor], design: str
) -> None:
    """It read 'There are no observations of the KPI ... Import the KPI's history' while the
    KPI was there and the enrolments were what was missing."""
    prog = _program(db, PROGRAMS[design])
    db.execute(
        text("delete from program_enrolments where program_id = :p and \"group\" = 'participant'"),
        {"p": prog.id},
    )
    db.flush()
    message = _refused(db, actors["ld"], prog.id)
    assert message.startswith(f"Program '{prog.name}' has no participants enrolled"), message
    assert "lodestar import enrolments" in message and "Import the KPI" not in message


def test_a_non_finite_result_is_never_stored(db: Session) -> None:
    """The last guard before a result is stored: an undefined figure is refused by name."""
    import dataclasses

    from lodestar.analytics.results import EffectEstimate
    from lodestar.services.impact.facts import program_facts
    from lodestar.services.impact.program_impact import refuse_non_finite

    prog = _program(db, PROGRAMS["randomised"])
    kpi = program_facts(db, prog.id)[1]
    fields = {f.name for f in dataclasses.fields(EffectEstimate)}
    est = EffectEstimate(
        **{
            k: v
            for k, v in {
                "estimate": 1.0,
                "se": float("nan"),
                "ci_low": 0.5,
                "ci_high": float("inf"),
                "estimand": "ATE",
                "method": "ancova",
                "method_label": "ANCOVA",
                "design": "randomised",
                "causal": True,
                "n_treated": 20,
                "n_comparison": 20,
                "citation": "",
                "outcome": kpi.name,
            }.items()
            if k in fields
        }
    )
    with pytest.raises(InvalidInput, match="standard error or upper limit") as caught:
        refuse_non_finite(est, kpi)
    assert caught.value.message.endswith("estimate again.")


@pytest.mark.parametrize("design", sorted(PROGRAMS))
def test_one_absurd_value_is_named_and_keeps_the_result_from_strong(
    db: Session, actors: dict[str, Actor], design: str
) -> None:
    """One value of 1e12 among weekly rates moved estimates to about 1e9 with nothing said
    (adversarial probe); the untouched demo gets no such warning."""
    prog = _program(db, PROGRAMS[design])
    clean = estimate_program_impact(db, actors["ld"], prog.id).business
    assert not any("times the spread of its middle half" in w for w in clean.warnings)
    ids = sorted(_participants(db, prog.id))

    def one_typo(d: pd.DataFrame) -> pd.DataFrame:
        d = d.reset_index(drop=True)
        last = d.index[d["employee_id"] == ids[0]].max()
        return d.assign(value=d["value"].where(d.index != last, 1e12))

    _rewrite(db, prog.kpi_id, one_typo)
    got = estimate_program_impact(db, actors["ld"], prog.id).business
    said = [w for w in got.warnings if "times the spread of its middle half" in w]
    assert len(said) == 1, got.warnings
    assert said[0].startswith("1 of the ") and "(the farthest: 1e+12)" in said[0]
    assert "check that value in the KPI's import" in said[0]
    assert got.evidence != "strong"

"""How the evaluation design is chosen: recorded first, else from the data's structure, never
from free roll-out text — with a reason in full sentences either way."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramEnrolment
from lodestar.domain.evaluation import EVALUATION_DESIGNS
from lodestar.errors import InvalidInput
from lodestar.services.impact.analyse import choose_for_panel
from lodestar.services.impact.design_choice import (
    DataStructure,
    data_structure,
    design_for_panel,
    program_design,
)
from lodestar.services.impact.panel import build_program_panel


def sentences(text: str) -> bool:
    return text[0].isupper() and text.endswith(".") and len(text.split()) >= 8


@pytest.mark.parametrize("design", EVALUATION_DESIGNS)
@pytest.mark.parametrize(("cohorts", "comparison"), [(0, False), (1, True), (4, False), (3, True)])
def test_a_recorded_design_wins_whatever_the_data(design, cohorts, comparison):
    choice = program_design(design, start_cohorts=cohorts, has_comparison_group=comparison)
    assert choice.design == design and choice.recorded
    assert choice.reason.startswith("The program's recorded evaluation design is")
    assert sentences(choice.reason)


def test_several_start_cohorts_make_a_staggered_roll_out():
    choice = program_design("", start_cohorts=4, has_comparison_group=False)
    assert choice.design == "staggered" and not choice.recorded
    assert "No evaluation design is recorded" in choice.reason
    assert "4 cohorts" in choice.reason and sentences(choice.reason)


def test_one_start_date_without_comparison_is_selection_on_observables():
    choice = program_design("", start_cohorts=1, has_comparison_group=False)
    assert choice.design == "selection_on_observables" and not choice.recorded
    assert "same date" in choice.reason
    assert "hand-picked" not in choice.reason


def test_a_comparison_group_is_treated_as_hand_picked_unless_randomised_is_recorded():
    choice = program_design("", start_cohorts=1, has_comparison_group=True)
    assert choice.design == "selection_on_observables"
    assert "treated as hand-picked because no randomised design was recorded" in choice.reason
    assert "record the design 'randomised'" in choice.reason
    assert "unlock the randomised analysis" in choice.reason
    recorded = program_design("randomised", start_cohorts=1, has_comparison_group=True)
    assert recorded.design == "randomised" and "hand-picked" not in recorded.reason


def test_randomisation_is_never_inferred_from_free_text():
    # The function has no way to read roll-out text; a value that is not a design (such as a
    # roll-out description put in the wrong field) is set aside, and the reason says so.
    choice = program_design("randomised pilot", start_cohorts=1, has_comparison_group=True)
    assert choice.design == "selection_on_observables" and not choice.recorded
    assert "'randomised pilot' is not one Lodestar knows" in choice.reason
    assert "treated as hand-picked" in choice.reason


def test_no_participant_started_yet():
    choice = program_design("", start_cohorts=0, has_comparison_group=False)
    assert choice.design == "selection_on_observables"
    assert "no participant has a start date yet" in choice.reason


def test_recorded_designs_the_data_contradict_say_so():
    single = program_design("staggered", start_cohorts=1, has_comparison_group=False)
    assert "single cohort" in single.reason
    lonely = program_design("randomised", start_cohorts=1, has_comparison_group=False)
    assert "no comparison group" in lonely.reason and "lodestar pilot randomise" in lonely.reason


def test_data_structure_reads_each_person_once_sorted_or_not():
    frame = pd.DataFrame(
        {
            "employee_id": [1, 1, 2, 2, 3, 3, 4, 4],
            "group": ["participant"] * 4 + ["comparison"] * 2 + [None] * 2,
            "first_treat": [5, 5, 9, 9, 0, 0, 0, 0],
        }
    )
    assert data_structure(frame) == DataStructure(2, True)
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert data_structure(shuffled) == DataStructure(2, True)
    assert data_structure(frame[frame["group"] != "comparison"]) == DataStructure(2, False)
    assert data_structure(frame.iloc[:0]) == DataStructure(0, False)


def _program(db: Session, code: str) -> Program:
    prog = db.scalar(select(Program).where(Program.code == code))
    assert prog is not None
    return prog


def test_the_panel_uses_the_recorded_design_not_the_roll_out_text(db: Session):
    prog = _program(db, "fcr_pilot")
    assert prog.evaluation_design == "randomised"
    assert choose_for_panel(build_program_panel(db, prog.id)).design == "randomised"

    # Same data, nothing recorded, roll-out text still says "randomised pilot": the comparison
    # group is treated as hand-picked.
    prog.evaluation_design = ""
    db.flush()
    panel = build_program_panel(db, prog.id)
    assert "random" in panel.program.rollout
    assert choose_for_panel(panel).design == "selection_on_observables"
    choice = design_for_panel(panel)
    assert "treated as hand-picked" in choice.reason


def test_the_panel_design_is_staggered_from_the_data(db: Session):
    prog = _program(db, "consultative_discovery")
    prog.evaluation_design = ""
    prog.rollout = "by team"  # no hint in the words
    db.flush()
    panel = build_program_panel(db, prog.id)
    assert choose_for_panel(panel).design == "staggered"
    assert "No evaluation design is recorded" in design_for_panel(panel).reason


def test_a_run_override_is_explained_and_checked(db: Session):
    panel = build_program_panel(db, _program(db, "negotiation_masterclass").id)
    choice = design_for_panel(panel, requested="staggered")
    assert choice.design == "staggered"
    assert choice.reason.startswith("This run used a staggered roll-out, as asked, in place of")
    assert "selection on observables" in choice.reason
    assert design_for_panel(panel, requested="auto").design == "selection_on_observables"
    with pytest.raises(InvalidInput, match="Choose one of: staggered"):
        design_for_panel(panel, requested="astrology")


def test_designs_analysed_elsewhere_are_refused_on_the_kpi_panel(db: Session):
    prog = _program(db, "mindful_webinars")
    prog.evaluation_design = "retention"
    db.flush()
    panel = build_program_panel(db, prog.id)
    assert design_for_panel(panel).design == "retention"
    with pytest.raises(InvalidInput, match="not estimated on the KPI panel"):
        choose_for_panel(panel)


def test_the_demo_comparison_group_exists(db: Session):
    """The randomised demo pilot stores its comparison group (what the choice relies on)."""
    pid = _program(db, "fcr_pilot").id
    groups = set(
        db.scalars(select(ProgramEnrolment.group).where(ProgramEnrolment.program_id == pid))
    )
    assert groups == {"participant", "comparison"}

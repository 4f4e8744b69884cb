"""Gilbert's model: which findings lead to which recommendation."""

from lodestar.domain.diagnosis import CELL_GUIDES, CellAnswer, recommend


def answers(**findings):
    out = {g.cell: CellAnswer(g.cell, "no_barrier") for g in CELL_GUIDES}
    for cell, finding in findings.items():
        out[cell] = CellAnswer(cell, finding)
    return out


def test_no_barrier_means_no_action():
    rec = recommend(answers())
    assert rec.outcome == "no_action"
    assert rec.next_state == "declined"


def test_knowledge_gap_alone_is_a_learning_solution():
    rec = recommend(answers(knowledge="barrier"))
    assert rec.outcome == "learning_solution"
    assert rec.fixes == ()
    assert rec.next_state == "accepted"


def test_workflow_problem_is_redirected_to_a_process_fix():
    rec = recommend(answers(resources="barrier"))
    assert rec.outcome == "non_training_fix"
    assert rec.fixes == ("process_workflow",)
    assert rec.next_state == "redirected"
    assert "Training would not change the result" in rec.explanation


def test_skill_gap_with_environment_barrier_pairs_training_with_a_fix():
    rec = recommend(answers(knowledge="barrier", incentives="barrier"))
    assert rec.outcome == "learning_solution"
    assert rec.fixes == ("incentives",)
    assert "together with" in rec.explanation


def test_chosen_fix_overrides_the_default_and_unknowns_are_flagged():
    a = answers(information="barrier", motives="unknown")
    a["information"] = CellAnswer(
        "information", "barrier", "no SLA written down", "process_workflow"
    )
    rec = recommend(a)
    assert rec.fixes == ("process_workflow",)
    assert "Still unanswered: motives" in rec.explanation


def test_empty_diagnosis_recommends_nothing_and_asks_for_answers():
    rec = recommend({})
    assert rec.outcome == "no_action"
    assert "Still unanswered" in rec.explanation

"""Quiz scoring, the tie-break rules, the checks on a quiz, and its JSON and CSV forms."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lodestar.domain.quiz_csv import quiz_from_csv, quiz_to_csv
from lodestar.domain.quiz_format import quiz_from_data, quiz_to_data
from lodestar.domain.quizzes import score
from lodestar.errors import InvalidInput
from lodestar.services.quizzes import built_in_quiz


def small_quiz(tie_break: str = "listed_order") -> dict[str, Any]:
    return {
        "code": "tea-or-coffee",
        "title": "Tea or coffee?",
        "tie_break": tie_break,
        "outcomes": [
            {"code": "tea", "name": "Tea person", "description": "Calm.", "skills": ["patience"]},
            {"code": "coffee", "name": "Coffee person", "description": "Quick.", "paths": ["p"]},
        ],
        "questions": [
            {"code": "q1", "text": "Morning?", "kind": "single", "options": [
                {"code": "a", "text": "Slow", "points": {"tea": 1}},
                {"code": "b", "text": "Fast", "points": {"coffee": 1},
                 "skill_points": {"speed": 2}},
            ]},
            {"code": "q2", "text": "Pick any", "kind": "multiple", "options": [
                {"code": "a", "text": "Leaves", "points": {"tea": 3}},
                {"code": "b", "text": "Beans", "points": {"coffee": 2}},
                {"code": "c", "text": "Both", "points": {"tea": 1, "coffee": 1}},
            ]},
        ],
    }  # fmt: skip


def test_the_outcome_with_most_points_wins_and_skills_are_summed() -> None:
    quiz = quiz_from_data(small_quiz())
    result = score(quiz, {"q1": ["b"], "q2": ["b", "c"]})
    assert result.outcome.code == "coffee"
    assert result.totals == {"tea": 1.0, "coffee": 4.0}
    assert result.skill_totals == {"speed": 2.0}
    assert not result.tie_broken


def test_a_multiple_choice_question_adds_every_chosen_option() -> None:
    quiz = quiz_from_data(small_quiz())
    assert score(quiz, {"q1": ["a"], "q2": ["a", "b", "c"]}).totals == {"tea": 5.0, "coffee": 3.0}
    assert score(quiz, {"q1": ["b"], "q2": ["a"]}).outcome.code == "tea"


def tie_quiz(rule: str) -> dict[str, Any]:
    data = small_quiz(rule)
    data["questions"] = [
        {"code": "q1", "text": "One", "kind": "single", "options": [
            {"code": "a", "text": "A", "points": {"tea": 1}},
            {"code": "b", "text": "B", "points": {"coffee": 1}},
        ]},
        {"code": "q2", "text": "Two", "kind": "single", "options": [
            {"code": "a", "text": "A", "points": {"tea": 1}},
            {"code": "b", "text": "B", "points": {"coffee": 1}},
        ]},
        {"code": "q3", "text": "Three", "kind": "single", "options": [
            {"code": "a", "text": "A", "points": {"tea": 2}},
            {"code": "b", "text": "B", "points": {"coffee": 1, "tea": 0.5}},
        ]},
    ]  # fmt: skip
    return data


def test_each_stated_tie_break_rule_decides_a_tie_and_says_so() -> None:
    # tea: 0 + 0 + 2 = 2; coffee: 1 + 1 + 0 = 2 -> tied; coffee topped two questions, tea one.
    answers = {"q1": ["b"], "q2": ["b"], "q3": ["a"]}
    listed = score(quiz_from_data(tie_quiz("listed_order")), answers)
    assert listed.tied == ("tea", "coffee") and listed.outcome.code == "tea"
    most = score(quiz_from_data(tie_quiz("most_top_answers")), answers)
    assert most.tied == ("tea", "coffee") and most.outcome.code == "coffee"
    assert "listed first" in quiz_from_data(tie_quiz("listed_order")).tie_break_sentence


@pytest.mark.parametrize(
    ("answers", "question", "words"),
    [
        ({"q1": ["a"]}, "q2", "not answered"),
        ({"q1": ["a", "b"], "q2": ["a"]}, "q1", "takes one answer"),
        ({"q1": ["z"], "q2": ["a"]}, "q1", "not an answer"),
        ({"q1": ["a"], "q2": ["a"], "q9": ["a"]}, "q9", "not a question"),
    ],
)
def test_answers_that_cannot_be_scored_are_refused_per_question(
    answers: dict[str, list[str]], question: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        score(quiz_from_data(small_quiz()), answers)
    assert words in caught.value.details["fields"][question]


def test_a_quiz_that_does_not_hold_together_lists_every_problem_with_its_place() -> None:
    data = small_quiz()
    del data["tie_break"]
    data["questions"][0]["options"][1]["points"] = {"cocoa": 1}
    data["questions"][1]["options"].append({"code": "a", "text": "Again", "points": {"tea": 1}})
    data["outcomes"][1]["name"] = ""
    with pytest.raises(InvalidInput) as caught:
        quiz_from_data(data)
    problems = caught.value.details["problems"]
    assert "tie-break" in problems["tie_break"]
    assert "'cocoa'" in problems["questions[0].options[1].points"]
    assert "used twice" in problems["questions[1].options"]
    assert "missing" in problems["outcomes[1].name"]


def test_json_and_csv_forms_read_back_to_the_same_quiz() -> None:
    quiz = built_in_quiz("leadership-style")
    assert quiz_from_data(copy.deepcopy(quiz_to_data(quiz))) == quiz
    text = quiz_to_csv(quiz)
    assert text.splitlines()[0].startswith("record,code,question,text")
    assert quiz_from_csv(text) == quiz
    small = quiz_from_data(small_quiz())
    assert quiz_from_csv(quiz_to_csv(small)) == small


def test_a_csv_with_unreadable_rows_names_each_line() -> None:
    text = (
        "record,code,question,text,kind,points,tie_break\n"
        "quiz,x,,X,,,listed_order\n"
        "option,a,nowhere,A,,tea=1,\n"
        "question,q1,,Q?,single,,\n"
        "option,a,q1,A,,tea=lots,\n"
        "colour,a,,A,,,\n"
    )
    with pytest.raises(InvalidInput) as caught:
        quiz_from_csv(text)
    problems = caught.value.details["problems"]
    assert set(problems) == {"line 3", "line 5", "line 6"}
    assert "no earlier question row" in problems["line 3"]
    assert "tea=lots" in problems["line 5"]


def test_the_leadership_quiz_has_the_five_styles_and_their_trainings() -> None:
    quiz = built_in_quiz("leadership-style")
    assert [o.code for o in quiz.outcomes] == [
        "democratic", "coaching", "transformational", "servant", "affiliative",
    ]  # fmt: skip
    skills = {o.code: set(o.skills) for o in quiz.outcomes}
    assert skills["democratic"] == {
        "collaboration-influence", "storytelling", "analytical-thinking",
    }  # fmt: skip
    assert skills["coaching"] == {"resilience", "analytical-thinking", "taking-ownership"}
    assert skills["transformational"] == {
        "empowering-leadership", "collaboration-influence", "diversity-inclusion",
    }  # fmt: skip
    assert skills["servant"] == {"resilience", "storytelling", "taking-ownership"}
    assert skills["affiliative"] == {"taking-ownership", "collaboration-influence", "resilience"}
    for style in quiz.outcomes:  # answering every question for one style gives that style
        answers = {
            q.code: [next(o.code for o in q.options if o.points.get(style.code, 0) >= 1)]
            for q in quiz.questions
        }
        assert score(quiz, answers).outcome.code == style.code
        assert style.strengths and style.watch_outs and style.paths


def test_quiz_points_map_to_levels_up_to_the_ceiling() -> None:
    from lodestar.domain.quizzes import quiz_level

    assert quiz_level(0, 4, 3) is None and quiz_level(2, 0, 3) is None
    assert [quiz_level(p, 4, 3) for p in (1, 2, 3, 4, 9)] == [1, 2, 3, 3, 3]
    assert quiz_level(1, 3, 3) == 1 and quiz_level(2, 3, 3) == 2  # no float drift at thirds

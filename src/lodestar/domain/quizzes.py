"""Diagnostic quizzes as data: questions whose options score toward outcomes (profiles such as
a leadership style) and toward catalogue skills, a stated tie-break rule, and results that say
who you are like, what you do well, what to watch and what to learn next.

Everything here is pure. A quiz is read from its JSON form (``quiz_format``) or its CSV form
(``quiz_csv``) and checked as a whole: every problem is reported at once, with where it is.

Quiz levels: a skill's points become a proficiency level with ``quiz_level`` (the share of the
most points the quiz can give it, ``most_skill_points``, on the levels up to the scale's
proficient one).

Scoring: each chosen option adds its points to the outcomes (and skills) it names; the outcome
with the most points is the result. When two or more outcomes share the top total, the quiz's
``tie_break`` rule decides, and the result says that it did:

- ``listed_order``: the tied outcome listed first in the quiz wins;
- ``most_top_answers``: the tied outcome that more questions scored highest for wins (counted
  per question: the outcome the chosen options gave the most points on that question); a tie
  that remains goes to the one listed first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from lodestar.errors import InvalidInput

QuestionKind = Literal["single", "multiple"]
TieBreak = Literal["listed_order", "most_top_answers"]
QUESTION_KINDS: tuple[QuestionKind, ...] = get_args(QuestionKind)
TIE_BREAKS: tuple[TieBreak, ...] = get_args(TieBreak)
TIE_BREAK_SENTENCES: dict[str, str] = {
    "listed_order": "the tied outcome listed first in the quiz wins",
    "most_top_answers": "the tied outcome that more questions scored highest for wins, then the "
    "one listed first",
}
SKILL_PREFIX = "skill:"


@dataclass(frozen=True)
class Option:
    """One answer to a question and the points it gives to outcomes and skills."""

    code: str
    text: str
    points: Mapping[str, float] = field(default_factory=dict)
    skill_points: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    kind: QuestionKind
    options: tuple[Option, ...]

    def option(self, code: str) -> Option | None:
        return next((o for o in self.options if o.code == code), None)


@dataclass(frozen=True)
class Outcome:
    """A profile a quiz can conclude, with what it means and what to learn next: catalogue skill
    codes and learning path codes."""

    code: str
    name: str
    description: str
    strengths: tuple[str, ...] = ()
    watch_outs: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quiz:
    code: str
    title: str
    description: str
    tie_break: TieBreak
    outcomes: tuple[Outcome, ...]
    questions: tuple[Question, ...]

    def outcome(self, code: str) -> Outcome:
        for o in self.outcomes:
            if o.code == code:
                return o
        raise KeyError(code)

    @property
    def tie_break_sentence(self) -> str:
        return TIE_BREAK_SENTENCES[self.tie_break]


@dataclass(frozen=True)
class QuizResult:
    """What a set of answers scored: the outcome, every outcome's total (in quiz order), the
    skill totals, and the outcomes that tied for the top (empty when there was no tie)."""

    outcome: Outcome
    totals: dict[str, float]
    skill_totals: dict[str, float]
    tied: tuple[str, ...] = ()

    @property
    def tie_broken(self) -> bool:
        return len(self.tied) > 1


Answers = Mapping[str, Sequence[str]]


def check_answers(quiz: Quiz, answers: Answers) -> dict[str, tuple[str, ...]]:
    """The answers, checked: every question answered, one option for a single-choice question,
    at least one for a multiple-choice one, each option one of the question's. Raises
    ``InvalidInput`` listing every question that needs another look."""
    problems: dict[str, str] = {}
    clean: dict[str, tuple[str, ...]] = {}
    known = {q.code for q in quiz.questions}
    for extra in sorted(set(answers) - known):
        problems[extra] = f"“{extra}” is not a question of this quiz; leave it out."
    for n, q in enumerate(quiz.questions, start=1):
        chosen = tuple(dict.fromkeys(str(c) for c in answers.get(q.code, ())))
        if not chosen:
            problems[q.code] = f"Question {n} is not answered yet; choose an answer."
        elif q.kind == "single" and len(chosen) > 1:
            problems[q.code] = f"Question {n} takes one answer; choose only one."
        elif any(q.option(c) is None for c in chosen):
            bad = next(c for c in chosen if q.option(c) is None)
            problems[q.code] = f"“{bad}” is not an answer to question {n}; choose one listed."
        else:
            clean[q.code] = chosen
    if problems:
        raise InvalidInput(
            f"{len(problems)} answer(s) need another look before the quiz can be scored.",
            details={"fields": problems},
        )
    return clean


def score(quiz: Quiz, answers: Answers) -> QuizResult:
    """Score checked answers (see the module doc for the rule and the tie-break)."""
    chosen = check_answers(quiz, answers)
    totals = {o.code: 0.0 for o in quiz.outcomes}
    skills: dict[str, float] = {}
    top_answers = {o.code: 0 for o in quiz.outcomes}
    for q in quiz.questions:
        per_question: dict[str, float] = {}
        for code in chosen[q.code]:
            option = q.option(code)
            assert option is not None  # checked above
            for target, pts in option.points.items():
                totals[target] += pts
                per_question[target] = per_question.get(target, 0.0) + pts
            for skill, pts in option.skill_points.items():
                skills[skill] = skills.get(skill, 0.0) + pts
        if per_question:
            best = max(per_question.values())
            for target, pts in per_question.items():
                if pts == best and best > 0:
                    top_answers[target] += 1
    best_total = max(totals.values())
    tied = tuple(code for code, total in totals.items() if total == best_total)
    winner = tied[0]
    if len(tied) > 1 and quiz.tie_break == "most_top_answers":
        most = max(top_answers[c] for c in tied)
        winner = next(c for c in tied if top_answers[c] == most)
    return QuizResult(
        outcome=quiz.outcome(winner),
        totals=totals,
        skill_totals=dict(sorted(skills.items())),
        tied=tied if len(tied) > 1 else (),
    )


def most_skill_points(quiz: Quiz) -> dict[str, float]:
    """The most points each skill can get in ``quiz``: per question, the best option's points for
    a single-choice question and every option's positive points for a multiple-choice one."""
    most: dict[str, float] = {}
    for q in quiz.questions:
        codes = {c for o in q.options for c in o.skill_points}
        for code in codes:
            given = [max(o.skill_points.get(code, 0.0), 0.0) for o in q.options]
            best = sum(given) if q.kind == "multiple" else max(given)
            most[code] = most.get(code, 0.0) + best
    return most


def quiz_level(points: float, most: float, ceiling: int) -> int | None:
    """The proficiency level a quiz's points for a skill stand for: the share of the most points
    the quiz can give that skill, times ``ceiling``, rounded up, so any points give at least
    level 1 and all of them ``ceiling``. The caller passes the skill scale's *proficient* level
    as the ceiling (3 on the default five-level scale): answers a person chose about themselves
    show that a skill is there, not that it is mastered; levels above it take a manager's
    assessment. None when the answers gave the skill no points: the quiz says nothing of it."""
    if points <= 0 or most <= 0 or ceiling < 1:
        return None
    return max(1, min(ceiling, math.ceil(ceiling * min(points, most) / most - 1e-9)))


def share_of_points(result: QuizResult) -> dict[str, float]:
    """Each outcome's share of all points given, 0 to 1 (all zero when nothing scored)."""
    whole = sum(v for v in result.totals.values() if v > 0)
    return {k: (max(v, 0.0) / whole if whole else 0.0) for k, v in result.totals.items()}

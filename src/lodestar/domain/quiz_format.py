"""A quiz's JSON form, read and written: the one place a quiz is checked as a whole.

    {"code": "leadership-style", "title": "...", "description": "...",
     "tie_break": "most_top_answers",
     "outcomes": [{"code": "democratic", "name": "...", "description": "...",
                   "strengths": ["..."], "watch_outs": ["..."],
                   "skills": ["collaboration-influence"], "paths": ["collaboration-influence"]}],
     "questions": [{"code": "q1", "text": "...", "kind": "single",
                    "options": [{"code": "a", "text": "...",
                                 "points": {"democratic": 2},
                                 "skill_points": {"storytelling": 1}}]}]}

``points`` name outcomes of the same quiz; ``skill_points`` and an outcome's ``skills`` name
catalogue skills by their code; ``paths`` name learning paths by their code. Every problem is
collected with where it is (``questions[2].options[0].points``) and raised together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, cast

from lodestar.domain.quizzes import (
    QUESTION_KINDS,
    TIE_BREAKS,
    Option,
    Outcome,
    Question,
    QuestionKind,
    Quiz,
    TieBreak,
)
from lodestar.errors import InvalidInput

CODE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
MAX_QUESTIONS = 100
MAX_OPTIONS = 12
MAX_TEXT = 2000


class _Problems(dict[str, str]):
    def text(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self[f"{where}{key}"] = f"“{key}” must be text."
            return ""
        text: str = value.strip()
        if required and not text:
            self[f"{where}{key}"] = f"“{key}” is missing; write it."
        elif len(text) > MAX_TEXT:
            self[f"{where}{key}"] = f"“{key}” is longer than {MAX_TEXT} characters; shorten it."
        return text

    def code(self, data: Mapping[str, Any], where: str) -> str:
        value = data.get("code", "")
        if not isinstance(value, str) or not CODE.match(value):
            self[f"{where}code"] = (
                f"The code {value!r} is not usable: write lower-case letters, digits, '-', '_' "
                "or '.', starting with a letter or digit (at most 80)."
            )
            return str(value)
        return str(value)

    def texts(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self[f"{where}{key}"] = f"“{key}” must be a list of texts."
            return ()
        return tuple(v.strip() for v in value if v.strip())

    def codes(self, data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        values = self.texts(data, key, where)
        bad = [v for v in values if not CODE.match(v)]
        if bad:
            self[f"{where}{key}"] = f"{', '.join(map(repr, bad))} in “{key}” are not codes."
        return values

    def points(self, data: Mapping[str, Any], key: str, where: str) -> dict[str, float]:
        value = data.get(key, {})
        ok = isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in value.items()
        )
        if not ok:
            self[f"{where}{key}"] = f'“{key}” must map codes to numbers, e.g. {{"a": 2}}.'
            return {}
        return {k: float(v) for k, v in cast(dict[str, float], value).items()}


def quiz_from_data(data: Any) -> Quiz:
    """The quiz described by ``data`` (parsed JSON), or ``InvalidInput`` listing every problem
    in ``details["problems"]`` (where → sentence)."""
    p = _Problems()
    if not isinstance(data, dict):
        raise InvalidInput("A quiz is a JSON object with code, title, outcomes and questions.")
    code = p.code(data, "")
    title = p.text(data, "title", "")
    description = p.text(data, "description", "", required=False)
    tie_break = data.get("tie_break")
    if tie_break not in TIE_BREAKS:
        p["tie_break"] = f"State the tie-break rule: “tie_break” is one of {', '.join(TIE_BREAKS)}."
    outcomes = _outcomes(p, data.get("outcomes"))
    questions = _questions(p, data.get("questions"), {o.code for o in outcomes})
    if p:
        raise InvalidInput(
            f"The quiz has {len(p)} problem(s); correct them and import it again.",
            details={"problems": dict(p)},
        )
    return Quiz(
        code=code,
        title=title,
        description=description,
        tie_break=cast(TieBreak, tie_break),
        outcomes=outcomes,
        questions=questions,
    )


def _outcomes(p: _Problems, raw: Any) -> tuple[Outcome, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        p["outcomes"] = "A quiz needs at least two outcomes to choose between."
        return ()
    out: list[Outcome] = []
    for i, item in enumerate(raw):
        where = f"outcomes[{i}]."
        if not isinstance(item, dict):
            p[where[:-1]] = "Each outcome is an object with code, name and description."
            continue
        out.append(
            Outcome(
                code=p.code(item, where),
                name=p.text(item, "name", where),
                description=p.text(item, "description", where),
                strengths=p.texts(item, "strengths", where),
                watch_outs=p.texts(item, "watch_outs", where),
                skills=p.codes(item, "skills", where),
                paths=p.codes(item, "paths", where),
            )
        )
    _unique(p, [o.code for o in out], "outcomes")
    return tuple(out)


def _questions(p: _Problems, raw: Any, outcome_codes: set[str]) -> tuple[Question, ...]:
    if not isinstance(raw, list) or not raw or len(raw) > MAX_QUESTIONS:
        p["questions"] = f"A quiz needs 1 to {MAX_QUESTIONS} questions."
        return ()
    out: list[Question] = []
    for i, item in enumerate(raw):
        where = f"questions[{i}]."
        if not isinstance(item, dict):
            p[where[:-1]] = "Each question is an object with code, text, kind and options."
            continue
        kind = item.get("kind", "single")
        if kind not in QUESTION_KINDS:
            p[f"{where}kind"] = f"“kind” is one of {', '.join(QUESTION_KINDS)}."
        options = _options(p, item.get("options"), where, outcome_codes)
        out.append(
            Question(
                code=p.code(item, where),
                text=p.text(item, "text", where),
                kind=cast(QuestionKind, kind),
                options=options,
            )
        )
    _unique(p, [q.code for q in out], "questions")
    return tuple(out)


def _options(p: _Problems, raw: Any, where_q: str, outcome_codes: set[str]) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_OPTIONS:
        p[f"{where_q}options"] = f"A question needs 2 to {MAX_OPTIONS} options."
        return ()
    out: list[Option] = []
    for j, item in enumerate(raw):
        where = f"{where_q}options[{j}]."
        if not isinstance(item, dict):
            p[where[:-1]] = "Each option is an object with code, text and points."
            continue
        points = p.points(item, "points", where)
        unknown = sorted(set(points) - outcome_codes)
        if unknown and outcome_codes:
            p[f"{where}points"] = (
                f"{', '.join(map(repr, unknown))} are not outcomes of this quiz; score toward "
                f"one of {', '.join(sorted(outcome_codes))}."
            )
        skill_points = p.points(item, "skill_points", where)
        if not points and not skill_points:
            p[f"{where}points"] = "The option scores nothing; give it points or skill_points."
        out.append(Option(p.code(item, where), p.text(item, "text", where), points, skill_points))
    _unique(p, [o.code for o in out], f"{where_q}options")
    return tuple(out)


def _unique(p: _Problems, codes: list[str], where: str) -> None:
    seen: set[str] = set()
    for c in codes:
        if c in seen:
            p[where] = f"The code “{c}” is used twice in {where}; codes must differ."
        seen.add(c)


def quiz_to_data(quiz: Quiz) -> dict[str, Any]:
    """The JSON form of ``quiz``: what :func:`quiz_from_data` reads back to the same quiz."""
    return {
        "code": quiz.code,
        "title": quiz.title,
        "description": quiz.description,
        "tie_break": quiz.tie_break,
        "outcomes": [
            {
                "code": o.code,
                "name": o.name,
                "description": o.description,
                "strengths": list(o.strengths),
                "watch_outs": list(o.watch_outs),
                "skills": list(o.skills),
                "paths": list(o.paths),
            }
            for o in quiz.outcomes
        ],
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "kind": q.kind,
                "options": [
                    {
                        "code": o.code,
                        "text": o.text,
                        "points": dict(o.points),
                        "skill_points": dict(o.skill_points),
                    }
                    for o in q.options
                ],
            }
            for q in quiz.questions
        ],
    }

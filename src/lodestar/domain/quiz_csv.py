"""A quiz as one CSV file, for people who write quizzes in a spreadsheet.

One row per thing, the ``record`` column saying which:

==========  =====================================================================
record      columns used
==========  =====================================================================
quiz        code, text (the title), description, tie_break
outcome     code, text (the name), description, strengths, watch_outs, skills, paths
question    code, text, kind (single or multiple)
option      question (the question's code), code, text, points
==========  =====================================================================

Lists (strengths, watch_outs, skills, paths) are separated by ``|``. ``points`` reads
``democratic=2|coaching=1``; a target written ``skill:storytelling=1`` scores toward the
catalogue skill ``storytelling`` instead of an outcome. Options follow their question in any
order of rows; the order of rows is the order in the quiz. The CSV is turned into the JSON form
and checked there, so both forms accept and refuse the same quizzes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from lodestar.domain.quiz_format import quiz_from_data, quiz_to_data
from lodestar.domain.quizzes import SKILL_PREFIX, Quiz
from lodestar.errors import InvalidInput

COLUMNS = (
    "record",
    "code",
    "question",
    "text",
    "kind",
    "points",
    "description",
    "strengths",
    "watch_outs",
    "skills",
    "paths",
    "tie_break",
)
RECORDS = ("quiz", "outcome", "question", "option")
LISTS = ("strengths", "watch_outs", "skills", "paths")


def quiz_from_csv(text: str) -> Quiz:
    """The quiz in ``text``; ``InvalidInput`` with ``details["problems"]`` keyed ``line N`` for
    rows that cannot be read, or by JSON location for a quiz that does not hold together."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in ("record", "code", "text") if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            f"The CSV has no column {', '.join(missing)}; its first line must name the columns "
            f"({', '.join(COLUMNS)})."
        )
    problems: dict[str, str] = {}
    data: dict[str, Any] = {"outcomes": [], "questions": []}
    questions: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        cell = {k: (v or "").strip() for k, v in row.items() if k}
        record = cell.get("record", "")
        if record == "quiz":
            data.update(
                code=cell["code"],
                title=cell["text"],
                description=cell.get("description", ""),
                tie_break=cell.get("tie_break", ""),
            )
        elif record == "outcome":
            outcome: dict[str, Any] = {
                "code": cell["code"],
                "name": cell["text"],
                "description": cell.get("description", ""),
            }
            for key in LISTS:
                outcome[key] = _list(cell.get(key, ""))
            data["outcomes"].append(outcome)
        elif record == "question":
            q = {"code": cell["code"], "text": cell["text"], "kind": cell.get("kind") or "single"}
            q["options"] = []
            questions[cell["code"]] = q
            data["questions"].append(q)
        elif record == "option":
            parent = questions.get(cell.get("question", ""))
            if parent is None:
                problems[f"line {line}"] = (
                    f"The option names question “{cell.get('question', '')}”, which no earlier "
                    "question row has; put the question row first."
                )
                continue
            points, skill_points, bad = _points(cell.get("points", ""))
            if bad:
                problems[f"line {line}"] = (
                    f"“{bad}” in points is not target=number (e.g. democratic=2 or "
                    "skill:storytelling=1)."
                )
            parent["options"].append(
                {"code": cell["code"], "text": cell["text"], "points": points,
                 "skill_points": skill_points}
            )  # fmt: skip
        else:
            problems[f"line {line}"] = f"The record “{record}” is not one of {', '.join(RECORDS)}."
    if "code" not in data:
        problems["quiz"] = "The CSV has no quiz row; add one with the code and title."
    if problems:
        raise InvalidInput(
            f"{len(problems)} row(s) of the CSV cannot be read; correct them and import again.",
            details={"problems": problems},
        )
    return quiz_from_data(data)


def quiz_to_csv(quiz: Quiz) -> str:
    """The CSV form of ``quiz``: :func:`quiz_from_csv` reads it back to the same quiz."""
    data = quiz_to_data(quiz)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(
        {"record": "quiz", "code": data["code"], "text": data["title"],
         "description": data["description"], "tie_break": data["tie_break"]}
    )  # fmt: skip
    for o in data["outcomes"]:
        row = {"record": "outcome", "code": o["code"], "text": o["name"]}
        row["description"] = o["description"]
        row.update({k: "|".join(o[k]) for k in LISTS})
        writer.writerow(row)
    for q in data["questions"]:
        writer.writerow({"record": "question", "code": q["code"], "text": q["text"],
                         "kind": q["kind"]})  # fmt: skip
        for opt in q["options"]:
            pts = [f"{k}={_number(v)}" for k, v in opt["points"].items()]
            pts += [f"{SKILL_PREFIX}{k}={_number(v)}" for k, v in opt["skill_points"].items()]
            writer.writerow({"record": "option", "question": q["code"], "code": opt["code"],
                             "text": opt["text"], "points": "|".join(pts)})  # fmt: skip
    return out.getvalue()


def _list(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _points(cell: str) -> tuple[dict[str, float], dict[str, float], str]:
    points: dict[str, float] = {}
    skills: dict[str, float] = {}
    for part in _list(cell):
        target, sep, number = part.rpartition("=")
        try:
            value = float(number)
        except ValueError:
            return points, skills, part
        if not sep or not target.strip():
            return points, skills, part
        target = target.strip()
        if target.startswith(SKILL_PREFIX):
            skills[target[len(SKILL_PREFIX) :]] = value
        else:
            points[target] = value
    return points, skills, ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))

"""Learning paths: the built-in ones (``builtin_paths.json``, one per training the
leadership-style quiz points to) and their steps, read as views."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lodestar.db.models import LearningPath, LearningPathStep
from lodestar.domain.learning_paths import (
    STEP_LABELS,
    CompletionRule,
    StepKind,
    rule_sentence,
    who_confirms,
)
from lodestar.errors import NotFound


@dataclass(frozen=True)
class StepView:
    id: int
    position: int
    kind: StepKind
    kind_label: str
    title: str
    detail: str
    required: bool
    confirmed_by: str


@dataclass(frozen=True)
class PathView:
    id: int
    code: str
    name: str
    description: str
    skill_codes: tuple[str, ...]
    rule: CompletionRule
    min_steps: int | None
    rule_sentence: str
    steps: tuple[StepView, ...]


def install_built_in_paths(session: Session) -> None:
    """Store the built-in paths that are not stored yet."""
    text = resources.files("lodestar.services.learning").joinpath("builtin_paths.json")
    paths = json.loads(text.read_text(encoding="utf-8"))
    have = set(session.scalars(select(LearningPath.code)))
    missing = [p for p in paths if p["code"] not in have]
    if not missing:
        return
    try:
        with session.begin_nested():  # two first requests at once: the loser finds them stored
            for p in missing:
                _store_path(session, p)
    except IntegrityError:
        pass


def _store_path(session: Session, p: dict[str, Any]) -> None:
    row = LearningPath(code=p["code"], name=p["name"], description=p["description"],
                       skill_codes=json.dumps(p["skills"]))  # fmt: skip
    session.add(row)
    session.flush()
    for i, s in enumerate(p["steps"], start=1):
        session.add(LearningPathStep(path_id=row.id, position=i, kind=s["kind"],
                                     title=s["title"], detail=s.get("detail", ""),
                                     required=s.get("required", True)))  # fmt: skip
    session.flush()


def _view(path: LearningPath, steps: list[LearningPathStep]) -> PathView:
    rule: CompletionRule = "min_steps" if path.completion_rule == "min_steps" else "all_required"
    return PathView(
        id=path.id,
        code=path.code,
        name=path.name,
        description=path.description,
        skill_codes=tuple(json.loads(path.skill_codes)),
        rule=rule,
        min_steps=path.min_steps,
        rule_sentence=rule_sentence(rule, path.min_steps, len(steps)),
        steps=tuple(
            StepView(s.id, s.position, s.kind, STEP_LABELS.get(s.kind, s.kind), s.title,  # type: ignore[arg-type]
                     s.detail, s.required, who_confirms(s.kind))
            for s in steps
        ),
    )  # fmt: skip


def paths_by_code(session: Session, codes: list[str] | None = None) -> dict[str, PathView]:
    """Paths (all, or those with ``codes``) with their steps in order, by code."""
    install_built_in_paths(session)
    q = select(LearningPath)
    if codes is not None:
        q = q.where(LearningPath.code.in_(codes))
    paths = list(session.scalars(q.order_by(LearningPath.name)))
    steps: dict[int, list[LearningPathStep]] = {p.id: [] for p in paths}
    for s in session.scalars(
        select(LearningPathStep)
        .where(LearningPathStep.path_id.in_(list(steps)))
        .order_by(LearningPathStep.path_id, LearningPathStep.position)
    ):
        steps[s.path_id].append(s)
    return {p.code: _view(p, steps[p.id]) for p in paths}


def get_path(session: Session, code: str) -> PathView:
    found = paths_by_code(session, [code]).get(code)
    if found is None:
        raise NotFound(f"There is no learning path “{code}”; choose one from the paths list.")
    return found


def paths_for_skills(session: Session, skill_codes: list[str]) -> list[PathView]:
    """The paths that build any of ``skill_codes``, in the order of the skills given."""
    every = paths_by_code(session)
    out: list[PathView] = []
    for code in skill_codes:
        for p in every.values():
            if code in p.skill_codes and p not in out:
                out.append(p)
    return out

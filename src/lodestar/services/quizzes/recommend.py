"""What a quiz result recommends, resolved against the catalogue: each recommended code as the
skill the skills catalogue holds under it and the learning path that builds it, so a result
page links to real things and says plainly when the catalogue lacks one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.db.models import Skill
from lodestar.services.learning.paths import paths_by_code
from lodestar.services.quizzes.attempts import AttemptView


@dataclass(frozen=True)
class RecommendedLearning:
    """One recommendation: ``code`` as the quiz names it; ``skill_name`` when the catalogue
    has a skill with that code, ``path_name`` (and its step count) when a learning path has it."""

    code: str
    skill_name: str | None
    path_code: str | None
    path_name: str | None
    path_steps: int

    @property
    def label(self) -> str:
        return self.path_name or self.skill_name or self.code.replace("-", " ").title()


def recommended_learning(session: Session, attempt: AttemptView) -> list[RecommendedLearning]:
    """The outcome's recommended paths, then any recommended skill no path builds, in the
    quiz's order, each matched to the catalogue skill and the learning path of its code."""
    codes = list(dict.fromkeys([*attempt.outcome.paths, *attempt.outcome.skills]))
    skills = dict(
        session.execute(select(Skill.code, Skill.name).where(Skill.code.in_(codes))).all()
    )
    paths = paths_by_code(session, list(attempt.outcome.paths))
    out: list[RecommendedLearning] = []
    covered: set[str] = set()
    for code in attempt.outcome.paths:
        path = paths.get(code)
        built = set(path.skill_codes) if path else {code}
        covered |= built
        skill_code = code if code in skills else next((c for c in built if c in skills), None)
        out.append(
            RecommendedLearning(
                code=skill_code or code,
                skill_name=skills.get(skill_code) if skill_code else None,
                path_code=path.code if path else None,
                path_name=path.name if path else None,
                path_steps=len(path.steps) if path else 0,
            )
        )
    for code in attempt.outcome.skills:
        if code not in covered:
            out.append(RecommendedLearning(code, skills.get(code), None, None, 0))
    return out

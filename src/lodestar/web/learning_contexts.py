"""Typed page contexts of the quiz, /me and badge pages (see :mod:`lodestar.web.contexts` for
the convention: the fields are the whole contract between a route and its template)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lodestar.domain.quizzes import Quiz
from lodestar.domain.roles import Actor
from lodestar.services import badges, learning, quizzes


@dataclass(frozen=True)
class QuizListPage:
    """``quizzes/list.html``: the quizzes on offer; for L&D, the import form and what a refused
    file got wrong (``problems``: where -> sentence)."""

    actor: Actor
    quizzes: Sequence[quizzes.QuizSummary]
    error: str = ""
    problems: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QuizFormPage:
    """``quizzes/take.html``: the questions, with what was chosen and each question's problem
    when answers were refused."""

    quiz: Quiz
    chosen: Mapping[str, Sequence[str]] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True)
class QuizResultPage:
    """``quizzes/result.html``: an attempt and what it means; ``recommended`` the outcome's
    learning matched to catalogue skills and learning paths."""

    attempt: quizzes.AttemptView
    recommended: list[quizzes.RecommendedLearning] = field(default_factory=list)


@dataclass(frozen=True)
class MyLearningPage:
    """``me/index.html``: one person's area; ``own`` when it is the reader's own (then the plan
    can be built and changed, and ``paths`` lists the paths to add)."""

    area: learning.MyArea
    own: bool
    step_labels: Mapping[str, str]
    paths: Mapping[str, learning.PathView] = field(default_factory=dict)


@dataclass(frozen=True)
class AwardedBadgesPage:
    """``badges/awarded.html``: L&D's list of awarded badges (newest first, ``search`` by badge
    or holder) with a revoke form each; ``reasons`` the closed set of reasons, code → the
    neutral sentence the public page shows."""

    awards: list[badges.AwardedBadge]
    search: str
    reasons: dict[str, str]
    error: str = ""


@dataclass(frozen=True)
class BadgePage:
    """``badges/public.html``: a badge and the verdict of each check (no sign-in)."""

    badge: badges.BadgeVerification

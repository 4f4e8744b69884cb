"""Diagnostic quizzes kept as data: import and export them (JSON or CSV), take them, read the
results, and count outcomes (docs/quizzes-and-badges.md)."""

from __future__ import annotations

from lodestar.services.quizzes.attempts import (
    AttemptView,
    OutcomeCount,
    attempts_of,
    get_attempt,
    latest_attempt,
    outcome_distribution,
    take_quiz,
)
from lodestar.services.quizzes.catalogue import (
    QuizFormat,
    QuizSummary,
    built_in_quiz,
    export_quiz,
    get_quiz,
    import_quiz,
    list_quizzes,
    parse_quiz,
)
from lodestar.services.quizzes.recommend import RecommendedLearning, recommended_learning

__all__ = [
    "AttemptView",
    "OutcomeCount",
    "QuizFormat",
    "QuizSummary",
    "RecommendedLearning",
    "attempts_of",
    "built_in_quiz",
    "export_quiz",
    "get_attempt",
    "get_quiz",
    "import_quiz",
    "latest_attempt",
    "list_quizzes",
    "outcome_distribution",
    "parse_quiz",
    "recommended_learning",
    "take_quiz",
]

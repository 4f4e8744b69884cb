"""Learning paths, personal learning plans and completed steps (docs/quizzes-and-badges.md)."""

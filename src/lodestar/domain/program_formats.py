"""The formats a program can take, beyond the workshop."""

from __future__ import annotations

from typing import Literal, get_args

ProgramFormat = Literal[
    "workshop",
    "micro_learning",
    "job_aid",
    "checklist",
    "prompt",
    "coaching",
    "community_of_practice",
    "internal_gig",
]
PROGRAM_FORMATS: tuple[ProgramFormat, ...] = get_args(ProgramFormat)
FORMAT_LABELS: dict[str, str] = {
    "workshop": "Workshop",
    "micro_learning": "Micro-learning series",
    "job_aid": "Job aid",
    "checklist": "Checklist",
    "prompt": "Prompt in the flow of work",
    "coaching": "Coaching",
    "community_of_practice": "Community of practice",
    "internal_gig": "Internal gig",
}

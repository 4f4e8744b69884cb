"""Set up how a program is evaluated: its evaluation design and the behaviours it targets.

The evaluation design follows from how participants were chosen and when they started, which
the data alone cannot always tell (a comparison group may have been drawn by lottery or picked
by hand). Recorded here, it is what the impact engine uses; left empty, the engine chooses from
the data and says why (``services.impact.design_choice``).

Target behaviours are what participants should do differently on the job, named as behaviour
observations name them; the behaviour tier follows exactly these. Naming a behaviour nobody has
been observed on yet is allowed (the observations may come later), and the answer says so.

Who may do what: the L&D team and administrators set a program up; managers, executives and
the L&D team read the setup; employees do not (programs are read as results about colleagues).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lodestar.db.models import Program, ProgramBehaviour, ProgramEnrolment, WorkspaceMeta
from lodestar.domain.design_checks import RolloutFacts, design_contradictions
from lodestar.domain.evaluation import DESIGN_LABELS, EVALUATION_DESIGNS, MAX_TARGET_BEHAVIOURS
from lodestar.domain.limits import text_problem
from lodestar.domain.roles import Actor
from lodestar.errors import InvalidInput, NotFound, PermissionDenied
from lodestar.services import audit
from lodestar.services.impact.design_choice import design_problem
from lodestar.services.impact.tiers import (
    ObservedBehaviour,
    behaviour_notice,
    observed_behaviours,
    target_behaviours,
)
from lodestar.services.programs.access import group_sizes
from lodestar.services.programs.registration import check_edit_allowed

#: Longest behaviour name, as the program_behaviours table stores it.
MAX_BEHAVIOUR_LENGTH = 120
#: The values a design may be given as, with "" meaning "choose from the data".
DESIGN_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (value, DESIGN_LABELS[value]) for value in ("", *EVALUATION_DESIGNS)
)


@dataclass(frozen=True)
class ProgramSetup:
    """How one program is evaluated, and what its participants were observed on."""

    program_id: int
    code: str
    name: str
    evaluation_design: str  # "" = chosen from the data when the analysis runs
    design_label: str
    target_behaviours: tuple[str, ...]
    observed: tuple[ObservedBehaviour, ...]
    behaviour_notice: str  # what the behaviour tier needs said about its scope ("" = nothing)
    can_edit: bool
    # Where the enrolments and the stored lottery contradict the recorded design, in sentences.
    design_warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetupSaved:
    """The saved setup and, in full sentences, anything worth knowing about it ("" = none),
    such as named behaviours nobody has been observed on yet."""

    setup: ProgramSetup
    note: str


def can_set_up(actor: Actor) -> bool:
    return actor.is_ld


def _require_reader(actor: Actor) -> None:
    if actor.role == "employee":
        raise PermissionDenied(
            "Program setups and results describe groups of colleagues and are for managers, "
            "executives and the L&D team. Ask your manager about the programs you take part in."
        )


def _require_editor(actor: Actor) -> None:
    if not can_set_up(actor):
        raise PermissionDenied(
            "Only the L&D team and administrators set how a program is evaluated. Ask them to "
            "record the design or the target behaviours you have in mind."
        )


def _program(session: Session, program_id: int, *, for_update: bool = False) -> Program:
    # Locking the row (PostgreSQL) makes two simultaneous setups of one program take turns.
    prog = session.get(Program, program_id, with_for_update=True if for_update else None)
    if prog is None:
        raise NotFound(f"There is no program #{program_id}. Open the programs list to find it.")
    return prog


def program_setup(session: Session, actor: Actor, program_id: int) -> ProgramSetup:
    """The program's evaluation design and target behaviours, with the behaviours observed
    among its participants (the choices for naming targets)."""
    _require_reader(actor)
    return _setup(session, actor, _program(session, program_id))


def behaviours_observed(
    session: Session, actor: Actor, program_id: int
) -> tuple[ObservedBehaviour, ...]:
    """Behaviours observed among the program's participants, most observed people first."""
    _require_reader(actor)
    return observed_behaviours(session, _program(session, program_id).id)


def _setup(session: Session, actor: Actor, prog: Program) -> ProgramSetup:
    targets = target_behaviours(session, prog.id)
    observed = observed_behaviours(session, prog.id)
    design = prog.evaluation_design or ""
    return ProgramSetup(
        program_id=prog.id,
        code=prog.code,
        name=prog.name,
        evaluation_design=design,
        design_label=DESIGN_LABELS.get(design, design),
        target_behaviours=targets,
        observed=observed,
        behaviour_notice=behaviour_notice(targets, [o.behaviour for o in observed]),
        can_edit=can_set_up(actor),
        design_warnings=design_contradictions(design, rollout_facts(session, prog.id)),
    )


def rollout_facts(session: Session, program_id: int) -> RolloutFacts:
    """How people took part, as stored: group sizes, participants' start dates, the lottery."""
    counts = group_sizes(session, program_id)
    participant = (ProgramEnrolment.program_id == program_id) & (
        ProgramEnrolment.group == "participant"
    )
    starts = session.scalars(
        select(ProgramEnrolment.start_date)
        .where(participant, ProgramEnrolment.start_date.is_not(None))
        .distinct()
        .order_by(ProgramEnrolment.start_date)
    ).all()
    undated = session.scalar(
        select(func.count()).where(participant, ProgramEnrolment.start_date.is_(None))
    )
    return RolloutFacts(
        participants=int(counts.get("participant", 0)),
        comparison=int(counts.get("comparison", 0)),
        start_dates=tuple(d for d in starts if d is not None),
        undated=int(undated or 0),
        lottery_stored=session.get(WorkspaceMeta, f"pilot_assignment:{program_id}") is not None,
    )


def set_program_setup(
    session: Session,
    actor: Actor,
    program_id: int,
    *,
    evaluation_design: str,
    target_behaviours: Sequence[str],
) -> SetupSaved:
    """Record the program's evaluation design ("" or "auto" = choose from the data) and replace
    its target behaviours (1 to ``MAX_TARGET_BEHAVIOURS``, in the order given) in one go.

    Nothing is written unless every value is valid; every problem is reported at once, by field
    (``details["fields"]``). A behaviour typed with other capitals than an observed one takes
    the observed spelling, so the behaviour tier finds its observations.
    """
    _require_editor(actor)
    prog = _program(session, program_id, for_update=True)
    design = _clean_design(evaluation_design)
    names, name_problem = _clean_behaviours(target_behaviours)
    problems: dict[str, str] = {}
    if design is None:
        problems["evaluation_design"] = design_problem(evaluation_design)
    if name_problem:
        problems["target_behaviours"] = name_problem
    if problems or design is None:
        raise InvalidInput(" ".join(problems.values()), details={"fields": problems})
    observed = {o.behaviour for o in observed_behaviours(session, prog.id)}
    spelling = {o.casefold(): o for o in sorted(observed)}
    names = [spelling.get(n.casefold(), n) for n in names]

    if design != (prog.evaluation_design or ""):
        check_edit_allowed(session, prog, "evaluation_design")
    prog.evaluation_design = design
    session.execute(delete(ProgramBehaviour).where(ProgramBehaviour.program_id == prog.id))
    session.add_all(
        ProgramBehaviour(program_id=prog.id, behaviour=name, position=i)
        for i, name in enumerate(names)
    )
    session.flush()
    audit.record(
        session,
        actor,
        "program.setup",
        "program",
        prog.id,
        f"design: {design or 'chosen from the data'}; target behaviours: " + " | ".join(names),
    )
    setup = _setup(session, actor, prog)
    unseen = [n for n in names if n not in observed]
    return SetupSaved(setup, _unobserved_note(unseen))


def _clean_design(value: str) -> str | None:
    """The design to store, or None when it is not one."""
    text = (value or "").strip()
    if text in ("", "auto"):
        return ""
    return text if text in EVALUATION_DESIGNS else None


def _clean_behaviours(values: Sequence[str]) -> tuple[list[str], str | None]:
    """The stripped names, and the first problem with them in a full sentence (or None)."""
    if isinstance(values, str):  # one name passed where a list belongs
        values = [values]
    names = [(v or "").strip() for v in values]
    if not names:
        return names, (
            "Name at least one target behaviour: what participants should do differently on "
            "the job, as a manager would observe it (for example “Asks discovery questions "
            "before proposing”)."
        )
    if len(names) > MAX_TARGET_BEHAVIOURS:
        return names, (
            f"You named {len(names)} target behaviours; a program targets at most "
            f"{MAX_TARGET_BEHAVIOURS}, so it stays focused. Keep the ones the metric that "
            "matters depends on most."
        )
    if any(not n for n in names):
        return names, (
            "One of the target behaviours is empty. Write what participants should do on the "
            "job, or remove the empty entry."
        )
    unstorable = next((text_problem(n) for n in names if text_problem(n)), None)
    if unstorable is not None:
        return names, f"A target behaviour cannot be stored: {unstorable}"
    long = next((n for n in names if len(n) > MAX_BEHAVIOUR_LENGTH), None)
    if long is not None:
        return names, (
            f"The behaviour “{long[:40]}…” is {len(long)} characters long; a behaviour can "
            f"have at most {MAX_BEHAVIOUR_LENGTH}. Shorten it to the observable action."
        )
    seen: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key in seen:
            return names, (
                f"The behaviour “{name}” is named twice (capitals aside, it is the same as "
                f"“{seen[key]}”). Name each behaviour once."
            )
        seen[key] = name
    return names, None


def _unobserved_note(unseen: Sequence[str]) -> str:
    if not unseen:
        return ""
    quoted = ", ".join(f"“{n}”" for n in unseen)
    if len(unseen) == 1:
        return (
            f"Nobody in this program has been observed on {quoted} yet: the behaviour tier "
            "shows it as no data until observations are imported (lodestar import behaviours)."
        )
    return (
        f"Nobody in this program has been observed on these behaviours yet: {quoted}. The "
        "behaviour tier shows them as no data until observations are imported (lodestar "
        "import behaviours)."
    )


__all__ = [
    "DESIGN_CHOICES",
    "MAX_BEHAVIOUR_LENGTH",
    "ProgramSetup",
    "SetupSaved",
    "behaviours_observed",
    "can_set_up",
    "program_setup",
    "set_program_setup",
]

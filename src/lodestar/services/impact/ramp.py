"""Time to productivity for a stored program: do participants reach the standard sooner?

New hires are the people in the program's departments (as for retention, see
:func:`.retention.population`) hired on or after the first observation of the program's KPI,
so their ramp-up is observed from their first week. The KPI's values are read where they live
(:mod:`.ramp_values`): the columns imported into Lodestar, or the KPI's external source, in
its engine (the stored result then says which engine and source in ``details.engine``, the
settings and the snapshot). For each of them the KPI's weekly values
are counted in tenure weeks (week 1 = the week of the hire date), and they *reach
productivity* in the first week the KPI meets the threshold. People who leave or are still
ramping at the end of the data are censored at their last observed week.

The threshold is the program's target when one is recorded. Otherwise it is set from the
data: 90 % of the KPI's steady level — the mean among colleagues with at least a year of
tenure — for a KPI where higher is better, and 110 % of it where lower is better.

Participants are compared with the program's comparison group when it has one, otherwise with
the new hires hired over the same period who did not take part. The comparison is read as
randomised only when the program's stored assignment says a lottery drew that comparison group
(:func:`.design_choice.stored_assignment`: the stored pilot lottery or a recorded "randomised"
design; the roll-out text is never read). Otherwise it is adjusted for each new hire's hire
date and department and labelled "not randomised", with the caveat that unrecorded differences
are not accounted for. The estimator is
:func:`lodestar.analytics.estimators.ramp.estimate_time_to_productivity`.

The stored details are aggregates only (:mod:`.suppression`): curves cut where fewer than the
minimum group size are still ramping, medians and counts; no row per person.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from lodestar.analytics.estimators.ramp import estimate_time_to_productivity
from lodestar.analytics.results import OutcomeInfo
from lodestar.db.models import Program
from lodestar.errors import InvalidInput
from lodestar.services.impact.design_choice import stored_assignment
from lodestar.services.impact.facts import KpiFacts, ProgramFacts
from lodestar.services.impact.ramp_values import kpi_values
from lodestar.services.impact.retention import SurvivalAnalysis, fingerprint, people_followed
from lodestar.services.impact.suppression import aggregates_only
from lodestar.services.privacy.groups import group_rule

TOOK_PART, DID_NOT = "took part", "did not take part"
STEADY_SHARE = 0.9
SUSTAIN_WEEKS = 3  # at the standard three observed weeks in a row, so one lucky week is not it
MIN_GROUP = 20  # fewer new hires than this in either group: say the comparison is fragile
ADJUSTED_FOR = ("hire_date", "department")  # fixed at hire: what a chosen comparison adjusts for


def analyse_time_to_productivity(
    session: Session, program: ProgramFacts, kpi: KpiFacts
) -> SurvivalAnalysis:
    """New hires' time to the threshold, participants against non-participants."""
    if kpi.grain != "employee":
        raise InvalidInput(
            f"'{kpi.name}' is measured per {kpi.grain}, and time to productivity follows each "
            "new hire's own values. Pick an employee-level KPI as the program's metric."
        )
    people = people_followed(session, program)
    if not (people["group"].eq("participant")).any():
        raise InvalidInput(
            f"Program '{program.name}' has no participants, so there is nobody whose ramp-up "
            "could have changed. Record the enrolments (lodestar import enrolments) and run "
            "the analysis again."
        )
    values = kpi_values(session, program, kpi, people)
    threshold, rule = _threshold(session, program, kpi, values.steady)
    opens = values.first_period
    hires = people[people["hire_date"] >= opens]
    took_part = hires["group"].eq("participant")
    stored = stored_assignment(program)
    if hires["group"].eq("comparison").any():
        comparison = hires["group"].eq("comparison")
        randomised = stored.randomised
        how = "the program's comparison group"
        why = stored.reason
    else:
        span = hires.loc[took_part, "hire_date"]
        comparison = hires["group"].isna() & hires["hire_date"].between(span.min(), span.max())
        randomised, how = False, "new hires over the same period who did not take part"
        why = (
            "The program stores no comparison group, so participants are compared with the "
            "new hires of the same period who did not take part, adjusted for what is recorded "
            "at hire: not a randomised comparison."
        )
        if stored.randomised:
            why = "A lottery is recorded, but " + why[0].lower() + why[1:]
    cohorts = pd.Series(
        np.where(took_part, TOOK_PART, np.where(comparison, DID_NOT, "")), index=hires.index
    )
    chosen = hires.assign(cohort=cohorts)[cohorts != ""]
    rows, read = values.new_hires(chosen[["employee_id", "hire_date"]])
    weekly = rows.merge(
        chosen[["employee_id", "hire_date", "cohort", "department"]], on="employee_id"
    )
    weekly["tenure_week"] = (weekly["period"] - weekly["hire_date"]).dt.days // 7 + 1
    weekly = weekly[weekly["tenure_week"] >= 1]
    n_part = int(weekly.loc[weekly["cohort"] == TOOK_PART, "employee_id"].nunique())
    n_comp = int(weekly.loc[weekly["cohort"] == DID_NOT, "employee_id"].nunique())
    if n_part < 2 or n_comp < 2:
        raise InvalidInput(
            f"Time to productivity compares new hires, and '{program.name}' has {n_part} "
            f"participants and {n_comp} other new hires with '{kpi.name}' observed from their "
            "hire date. Enrol new hires (and, ideally, a comparison group) and import their "
            "KPI history from their first week, then run the analysis again."
        )
    info = OutcomeInfo(
        name=f"reaching the {kpi.name} standard", unit="days", population="new hires"
    )
    # Covariates fixed at hire: the hire date in years since new hires are followed, and the
    # department as a category (its id as text).
    model_rows = weekly.drop(columns=["hire_date", "department"]).assign(
        hire_date=(weekly["hire_date"] - opens).dt.days / 365.25,
        department=weekly["department"].astype(str),
    )
    est = estimate_time_to_productivity(
        model_rows,
        threshold=threshold,
        treated_cohort=TOOK_PART,
        reference_cohort=DID_NOT,
        person="employee_id",
        cohort="cohort",
        week="tenure_week",
        value="value",
        direction=kpi.direction if kpi.direction in ("up", "down") else "up",
        sustain_weeks=SUSTAIN_WEEKS,
        assignment="randomised" if randomised else "observational",
        covariates=() if randomised else ADJUSTED_FOR,
        info=info,
    )
    details = aggregates_only(est.details, group_rule(session)) | {
        "threshold_rule": rule,
        "comparison": how,
    }
    if read:  # the values came from the KPI's external source
        details["engine"] = read
    few = [] if min(n_part, n_comp) >= MIN_GROUP else [
        f"Only {n_part} participants and {n_comp} other new hires are compared, so a single "
        "fast or slow starter moves the result; treat it as a first look and compare again "
        "as more new hires join."
    ]  # fmt: skip
    headline = replace(
        est,
        details=details,
        warnings=tuple(est.warnings) + tuple(few),
        design_reason=f"{why} {est.design_reason}",
    )
    snapshot = {
        "rows": len(weekly),
        "people": n_part + n_comp,
        "participants": n_part,
        "events": int(sum(est.details.get("reached_by_cohort", {}).values())),
        "censored": n_part + n_comp - int(sum(est.details.get("reached_by_cohort", {}).values())),
        "first_period": str(weekly["period"].min().date()),
        "last_period": str(weekly["period"].max().date()),
        "kpi_observations": values.observations,
        "fingerprint": fingerprint(weekly[["employee_id", "tenure_week", "value", "cohort"]]),
        "unit": "new-hire weeks",
    }
    where = {"engine": values.engine, "source": values.source} if values.engine else {}
    settings = {
        "threshold": threshold,
        "threshold_rule": rule,
        "comparison": how,
        "assignment": details["assignment"],
        "new_hires_from": str(opens.date()),
        "sustain_weeks": SUSTAIN_WEEKS,
    }
    return SurvivalAnalysis(
        "time_to_productivity", headline, None, snapshot | where, settings | where
    )


def _threshold(
    session: Session, program: ProgramFacts, kpi: KpiFacts, steady: float | None
) -> tuple[float, str]:
    target = session.scalar(select(Program.target).where(Program.id == program.id))
    if target is not None:
        return float(target), f"the program's target ({target:g} {kpi.unit})".strip()
    if steady is None:
        raise InvalidInput(
            f"Program '{program.name}' has no target and nobody with a year's tenure has "
            f"values of '{kpi.name}', so there is no steady level to set the standard from. "
            "Set the program's target to the level that counts as productive and try again."
        )
    share = STEADY_SHARE if kpi.direction != "down" else 2 - STEADY_SHARE
    rule = (
        f"{share:.0%} of the steady level ({steady:.3g} {kpi.unit}, the mean among colleagues "
        "with a year's tenure or more), as the program records no target"
    )
    return round(share * steady, 6), rule

"""What users type: the pydantic inputs for priorities, objectives, key results and KPIs,
and the words forms show for the KPI options."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from lodestar.services.input_fields import Amount, RecordId, TypedInput


class PriorityInput(TypedInput):
    """A strategic priority ("must-win") as typed in a form or sent to the API."""

    title: str = Field(
        min_length=3,
        max_length=200,
        title="Title",
        description="The must-win in a few words, in the language leadership uses.",
        examples=["Win more of the deals we already qualify"],
    )
    description: str = Field(
        "",
        title="Description",
        description="Why it matters, and what winning looks like at the end of the horizon.",
    )
    owner_id: RecordId = Field(title="Owner", description="The person accountable for the result.")
    start_year: int = Field(
        ge=2000, le=2100, title="Start year", description="The first year of the horizon."
    )
    end_year: int = Field(
        ge=2000,
        le=2100,
        title="End year",
        description="The last year of the horizon: a must-win spans one to three years.",
    )


class ObjectiveInput(TypedInput):
    title: str = Field(
        min_length=3,
        max_length=200,
        title="Objective",
        description="A qualitative goal that moves the priority forward.",
        examples=["Account executives run value-based negotiations"],
    )


class KeyResultInput(TypedInput):
    description: str = Field(
        min_length=3,
        max_length=300,
        title="Key result",
        description="A measurable result that shows the objective is met.",
        examples=["Meeting-to-proposal conversion reaches 28%"],
    )
    kpi_id: RecordId | None = Field(None, title="KPI", description="The KPI that measures it.")
    target: Amount | None = Field(None, title="Target", description="In the KPI's unit.")
    due_date: date | None = Field(None, title="Due date")


class KpiInput(TypedInput):
    """A KPI definition: what is measured, in which unit, which way is good, and the target."""

    code: str = Field(
        min_length=2,
        max_length=60,
        pattern=r"^[a-z0-9_]+$",
        title="Code",
        description="A stable identifier used by data imports: lowercase letters, digits and "
        "underscores.",
        examples=["sales_conversion"],
    )
    name: str = Field(min_length=3, max_length=200, title="Name", examples=["Sales conversion"])
    description: str = Field(
        "", title="Description", description="How the value is computed and where it comes from."
    )
    unit: str = Field(
        min_length=1,
        max_length=40,
        title="Unit",
        description="The unit values are recorded in, such as %, days, EUR or contacts.",
        examples=["%"],
    )
    direction: str = Field(
        "up", title="Direction", description="'up' when higher is better, 'down' when lower is."
    )
    grain: str = Field(
        "employee",
        title="Grain",
        description="Who one value describes: an employee, a team or the whole organisation.",
    )
    cadence: str = Field(
        "weekly", title="Cadence", description="How often a new value is recorded."
    )
    lead_lag: str = Field(
        "lag",
        title="Lead or lag",
        description="A lead indicator moves first and predicts; a lag indicator records the "
        "outcome.",
    )
    value_per_unit: Amount | None = Field(
        None,
        title="Money value of one unit",
        description="What one unit of improvement is worth, where the business knows it.",
    )
    currency: str | None = Field(
        None, max_length=3, title="Currency", description="Three letters, such as EUR or USD."
    )
    baseline: Amount | None = Field(
        None, title="Baseline", description="The value before any program, in the KPI's unit."
    )
    target: Amount | None = Field(
        None, title="Target", description="The value to reach, better than the baseline."
    )
    horizon_date: date | None = Field(
        None, title="Target date", description="The date by which the target should be met."
    )
    priority_id: RecordId | None = Field(
        None, title="Strategic priority", description="The must-win this KPI measures."
    )


# Words users see for the KPI options, in the order forms offer them.
KPI_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "direction": (("up", "Higher is better"), ("down", "Lower is better")),
    "grain": (("employee", "Employee"), ("team", "Team"), ("org", "Whole organisation")),
    "cadence": (("weekly", "Weekly"), ("monthly", "Monthly"), ("quarterly", "Quarterly")),
    "lead_lag": (("lead", "Lead indicator"), ("lag", "Lag indicator")),
}

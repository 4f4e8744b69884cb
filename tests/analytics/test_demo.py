"""The demo generator: deterministic, well-shaped, and its planted effects are recoverable.

These are sanity checks of the generator with simple estimators (differences in means,
within-person differences-in-differences), not tests of the impact engine.
Standard errors below are person-level; effects must lie within a few of them of the truth.
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.demo import (
    COMPANY,
    DEPARTMENTS,
    FIRST_WEEK,
    HISTORY_WEEKS,
    KPI_CODES,
    LAST_WEEK,
    DemoOrganisation,
    build_organisation,
)
from lodestar.errors import InvalidInput

SIZE, SEED = 2000, 42


@pytest.fixture(scope="module")
def org() -> DemoOrganisation:
    return build_organisation(SIZE, SEED)


def _frames(o: DemoOrganisation) -> dict[str, pd.DataFrame]:
    return {
        name: getattr(o, name)
        for name in (
            "departments",
            "job_roles",
            "teams",
            "employees",
            "kpi_observations",
            "programs",
            "enrolments",
        )
    }


# --- determinism and input checks -----------------------------------------------------


def test_same_seed_same_frames_and_truth() -> None:
    a, b = build_organisation(300, 5), build_organisation(300, 5)
    for name, frame in _frames(a).items():
        pd.testing.assert_frame_equal(frame, _frames(b)[name], obj=name)
    assert a.truth == b.truth


def test_another_seed_gives_another_company() -> None:
    a, b = build_organisation(300, 5), build_organisation(300, 6)
    assert not a.employees["name"].equals(b.employees["name"])
    assert not np.array_equal(a.kpi_observations["value"], b.kpi_observations["value"])


@pytest.mark.parametrize("bad", [0, 49, -5])
def test_too_small_a_company_is_refused_with_advice(bad: int) -> None:
    with pytest.raises(InvalidInput, match="at least 50 employees.*Choose 50 or more"):
        build_organisation(bad, 1)


def test_smallest_company_still_has_every_program() -> None:
    small = build_organisation(50, 3)
    assert set(small.programs["code"]) == set(small.truth["programs"])
    assert small.employees["team_idx"].nunique() == len(small.teams)


# --- the organisation -----------------------------------------------------------------


def test_departments_and_roles(org: DemoOrganisation) -> None:
    assert org.departments.to_dict("list") == {
        "code": ["sales", "service", "engineering", "operations", "people"],
        "name": ["Sales", "Customer Service", "Engineering", "Operations", "HR & L&D"],
    }
    assert org.job_roles["title"].is_unique
    assert len(org.job_roles) == sum(2 + len(d.roles) for d in DEPARTMENTS)


def test_every_team_has_a_manager_from_the_team(org: DemoOrganisation) -> None:
    teams, emp = org.teams, org.employees
    managers = teams["manager_employee_idx"].to_numpy()
    assert (managers >= 0).all()
    assert (emp["team_idx"].to_numpy()[managers] == np.arange(len(teams))).all()
    assert emp.loc[managers, "exit_date"].isna().all(), "managers stay in post"
    members = emp.index[~emp.index.isin(managers)]
    expected = managers[emp.loc[members, "team_idx"].to_numpy()]
    assert (emp.loc[members, "manager_idx"].to_numpy() == expected).all()
    # managers come before their reports, so ids can be loaded in order
    has_manager = emp["manager_idx"].notna().to_numpy()
    assert (emp["manager_idx"].to_numpy()[has_manager] < emp.index[has_manager]).all()
    # one head per department, reporting to nobody
    assert emp["manager_idx"].isna().sum() == len(org.departments)


def test_team_sizes_are_realistic(org: DemoOrganisation) -> None:
    positions = org.employees[org.employees["exit_date"].isna()].groupby("team_idx").size()
    assert positions.median() == pytest.approx(11, abs=2)
    assert positions.between(4, 18).all()


def test_people_names_emails_and_ids(org: DemoOrganisation) -> None:
    emp = org.employees
    assert emp["external_id"].is_unique and emp["email"].is_unique
    assert emp["email"].str.fullmatch(r"[a-z0-9.]+@brightwater\.example").all()
    assert emp["name"].nunique() > 0.6 * len(emp)
    assert emp["performance_rating"].between(1, 5).all()


def test_hires_exits_and_attrition(org: DemoOrganisation) -> None:
    emp = org.employees
    left = emp["exit_date"].notna()
    assert (emp.loc[left, "exit_date"] >= emp.loc[left, "hire_date"]).all()
    assert set(emp.loc[left, "exit_reason"]) == {"voluntary", "involuntary"}
    assert emp.loc[~left, "exit_reason"].isna().all()
    assert emp.loc[left, "exit_date"].dt.day_of_week.eq(4).all(), "leavers go on a Friday"
    hired_in_window = emp["hire_date"] >= pd.Timestamp(FIRST_WEEK)
    assert emp.loc[hired_in_window, "hire_date"].dt.day_of_week.eq(0).all()
    assert hired_in_window.sum() > 0.15 * SIZE
    voluntary_per_year = (emp["exit_reason"] == "voluntary").sum() / SIZE / 2
    assert 0.09 < voluntary_per_year < 0.16


# --- KPI history ----------------------------------------------------------------------


def test_observations_only_while_employed(org: DemoOrganisation) -> None:
    obs = org.kpi_observations
    person = obs[obs["employee_idx"].notna()]
    emp = org.employees.iloc[person["employee_idx"].to_numpy(dtype=int)]
    after_hire = person["period"].to_numpy() >= emp["hire_date"].to_numpy()
    exit_date = emp["exit_date"].fillna(pd.Timestamp("2100-01-01")).to_numpy()
    before_exit = person["period"].to_numpy() <= exit_date
    assert after_hire.all() and before_exit.all()


def test_observation_shape(org: DemoOrganisation) -> None:
    obs = org.kpi_observations
    assert set(obs["kpi_code"].unique()) == set(KPI_CODES)
    assert obs["period"].between(pd.Timestamp(FIRST_WEEK), pd.Timestamp(LAST_WEEK)).all()
    weekly = obs[obs["kpi_code"].isin(["sales_conversion", "csat", "repeat_contact_rate"])]
    assert weekly["period"].dt.day_of_week.eq(0).all()
    assert weekly["period"].nunique() == HISTORY_WEEKS
    # exactly one subject per row: employee grain or team grain
    assert (obs["employee_idx"].isna() != obs["team_idx"].isna()).all()
    team_grain = obs["kpi_code"].isin(["voluntary_attrition", "time_to_market"])
    assert obs.loc[team_grain, "employee_idx"].isna().all()
    assert not obs.duplicated(["kpi_code", "employee_idx", "team_idx", "period"]).any()
    assert (obs["weight"] >= 1).all()


def test_time_to_productivity_is_not_biased_at_the_start(org: DemoOrganisation) -> None:
    """Recent hires from before the history count too, so early months are not only the
    fast starters: the first 26 weeks sit near the level of the rest of the history."""
    rows = _kpi(org, "time_to_productivity")
    hired = org.employees["hire_date"].to_numpy()[rows["person"].to_numpy()]
    assert (hired < np.datetime64(FIRST_WEEK)).any() and (hired >= np.datetime64(FIRST_WEEK)).any()
    early = rows["period"] < pd.Timestamp(FIRST_WEEK) + pd.Timedelta(weeks=26)
    assert rows.loc[early, "value"].mean() == pytest.approx(
        rows.loc[~early, "value"].mean(), rel=0.15
    )


def test_subject_effects_track_performance_rating(org: DemoOrganisation) -> None:
    obs, emp = org.kpi_observations, org.employees
    conv = obs[obs["kpi_code"] == "sales_conversion"]
    level = conv.groupby("employee_idx", observed=True)["value"].mean()
    rating = emp["performance_rating"].to_numpy()[level.index.to_numpy(dtype=int)]
    assert np.corrcoef(level.to_numpy(), rating)[0, 1] > 0.2


def test_truth_is_complete_and_json_serialisable(org: DemoOrganisation) -> None:
    truth = json.loads(json.dumps(org.truth))
    assert truth["company"] == COMPANY
    assert truth["first_week"] == FIRST_WEEK.isoformat() == "2024-11-25"
    assert date.fromisoformat(truth["last_week"]).weekday() == 0
    designs = {p["design"] for p in truth["programs"].values()}
    assert designs == {"staggered", "randomised", "selected_on_observables", "no_effect"}
    for program in truth["programs"].values():
        for key in ("kpi_code", "true_effect", "estimand", "selection", "noise", "start_dates"):
            assert key in program, (program["code"], key)
    assert list(org.programs["code"]) == list(truth["programs"])


# --- the planted effects ----------------------------------------------------------------


def _kpi(org: DemoOrganisation, code: str) -> pd.DataFrame:
    obs = org.kpi_observations
    rows = obs[obs["kpi_code"] == code]
    return rows.assign(person=rows["employee_idx"].to_numpy(dtype=int))


def _enrolled(org: DemoOrganisation, code: str, **where: str) -> np.ndarray:
    e = org.enrolments[org.enrolments["program_code"] == code]
    for column, value in where.items():
        e = e[e[column] == value]
    return e["employee_idx"].to_numpy()


def _within_person_did(
    rows: pd.DataFrame,
    treated: np.ndarray,
    comparison: np.ndarray,
    start: pd.Timestamp,
    pre_before: pd.Timestamp | None = None,
) -> tuple[float, float]:
    """Mean of (post mean - pre mean) for the treated minus the same for the comparison."""
    pre_end = start if pre_before is None else pre_before
    keep = rows["person"].isin(np.r_[treated, comparison]) & (
        (rows["period"] < pre_end) | (rows["period"] >= start)
    )
    r = rows[keep]
    means = r.groupby([r["person"], r["period"] >= start])["value"].mean().unstack().dropna()
    change = means[True] - means[False]
    t, c = change[change.index.isin(treated)], change[change.index.isin(comparison)]
    return float(t.mean() - c.mean()), float(np.sqrt(t.var() / len(t) + c.var() / len(c)))


def test_randomised_pilot_difference_in_means(org: DemoOrganisation) -> None:
    truth = org.truth["programs"]["fcr_pilot"]
    rows = _kpi(org, "repeat_contact_rate")
    start = pd.Timestamp(truth["start_dates"][0])
    post = rows[rows["period"] >= start].groupby("person")["value"].mean()
    p = post[post.index.isin(_enrolled(org, "fcr_pilot", group="participant"))]
    c = post[post.index.isin(_enrolled(org, "fcr_pilot", group="comparison"))]
    se = np.sqrt(p.var() / len(p) + c.var() / len(c))
    assert truth["true_effect"] == -1.8
    assert abs(p.mean() - c.mean() - truth["true_effect"]) < 3 * se
    assert se < 0.6, "the pilot is large enough to see the effect"


def test_staggered_rollout_per_cohort_did(org: DemoOrganisation) -> None:
    truth = org.truth["programs"]["consultative_discovery"]
    rows = _kpi(org, "sales_conversion")
    never = org.teams.index[org.teams["name"].isin(truth["never_treated_teams"])]
    comparison = org.employees.index[org.employees["team_idx"].isin(never)].to_numpy()
    assert len(truth["cohorts"]) == 4
    estimates = []
    for cohort in truth["cohorts"]:
        treated = _enrolled(org, "consultative_discovery", cohort=cohort["cohort"])
        est, se = _within_person_did(rows, treated, comparison, pd.Timestamp(cohort["start_date"]))
        assert abs(est - cohort["att"]) < 3.5 * se, cohort["cohort"]
        estimates.append(est)
    assert np.mean(estimates) == pytest.approx(truth["true_effect"], abs=1.0)
    assert 2.7 < truth["true_effect"] < 3.0, "ATT over post weeks, ramp included"


def test_hand_picked_program_naive_gap_is_mostly_selection(org: DemoOrganisation) -> None:
    truth = org.truth["programs"]["negotiation_masterclass"]
    rows = _kpi(org, "avg_deal_size")
    start = pd.Timestamp(truth["start_dates"][0])
    chosen = _enrolled(org, "negotiation_masterclass")
    post = rows[rows["period"] >= start].groupby("person")["value"].mean()
    naive = post[post.index.isin(chosen)].mean() - post[~post.index.isin(chosen)].mean()
    assert naive == pytest.approx(truth["naive_post_gap"], abs=0.01)
    assert naive > 5 * truth["true_effect"]
    others = np.setdiff1d(rows["person"].unique(), chosen)
    before_selection = start - pd.Timedelta(weeks=26)
    est, se = _within_person_did(rows, chosen, others, start, pre_before=before_selection)
    assert abs(est - truth["true_effect"]) < 3 * se


def test_no_effect_program_did_is_near_zero(org: DemoOrganisation) -> None:
    truth = org.truth["programs"]["mindful_webinars"]
    rows = _kpi(org, "csat")
    start = pd.Timestamp(truth["start_dates"][0])
    volunteers = _enrolled(org, "mindful_webinars")
    others = np.setdiff1d(rows["person"].unique(), volunteers)
    est, se = _within_person_did(rows, volunteers, others, start)
    assert truth["true_effect"] == 0.0
    assert abs(est) < 3 * se
    post = rows[rows["period"] >= start].groupby("person")["value"].mean()
    naive = post[post.index.isin(volunteers)].mean() - post[~post.index.isin(volunteers)].mean()
    assert naive > 3 * se, "volunteers differ from the rest before any effect"

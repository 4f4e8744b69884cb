"""Assessments: who may record them (self, manager through the reporting line, quiz), their
history, managers reviewing self-ratings, and job-title profiles they are measured against."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from tests.services.skills.conftest import line_of

from lodestar.db.models import Employee, User
from lodestar.errors import InvalidInput, PermissionDenied
from lodestar.services.reporting_line import own_employee_id
from lodestar.services.skills.assessments import (
    assessment_history,
    record_assessment,
    review_self_rating,
    self_ratings_to_review,
)
from lodestar.services.skills.gaps import employee_gaps
from lodestar.services.skills.profiles import job_profile, set_job_skill

DAY = date.today()


def test_people_rate_themselves_and_managers_their_line_only(db, actors, test_skills):
    me = own_employee_id(db, actors["employee"])
    assert me is not None
    record_assessment(db, actors["employee"], me, "T-LISTEN", 4, "self", DAY)
    other = db.scalar(select(Employee.id).where(Employee.id != me))
    with pytest.raises(PermissionDenied, match="themselves"):
        record_assessment(db, actors["employee"], other, "T-LISTEN", 4, "self", DAY)
    manager = actors["manager"]
    report = min(line_of(db, manager))
    record_assessment(db, manager, report, "T-LISTEN", 2, "manager", DAY)
    outsider = db.scalar(select(Employee.id).where(Employee.id.not_in(line_of(db, manager))))
    with pytest.raises(PermissionDenied, match="reporting line"):
        record_assessment(db, manager, outsider, "T-LISTEN", 2, "manager", DAY)
    with pytest.raises(InvalidInput, match="scale"):
        record_assessment(db, manager, report, "T-LISTEN", 9, "manager", DAY)


def test_quiz_results_are_recorded_as_the_person_and_kept_as_history(db, actors, test_skills):
    me = own_employee_id(db, actors["employee"])
    record_assessment(db, actors["employee"], me, "T-PLAN", 2, "quiz", date(2026, 1, 5))
    record_assessment(db, actors["employee"], me, "T-PLAN", 3, "quiz", date(2026, 6, 5))
    history = assessment_history(db, actors["employee"], me, "T-PLAN")
    assert [(h.level, h.source) for h in history] == [(3.0, "quiz"), (2.0, "quiz")]
    assert history[0].level_label == "Competent"


def test_a_manager_reviews_a_reports_self_rating(db, actors, test_skills):
    manager = actors["manager"]
    report = min(line_of(db, manager))
    user = User(email="r@x.example", name="Report", role="employee", password_hash="x",
                employee_id=report)  # fmt: skip
    db.add(user)
    db.flush()
    from lodestar.services.accounts import actor_of

    person = actor_of(user)
    rating = record_assessment(db, person, report, "T-PRICE", 5, "self", DAY)
    waiting = self_ratings_to_review(db, manager)
    assert rating.id in {w.id for w in waiting}
    with pytest.raises(PermissionDenied):
        review_self_rating(db, actors["employee"], rating.id, 3)
    review_self_rating(db, manager, rating.id, 3)
    assert rating.id not in {w.id for w in self_ratings_to_review(db, manager)}
    history = assessment_history(db, manager, report, "T-PRICE")
    assert {(h.source, h.level) for h in history} == {("self", 5.0), ("manager", 3.0)}
    # The manager's assessment is the current level the gap is measured from.
    title = db.get(Employee, report).job_role_id
    set_job_skill(db, actors["ld"], title, "T-PRICE", target_level=4, importance=5)
    assert [(p.skill_code, p.target_level) for p in job_profile(db, manager, title).lines
            if p.skill_code == "T-PRICE"] == [("T-PRICE", 4)]  # fmt: skip
    line = next(g for g in employee_gaps(db, manager, report) if g.skill_code == "T-PRICE")
    assert (line.current, line.source, line.gap) == (3.0, "manager", 1.0)
    with pytest.raises(PermissionDenied):
        set_job_skill(db, manager, title, "T-PRICE", target_level=4, importance=5)

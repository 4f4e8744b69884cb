"""Stakeholder answers are recorded by the requester and the L&D team only (the service's
own rule), not by a colleague who can read the request because it is in their department."""

import pytest

from lodestar.domain.intake import FIELD_NAMES
from lodestar.errors import PermissionDenied
from lodestar.services import intake

FULL = {name: f"A specific, complete answer about {name}." for name in FIELD_NAMES}


def test_a_colleague_in_the_same_department_cannot_write_answers(db, actors):
    tomas, grace = actors["tomas"], actors["grace"]
    assert tomas.role == grace.role == "manager"
    assert tomas.department_id == grace.department_id
    out = intake.submit_request(db, tomas, intake.RequestInput(title="Renewals", **FULL))
    # Grace may read her colleague's request ...
    assert intake.get_request(db, grace, out.request_id).summary.title == "Renewals"
    # ... but not answer for him.
    with pytest.raises(PermissionDenied, match="requester and the L&D team"):
        intake.answer_questions(db, grace, out.request_id, {"one_metric": "Mine."})
    assert intake.answer_questions(db, tomas, out.request_id, {"one_metric": "Churn."}) == {
        "one_metric": "Churn."
    }
    assert intake.answer_questions(db, actors["ld"], out.request_id, {"no_course": "Yes."}) == {
        "one_metric": "Churn.",
        "no_course": "Yes.",
    }

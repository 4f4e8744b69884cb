"""The xAPI value checks remember the IRIs and language tags they have passed (a batch repeats
them), without ever letting a bad value through."""

from __future__ import annotations

import pytest

from lodestar.services.xapi import values
from lodestar.services.xapi.values import (
    StatementInvalid,
    check_iri,
    check_language_map,
    check_language_tag,
)


def test_a_bad_iri_is_refused_however_many_good_ones_came_before() -> None:
    for i in range(200):
        assert check_iri(f"https://lms.example.com/a/{i}", "object.id") == (
            f"https://lms.example.com/a/{i}"
        )
    for bad in ("not an iri", "https://lms.example.com/a/1 ", "", 42, ["https://x.example"]):
        with pytest.raises(StatementInvalid) as refused:
            check_iri(bad, "object.id", "activity id")
        assert refused.value.path == "object.id"


def test_a_remembered_iri_passes_under_any_path_and_a_bad_one_names_its_own() -> None:
    check_iri("http://adlnet.gov/expapi/verbs/completed", "verb.id")
    assert check_iri("http://adlnet.gov/expapi/verbs/completed", "context.x") == (
        "http://adlnet.gov/expapi/verbs/completed"
    )
    with pytest.raises(StatementInvalid) as refused:
        check_iri("completed", "context.contextActivities.parent[0].id")
    assert refused.value.path == "context.contextActivities.parent[0].id"


def test_language_tags_are_remembered_only_when_good() -> None:
    check_language_map({"en-US": "completed"}, "verb.display")
    check_language_tag("en-US", "context.language")
    with pytest.raises(StatementInvalid):
        check_language_map({"en-US": "ok", "not a tag!": "x"}, "verb.display")
    with pytest.raises(StatementInvalid):
        check_language_map({"en-US": 3}, "verb.display")  # a known tag, a value not a string
    with pytest.raises(StatementInvalid):
        check_language_tag("not a tag!", "context.language")


def test_what_is_remembered_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "KNOWN_LIMIT", 10)
    for i in range(35):
        check_iri(f"https://bounded.example.com/{i}", "object.id")
    assert len(values._known_iris) <= 10

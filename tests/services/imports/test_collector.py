"""The cycle collector is paused during an import and resumes exactly as it was."""

from __future__ import annotations

import gc

import pytest

from lodestar.services.imports.collector import collection_paused


@pytest.fixture(autouse=True)
def _restore_collector():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_collection_resumes_after_the_last_of_overlapping_pauses() -> None:
    gc.enable()
    outer = collection_paused()
    inner = collection_paused()
    outer.__enter__()
    assert not gc.isenabled()
    inner.__enter__()
    outer.__exit__(None, None, None)  # the first one ends while the other still runs
    assert not gc.isenabled()
    inner.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_failed_import_resumes_collection() -> None:
    gc.enable()
    with pytest.raises(ValueError), collection_paused():
        raise ValueError("the file was refused")
    assert gc.isenabled()


def test_collection_switched_off_by_the_host_stays_off() -> None:
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_an_import_runs_with_collection_paused(db, actors, monkeypatch) -> None:
    from lodestar.services.imports import xapi

    seen = []
    real = xapi._import

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(xapi, "_import", spy)
    gc.enable()
    line = (
        '{"id": "6b2f63a2-1d83-4b41-9d2c-2d1f4c0e2a57", "actor": {"mbox": '
        '"mailto:a@example.com"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}, '
        '"object": {"id": "https://lms.example.com/a"}, "timestamp": "2026-03-01T10:00:00Z"}'
    )
    report = xapi.import_statements(db, actors["admin"], line.encode(), "one.jsonl")
    assert report.added == 1
    assert seen == [False]
    assert gc.isenabled()

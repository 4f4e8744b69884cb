"""The reference file itself: every entry says where its values come from, how close a result
must be, which tests use it, and (for computed values) the script that produced them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.reference import REFERENCES, SCRIPTS

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {"title", "data", "compute", "kind", "source", "values", "tolerance", "tests"}


@pytest.mark.parametrize("key", sorted(REFERENCES))
def test_each_reference_is_sourced_and_used(key: str) -> None:
    entry = REFERENCES[key]
    assert set(entry) >= FIELDS, f"{key} lacks {FIELDS - set(entry)}"
    assert entry["kind"] in ("published", "independent")
    assert entry["tolerance"] and all(v >= 0 for v in entry["tolerance"].values())
    if entry["kind"] == "independent":
        assert "script" in entry, f"{key} is computed, so it names the script that computed it"
    if "script" in entry:
        script = SCRIPTS / entry["script"]
        assert script.is_file(), script
        assert f'"{key}"' in script.read_text(encoding="utf-8"), f"{script.name} checks {key}"
    for test in entry["tests"]:
        text = (ROOT / test).read_text(encoding="utf-8")
        assert re.search(rf"""["']{key}["']""", text), f"{test} does not read {key}"


def test_tests_read_only_references_that_exist() -> None:
    used = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        used |= set(re.findall(r"""(?:reference|values|tolerance)\(["'](R\d+)["']""",
                               path.read_text(encoding="utf-8")))  # fmt: skip
    assert used, "the reference tests read their values from tests/reference"
    assert used <= set(REFERENCES), used - set(REFERENCES)
    assert set(REFERENCES) <= used, f"unused references: {set(REFERENCES) - used}"

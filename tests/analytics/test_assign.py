"""The pilot lottery: seeded, balanced within strata, by person or by whole team."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lodestar.analytics.assign import assign
from lodestar.errors import InvalidInput


@pytest.fixture
def people() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 240
    team = np.arange(n) // 8  # 30 teams of 8
    region = np.where(team % 3 == 0, "north", np.where(team % 3 == 1, "south", "east"))
    return pd.DataFrame(
        {
            "person": np.arange(n) + 1000,
            "team": team,
            "region": region,
            "band": rng.choice(["new", "senior"], size=n),
        }
    )


def test_same_seed_same_lottery(people: pd.DataFrame) -> None:
    a = assign(people, id="person", strata=["region", "band"], seed=7)
    b = assign(people, id="person", strata=["region", "band"], seed=7)
    c = assign(people, id="person", strata=["region", "band"], seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["treated"].equals(c["treated"])
    assert list(a["person"]) == list(people["person"])  # input order kept
    assert a.attrs["seed"] == 7


def test_balanced_within_strata(people: pd.DataFrame) -> None:
    table = assign(people, id="person", strata=["region", "band"], share=0.5, seed=1)
    counts = table.groupby(["region", "band"])["treated"].agg(["sum", "size"])
    assert ((counts["sum"] - counts["size"] / 2).abs() <= 0.5 + 1e-9).all()


def test_share_other_than_half(people: pd.DataFrame) -> None:
    table = assign(people, id="person", share=0.25, seed=3)
    assert table["treated"].sum() == 60


def test_whole_teams(people: pd.DataFrame) -> None:
    table = assign(people, id="person", cluster="team", strata=["region"], seed=2)
    assert (table.groupby("team")["treated"].nunique() == 1).all()
    per_region = table.drop_duplicates("team").groupby("region")["treated"].sum()
    assert per_region.tolist() == [5, 5, 5]


def test_expected_share_is_exact_with_odd_strata() -> None:
    frame = pd.DataFrame({"id": range(3), "s": ["a", "a", "a"]})
    shares = [assign(frame, id="id", strata="s", seed=s)["treated"].sum() for s in range(400)]
    assert set(shares) == {1, 2}
    assert np.mean(shares) == pytest.approx(1.5, abs=0.15)


def test_refusals(people: pd.DataFrame) -> None:
    with pytest.raises(InvalidInput, match="strictly between"):
        assign(people, id="person", share=1.0, seed=1)
    with pytest.raises(InvalidInput, match="span several strata"):
        assign(people, id="person", cluster="team", strata=["band"], seed=1)
    with pytest.raises(InvalidInput, match="no column named 'site'"):
        assign(people, id="person", strata=["site"], seed=1)
    with pytest.raises(InvalidInput, match="once"):
        assign(pd.concat([people, people]), id="person", seed=1)

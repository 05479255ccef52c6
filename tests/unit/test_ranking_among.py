"""One ranking function for dashboard and PDF: peers are ranked among themselves (issue 19 item 1)."""
from __future__ import annotations

import pandas as pd

from survey.indices import rank_among, rank_cells


def _all_agencies() -> pd.DataFrame:
    """Commune committees and departments ranked together, as the index service's table ranks every agency."""
    rows = pd.DataFrame({
        "cell": ["dept-a", "committee-1", "dept-b", "committee-2", "dept-c", "dept-small"],
        "index": [100.0, 75.0, 60.0, 50.0, 60.0, 90.0],
        "ci_low": [None] * 6, "ci_high": [None] * 6,
        "suppressed": [False, False, False, False, False, True]})
    return rank_cells(rows)


def test_departments_are_ranked_among_departments_only():
    ranked = _all_agencies()
    assert dict(zip(ranked["cell"], ranked["rank"]))["dept-b"] == 3  # the wide table skips numbers
    among = rank_among(ranked, {"dept-a", "dept-b", "dept-c", "dept-small"})
    ranks = dict(zip(among["cell"], among["rank"].astype(object)))
    # 100 → 1; two departments at 60 share rank 2; the suppressed one is not ranked
    assert ranks == {"dept-a": 1, "dept-b": 2, "dept-c": 2, "dept-small": pd.NA}
    assert list(among["cell"])[:3] == ["dept-a", "dept-b", "dept-c"]


def test_without_a_set_every_row_is_re_ranked():
    ranked = _all_agencies()
    assert list(rank_among(ranked)["rank"].dropna()) == [1, 2, 3, 3, 5]  # 100, 75, 60, 60, 50

"""What to fix first (issue 23) on SQLite and PostgreSQL, on small hand-computed data: items ranked by weight × gap
to the province or the target, the association with the overall question, and the kiosk's low-score reasons."""
from __future__ import annotations


import pytest

from survey.services.access.scope import OPERATOR
from survey.services.improvement.fix_first import fix_first
from survey.services.indices.periods import parse_period
from survey.services.targets.manage import set_target


def test_items_rank_by_weight_times_gap_to_the_province(app, communes):
    a, _b = communes
    got = fix_first(OPERATOR, "22", "SIPAS-2640", parse_period("2026-03"), "commune", a, min_n=5)
    # Province: E1.1 50/80 = 62.5, E3.1 70/80 = 87.5; A: 25 and 75. Weights: E1.1 = 1/5 × 1/4 = .05,
    # E3.1 = 1/5 × 1/6. Scores: .05 × 37.5 = 1.875; 12.5 / 30 = .416667.
    assert [(p.item, p.unit, p.reference, p.gap, p.rank) for p in got.items] == [
        ("E1.1", 25.0, 62.5, 37.5, 1), ("E3.1", 75.0, 87.5, 12.5, 2)]
    assert [p.score for p in got.items] == pytest.approx([1.875, 0.416667], abs=1e-6)
    # Phi with OVERALL: E1.1 (10, 0, 20, 10) → 100 / √(10·30·30·10) = 1/3; E3.1 matches OVERALL exactly → 1.
    assert got.overall == "OVERALL"
    assert [p.association for p in got.items] == pytest.approx([1 / 3, 1.0])
    assert [(r["code"], r["count"]) for r in got.reasons] == [(1, 2), (3, 1)]


def test_the_target_can_be_the_reference(app, communes):
    a, _b = communes
    set_target(OPERATOR, "22", {"level": "commune", "code": a, "year": "2026", "instrument": "SIPAS-2640",
                                "target": "80"})
    got = fix_first(OPERATOR, "22", "SIPAS-2640", parse_period("2026-03"), "commune", a, min_n=5,
                    reference="target")
    # Gaps to 80: E1.1 55 × .05 = 2.75; E3.1 5 / 30 = .166667.
    assert [(p.item, p.gap) for p in got.items] == [("E1.1", 55.0), ("E3.1", 5.0)]
    assert got.reference_value == 80.0


def test_associations_need_enough_respondents(app, communes):
    a, _b = communes
    got = fix_first(OPERATOR, "22", "SIPAS-2640", parse_period("2026-03"), "commune", a, min_n=5)
    assert all(p.association is not None for p in got.items)  # 40 pairs ≥ 30
    small = fix_first(OPERATOR, "22", "SIPAS-2640", parse_period("2026-03"), "commune", a, min_n=50)
    assert small.suppressed and small.items == []  # a suppressed cell shows no item figures

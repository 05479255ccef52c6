"""Design-based estimates (methodology §7) against hand-computed golden values, and against svy."""
from __future__ import annotations

import math

import numpy as np
import pytest

from survey.indices.structure import structure_from_definition
from survey.sampling import estimate_design
from survey.sampling.reference import estimate_cell

STRUCTURE = structure_from_definition({"code": "T", "version": 1, "sections": [
    {"code": "F", "role": "factor", "items": [{"code": "I1", "type": "sat5"}, {"code": "I2", "type": "sat5"}]}]})

# Strata A and B with three PSUs each, C with one (lonely); unequal weights; I1 has two code-9 answers.
#            psu   w  I1 I2
ROWS = [("A", "a1", 2, 5, 4), ("A", "a1", 2, 9, 5), ("A", "a2", 1, 4, 1), ("A", "a3", 3, 2, 5),
        ("B", "b1", 1, 1, 5), ("B", "b2", 2, 5, 2), ("B", "b2", 4, 3, 4), ("B", "b3", 1, 9, 4),
        ("C", "c1", 2, 4, 3)]
STRATUM = np.array([r[0] for r in ROWS])
PSU = np.array([r[1] for r in ROWS])
W = np.array([r[2] for r in ROWS], float)
CODES = np.array([[r[3], r[4]] for r in ROWS])


def _var(z_by_stratum: dict[str, list[float]], centre: float = 0.0) -> float:
    """§7's variance written out: n_h/(n_h−1) Σ (z − z̄_h)², a lonely stratum around `centre`."""
    total = 0.0
    for z in z_by_stratum.values():
        if len(z) == 1:
            total += (z[0] - centre) ** 2
        else:
            mean = sum(z) / len(z)
            total += len(z) / (len(z) - 1) * sum((v - mean) ** 2 for v in z)
    return total


def _fig(result, cell: str, code: str) -> dict:
    f = result.figures
    return f[(f["cell"] == cell) & (f["code"] == code)].iloc[0].to_dict()


def test_item_with_code_9_and_lonely_stratum_matches_hand_computation():
    # I1: X̂ = 15 (code 9 excluded), Ŷ = 7; z_v = Σ w (y − 7/15 x) / 15 in units of 1/225:
    # a1 16, a2 8, a3 −21 | b1 −7, b2 −12, b3 0 | c1 16 (lonely; the PSU totals' mean is 0).
    got = _fig(estimate_design(CODES, STRUCTURE, STRATUM, PSU, W, min_n=1), "ALL", "I1")
    var = (1137 + 109 + 256) / 225 ** 2  # A: z̄ = 1, 3/2·(15² + 7² + 22²); B: 3/2·654/9 = 109; C: 16²
    assert got["estimate"] == pytest.approx(700 / 15, abs=1e-9)
    assert got["se"] == pytest.approx(100 * math.sqrt(var), abs=1e-9)
    assert got["n"] == 7
    # deff against SRS of the same n: p̂(1−p̂)·(Ŵ/X̂)/n = (56/225)/7 with Ŵ = X̂ = 15.
    assert got["deff"] == pytest.approx(var / (8 / 225), abs=1e-9)
    se = 100 * math.sqrt(var)
    assert got["ci_low"] == pytest.approx(700 / 15 - 1.959963984540054 * se, abs=1e-9)
    assert got["mean"] == pytest.approx((2 * 5 + 4 + 3 * 2 + 1 + 2 * 5 + 4 * 3 + 2 * 4) / 15, abs=1e-9)


def test_factor_is_the_linear_combination_of_its_items():
    # I2: X̂ = 18, Ŷ = 13; z_v in units of 1/324: a1 20, a2 −13, a3 15 | b1 5, b2 −6, b3 5 | c1 −26.
    got = _fig(estimate_design(CODES, STRUCTURE, STRATUM, PSU, W, min_n=1), "ALL", "F")
    z1 = {"A": [16 / 225, 8 / 225, -21 / 225], "B": [-7 / 225, -12 / 225, 0.0], "C": [16 / 225]}
    z2 = {"A": [20 / 324, -13 / 324, 15 / 324], "B": [5 / 324, -6 / 324, 5 / 324], "C": [-26 / 324]}
    zf = {h: [(a + b) / 2 for a, b in zip(z1[h], z2[h])] for h in z1}
    assert got["estimate"] == pytest.approx(100 * (7 / 15 + 13 / 18) / 2, abs=1e-9)
    assert got["se"] == pytest.approx(100 * math.sqrt(_var(zf)), abs=1e-9)
    overall = _fig(estimate_design(CODES, STRUCTURE, STRATUM, PSU, W, min_n=1), "ALL", "OVERALL")
    assert overall["estimate"] == pytest.approx(got["estimate"], abs=1e-9)  # one factor: the index is F


def test_domain_uses_the_whole_design():
    # Domain = stratum B: X̂ = 7, Ŷ = 2; z: b1 −2/49, b2 2/49, b3 0; other strata contribute 0.
    got = _fig(estimate_design(CODES, STRUCTURE, STRATUM, PSU, W, cell=STRATUM, min_n=1), "B", "I1")
    assert got["estimate"] == pytest.approx(200 / 7, abs=1e-9)
    assert got["se"] == pytest.approx(100 * math.sqrt(12) / 49, abs=1e-9)
    assert got["n"] == 3


def test_no_respondents_gives_no_cells():
    result = estimate_design(CODES[:0], STRUCTURE, STRATUM[:0], PSU[:0], W[:0], min_n=1)
    assert result.cells.empty and result.figures.empty


def test_small_cells_are_suppressed():
    result = estimate_design(CODES, STRUCTURE, STRATUM, PSU, W, cell=STRATUM, min_n=2)
    cells = result.cells.set_index("cell")
    assert cells.loc["A", "n"] == 4 and not cells.loc["A", "suppressed"]
    assert cells.loc["C", "n"] == 1 and cells.loc["C", "suppressed"]
    assert math.isnan(_fig(result, "C", "OVERALL")["estimate"])
    assert not math.isnan(_fig(result, "A", "OVERALL")["estimate"])


def test_item_without_valid_answers_leaves_the_factor_on_the_other_item():
    codes = CODES.copy()
    codes[STRATUM == "B", 0] = 9
    got = estimate_design(codes, STRUCTURE, STRATUM, PSU, W, cell=STRATUM, min_n=1)
    assert math.isnan(_fig(got, "B", "I1")["estimate"])
    assert _fig(got, "B", "F")["estimate"] == pytest.approx(_fig(got, "B", "I2")["estimate"], abs=1e-12)


def _random_design(seed: int, n: int = 400, lonely: bool = True):
    rng = np.random.default_rng(seed)
    stratum = rng.integers(0, 6, n).astype(str)
    psu = np.array([f"{h}-{0 if (lonely and h == '5') else rng.integers(0, 4)}" for h in stratum])
    return stratum, psu, rng.uniform(0.5, 6, n), rng.choice([0, 1, 2, 3, 4, 5, 9], size=(n, 2)), \
        rng.integers(1, 3, n).astype(str)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_equals_the_literal_formulas(seed):
    stratum, psu, w, codes, sex = _random_design(seed)
    for cells in (None, stratum, sex):
        result = estimate_design(codes, STRUCTURE, stratum, psu, w, cell=cells, min_n=1)
        for rec in result.figures.to_dict("records"):
            inside = np.ones(len(w), bool) if cells is None else (cells == rec["cell"])
            est, se = estimate_cell(codes, STRUCTURE, rec["code"], stratum, psu, w, inside)
            assert rec["estimate"] == pytest.approx(est, abs=1e-9, nan_ok=True)
            assert rec["se"] == pytest.approx(se, abs=1e-9, nan_ok=True)


@pytest.mark.parametrize("seed", [4, 5])
def test_items_agree_with_svy(seed):
    """svy (R survey's estimators; singleton "center" = lonely.psu "adjust") gives the same ratio and se."""
    pl = pytest.importorskip("polars")
    svy = pytest.importorskip("svy")
    stratum, psu, w, codes, sex = _random_design(seed)
    x = ((codes[:, 0] >= 1) & (codes[:, 0] <= 5)).astype(float)
    y = ((codes[:, 0] >= 4) & (codes[:, 0] <= 5)).astype(float)
    sample = svy.Sample(pl.DataFrame({"h": stratum, "v": psu, "w": w, "y": y, "x": x, "sex": sex}),
                        svy.Design(stratum="h", psu="v", wgt="w", wr=True, singleton="center"))
    theirs = {str(r["by_level"][0]): r for r in sample.estimation.ratio("y", "x", by="sex").to_dicts()}
    ours = estimate_design(codes, STRUCTURE, stratum, psu, w, cell=sex, min_n=1)
    for cell in ("1", "2"):
        mine = _fig(ours, cell, "I1")
        assert mine["estimate"] == pytest.approx(100 * theirs[cell]["est"], abs=1e-9)
        assert mine["se"] == pytest.approx(100 * theirs[cell]["se"], abs=1e-9)

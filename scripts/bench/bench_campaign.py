"""P6: campaign estimates of the Ministry's 2024 size, vectorised against one estimator call per cell.

Usage: .venv/bin/python scripts/bench/bench_campaign.py [--communes 400] [--villages 1300] [--respondents 40000]
       [--runs 5] [--naive-cells 300 | --naive-all]
A synthetic SIPAS-1001 v1 campaign (items read from survey/instruments/data, A2 routed on X.4, A2.5 on X.5,
some code-9 answers, unequal weights, a few one-village communes); every item, factor, area and the index with
standard errors by commune and for the province. The naive way (survey.sampling.reference.estimate_cell, one call
per commune × figure) is timed on a random sample of cells and scaled to all of them unless --naive-all.
Target: ≤ 2 s for the vectorised estimates (median of --runs).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from survey.indices.structure import structure_from_definition  # noqa: E402
from survey.sampling import estimate_design  # noqa: E402
from survey.sampling.linear import estimands_of  # noqa: E402
from survey.sampling.reference import estimate_cell  # noqa: E402


def synthetic(communes: int, villages: int, respondents: int, seed: int = 2024):
    """Codes, strata, PSUs and weights of a campaign like the Ministry's 2024 survey."""
    defn = json.loads((ROOT / "survey/instruments/data/SIPAS-1001.json").read_text(encoding="utf-8"))
    structure = structure_from_definition(defn)
    rng = np.random.default_rng(seed)
    # Every commune gets at least one village; 2% stay at one (lonely PSU strata), the rest share the others.
    per = np.ones(communes, int)
    spread = rng.choice(np.arange(int(communes * 0.02), communes), size=villages - communes)
    np.add.at(per, spread, 1)
    village_stratum = np.repeat(np.arange(communes), per)
    psu = rng.integers(0, villages, respondents)
    psu[:villages] = np.arange(villages)  # every village answers
    stratum = np.array([f"{22000 + h:05d}" for h in range(communes)], dtype=object)[village_stratum[psu]]
    weight = rng.uniform(20, 400, villages)[psu] * rng.uniform(0.8, 1.25, respondents)
    items = list(structure.item_weights)
    codes = rng.choice([1, 2, 3, 4, 5, 9], p=[0.04, 0.08, 0.18, 0.45, 0.23, 0.02], size=(respondents, len(items)))
    asked_a2 = rng.random(respondents) < 0.6
    asked_a25 = asked_a2 & (rng.random(respondents) < 0.25)
    for j, code in enumerate(items):
        if code.startswith("A2.5"):
            codes[~asked_a25, j] = 0
        elif code.startswith("A2"):
            codes[~asked_a2, j] = 0
    return structure, codes, stratum, psu.astype(str), weight


def vectorised(structure, codes, stratum, psu, weight):
    """Every figure by commune and for the province: two calls."""
    estimate_design(codes, structure, stratum, psu, weight, cell=stratum)
    estimate_design(codes, structure, stratum, psu, weight)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=400)
    parser.add_argument("--villages", type=int, default=1300)
    parser.add_argument("--respondents", type=int, default=40000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-cells", type=int, default=300)
    parser.add_argument("--naive-all", action="store_true")
    args = parser.parse_args()
    structure, codes, stratum, psu, weight = synthetic(args.communes, args.villages, args.respondents)
    codes_of = estimands_of(structure).codes
    print(f"campaign: {args.communes} communes, {args.villages} villages, {args.respondents} questionnaires, "
          f"{len(structure.item_weights)} items, {len(codes_of)} figures per cell")
    vectorised(structure, codes, stratum, psu, weight)  # warm-up
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        vectorised(structure, codes, stratum, psu, weight)
        times.append(time.perf_counter() - start)
    fast = statistics.median(times)

    communes = np.unique(stratum)
    cells = [(c, f) for c in communes for f in codes_of] + [(None, f) for f in codes_of]
    rng = np.random.default_rng(1)
    sample = cells if args.naive_all else [cells[i] for i in rng.choice(len(cells), args.naive_cells, replace=False)]
    start = time.perf_counter()
    everyone = np.ones(len(weight), bool)
    for commune, figure in sample:
        estimate_cell(codes, structure, figure, stratum, psu, weight, everyone if commune is None
                      else stratum == commune)
    naive = (time.perf_counter() - start) / len(sample) * len(cells)
    label = "measured" if args.naive_all else f"scaled from {len(sample)} cells"
    print(f"vectorised (every figure, by commune + province): {fast:8.3f} s  (median of {args.runs}; "
          f"target ≤ 2 s: {'met' if fast <= 2 else 'MISSED'})")
    print(f"naive, one estimator call per cell ({len(cells)} cells, {label}): {naive:8.1f} s")
    print(f"ratio naive / vectorised: {naive / fast:8.0f}×")


if __name__ == "__main__":
    main()

"""What to fix first (issue 23), pure Python: each item's weight in the index, its gap to a reference, and its
association with the overall (or general) question.

- Weight: the item's effective share of the overall index under the structure's weights: at each level its
  weight divided by the weights of its siblings (items and sub-factors of its factor; factors of its aspect;
  measured aspects of the index), multiplied down the path. The weights of all items sum to 1.
- Gap: reference − unit, in percentage points of the item's share satisfied (top-2 box); the reference is the
  province's figure for the item, or the unit's target.
- Score = weight × gap: the index points the unit would gain if the item reached the reference, the rest
  unchanged (exact when every part of the index has data, since the index is then Σ weight × item figure).
  Items are ranked by score, largest first.
- Association: the phi coefficient (Pearson's r of two 0/1 variables) between "item answered 4 or 5" and
  "overall question answered 4 or 5", over respondents with valid answers (1–5) to both; reported only from
  `min_pairs` such respondents on. A description of who is satisfied together, not a causal effect.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from survey.indices.structure import Structure

MIN_PAIRS = 30


def effective_weights(structure: Structure) -> dict[str, float]:
    """Item code → its share of the overall index (sums to 1 over the measured items)."""
    measured = set(structure.measured)
    out: dict[str, float] = {}

    def visit(code: str, share: float) -> None:
        comp = structure.components[code]
        children = [c for c in comp.children if c in measured]
        parts = [(i, structure.item_weights[i]) for i in comp.items] + \
                [(c, structure.components[c].weight) for c in children]
        total = sum(w for _, w in parts)
        for name, weight in parts:
            if name in structure.components:
                visit(name, share * weight / total)
            else:
                out[name] = out.get(name, 0.0) + share * weight / total

    tops = [c for c in structure.top if c in measured]
    total = sum(structure.components[c].weight for c in tops)
    for code in tops:
        visit(code, structure.components[code].weight / total)
    return out


def phi(n11: int, n10: int, n01: int, n00: int, min_pairs: int = MIN_PAIRS) -> float | None:
    """Phi of a 2×2 table (item top-2 yes/no × overall top-2 yes/no); None below min_pairs or without variation."""
    n = n11 + n10 + n01 + n00
    den = (n11 + n10) * (n01 + n00) * (n11 + n01) * (n10 + n00)
    if n < min_pairs or den == 0:
        return None
    return (n11 * n00 - n10 * n01) / math.sqrt(den)


@dataclass(frozen=True)
class Priority:
    """One item's place in the list: weight, figures, gap, score, rank and association."""

    item: str
    weight: float
    unit: float
    reference: float
    gap: float
    score: float
    rank: int
    association: float | None = None


def rank_items(rows: Iterable[tuple[str, float, float | None, float | None]],
               associations: dict[str, float | None] | None = None) -> list[Priority]:
    """(item, weight, unit pct, reference pct) → Priorities ranked by weight × gap (items lacking a figure are left
    out); equal scores (to 4 decimals) share the lower rank."""
    scored = []
    for item, weight, unit, reference in rows:
        if unit is None or reference is None:
            continue
        gap = reference - unit
        scored.append((item, weight, unit, reference, gap, weight * gap))
    scored.sort(key=lambda r: (-round(r[5], 4), r[0]))
    out: list[Priority] = []
    for position, (item, weight, unit, reference, gap, score) in enumerate(scored, start=1):
        tie = out and round(out[-1].score, 4) == round(score, 4)
        rank = out[-1].rank if tie else position
        out.append(Priority(item, weight, unit, reference, gap, score, rank, (associations or {}).get(item)))
    return out

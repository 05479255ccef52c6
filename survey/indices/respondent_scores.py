"""Respondent-level component scores (share of valid items in the top box; one-stop total points) and their sums."""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey.indices.frames import require
from survey.indices.structure import OVERALL, Structure

ONESTOP_TOTAL = "TOTAL"  # component of the total points of a one-stop evaluation
ANSWERED = "answered:"  # prefix of a component counting the respondents who answered a multi-select item
POINTS_TYPES = frozenset({"pts2"})
SAT_VALID, SAT_TOP, POINTS_VALID = (1, 5), 4, (0, 2)  # inclusive code ranges and the lowest top-box code


@dataclass(frozen=True)
class Scorer:
    """What scores one instrument version produces: components, and which items feed each."""

    components: tuple[str, ...]  # measured components, then OVERALL; or TOTAL for points instruments
    membership: dict[Hashable, tuple[int, ...]]  # satisfaction item key → positions in `components`
    points_items: frozenset[Hashable]  # items whose code is a number of points
    # multi-select assessment item key → its "answered:<code>" component: a share of respondents needs them as
    # denominator, and code counts alone cannot tell how many people ticked at least one box.
    answered: dict[Hashable, str] = field(default_factory=dict)


def scorer_for(structure: Structure, item_keys: Mapping[str, Hashable] | None = None) -> Scorer:
    """The scorer of a structure; `item_keys` renames item codes to the keys answers will carry (e.g. ids)."""
    key = (lambda code: item_keys[code]) if item_keys is not None else (lambda code: code)
    share = [c for c in structure.measured] + ([OVERALL] if structure.measured else [])
    membership: dict[Hashable, list[int]] = {}
    for pos, comp in enumerate(share):
        for item in structure.scored_items_under(comp):
            if item_keys is None or item in item_keys:
                membership.setdefault(key(item), []).append(pos)
    points = [c for c in structure.items_of_type(*POINTS_TYPES) if item_keys is None or c in item_keys]
    answered = {key(c): ANSWERED + c for c in structure.assessment
                if structure.item_types.get(c) == "multi" and (item_keys is None or c in item_keys)}
    components = tuple(share) + ((ONESTOP_TOTAL,) if points else ()) + tuple(answered.values())
    return Scorer(components, {k: tuple(v) for k, v in membership.items()}, frozenset(key(c) for c in points),
                  answered)


def score_response(scorer: Scorer, answers: Iterable[tuple[Hashable, int]]) -> dict[str, float]:
    """One respondent's scores from (item, code) pairs: component → score, only where they answered validly."""
    valid = [0] * len(scorer.components)
    top = [0] * len(scorer.components)
    points, scored = 0, False
    ticked: set[str] = set()
    for item, code in answers:
        if item in scorer.answered:
            ticked.add(scorer.answered[item])
        elif item in scorer.points_items and POINTS_VALID[0] <= code <= POINTS_VALID[1]:
            points, scored = points + code, True
        elif SAT_VALID[0] <= code <= SAT_VALID[1]:
            for pos in scorer.membership.get(item, ()):
                valid[pos] += 1
                top[pos] += code >= SAT_TOP
    out = {scorer.components[p]: top[p] / valid[p] for p in range(len(valid)) if valid[p]}
    if scored:
        out[ONESTOP_TOTAL] = float(points)
    out.update({comp: 1.0 for comp in ticked})
    return out


def respondent_scores(scorer: Scorer, answers: pd.DataFrame) -> pd.DataFrame:
    """Scores of many respondents at once, the same rule as `score_response`.

    Input `answers`: [respondent, item, code] (item = the scorer's item keys). Output: [respondent, component,
    score], one row per respondent × component in which they gave at least one valid answer.
    """
    require(answers, ("respondent", "item", "code"), "answers")
    resp_codes, respondents = pd.factorize(answers["respondent"])
    code = answers["code"].to_numpy()
    keys = list(scorer.membership)
    at = pd.Index(keys, dtype=object, tupleize_cols=False).get_indexer(answers["item"].astype(object)) \
        if keys else np.full(len(answers), -1)
    sat = (at >= 0) & (code >= SAT_VALID[0]) & (code <= SAT_VALID[1])
    member = np.zeros((len(keys) + 1, len(scorer.components)), bool)  # last row: items outside every component
    for row, key in enumerate(keys):
        member[row, list(scorer.membership[key])] = True
    frames = []
    for pos, comp in enumerate(scorer.components):
        if comp == ONESTOP_TOTAL or comp.startswith(ANSWERED):
            continue
        inside = sat & member[at, pos]
        n_valid = np.bincount(resp_codes[inside], minlength=len(respondents))
        n_top = np.bincount(resp_codes[inside & (code >= SAT_TOP)], minlength=len(respondents))
        who = np.flatnonzero(n_valid)
        frames.append(pd.DataFrame({"respondent": respondents[who], "component": comp,
                                    "score": n_top[who] / n_valid[who]}))
    if scorer.points_items:
        scored = answers["item"].isin(list(scorer.points_items)).to_numpy() & \
            (code >= POINTS_VALID[0]) & (code <= POINTS_VALID[1])
        total = np.bincount(resp_codes[scored], weights=code[scored], minlength=len(respondents))
        who = np.flatnonzero(np.bincount(resp_codes[scored], minlength=len(respondents)))
        frames.append(pd.DataFrame({"respondent": respondents[who], "component": ONESTOP_TOTAL,
                                    "score": total[who].astype(float)}))
    for key, comp in scorer.answered.items():
        who = np.unique(resp_codes[(answers["item"] == key).to_numpy()])
        frames.append(pd.DataFrame({"respondent": respondents[who], "component": comp, "score": 1.0}))
    if not frames:
        return pd.DataFrame({"respondent": [], "component": [], "score": []})
    return pd.concat(frames, ignore_index=True)


def score_sums(scores: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Sums per cell for composite intervals.

    Input `scores`: [respondent, component, score]; `cells`: [respondent, cell]. Output: [cell, component, n, sum,
    sumsq] (n = respondents scored in the component).
    """
    require(scores, ("respondent", "component", "score"), "respondent scores")
    require(cells, ("respondent", "cell"), "respondent cells")
    both = scores.merge(cells[["respondent", "cell"]], on="respondent")
    both["sq"] = both["score"] ** 2
    out = both.groupby(["cell", "component"], sort=False, dropna=False).agg(
        n=("score", "size"), sum=("score", "sum"), sumsq=("sq", "sum"))
    return out.reset_index()

"""Factor/element, aspect and overall values as weighted means of the level below, skipping parts without data."""
from __future__ import annotations

import numpy as np
import pandas as pd

from survey.indices.frames import cell_order, positions, require
from survey.indices.structure import Structure


def _weighted_mean(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise Σw·x / Σw over the non-NaN entries; NaN where a row has none."""
    have = ~np.isnan(values)
    den = (have * weights).sum(axis=1)
    num = np.where(have, values, 0.0) @ weights
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, np.nan)


def component_values(items: pd.DataFrame, structure: Structure, cells: list[object] | None = None) -> pd.DataFrame:
    """Component values from item percentages, by the structure's scoring method.

    Input `items`: [cell, item, n_valid, pct] (extra columns ignored); an item counts only where n_valid > 0.
    Output: [cell, component, pct], one row per cell × component of `structure` (definition order). Items methods:
    a factor's pct is the weighted mean of its items' pct and of its sub-factors. General method
    (sipas-default-2-general): a factor without sub-factors takes its general question's pct. Either way an
    aspect's pct is the weighted mean of its factors; parts without data are skipped and pct is NaN when none has
    data. General questions never enter an item mean. `cells` fixes the row order.
    """
    require(items, ("cell", "item", "n_valid", "pct"), "item figures")
    cells = cells if cells is not None else cell_order(items)
    item_codes = list(structure.item_weights) + [g for g in structure.general.values()
                                                 if g not in structure.item_weights]
    item_col = {code: j for j, code in enumerate(item_codes)}
    rows, cols = positions(items["cell"], cells), positions(items["item"], item_codes)
    use = (items["n_valid"].to_numpy() > 0) & (rows >= 0) & (cols >= 0)
    matrix = np.full((len(cells), len(item_codes)), np.nan)
    matrix[rows[use], cols[use]] = items["pct"].to_numpy(dtype=float)[use]

    value: dict[str, np.ndarray] = {}
    for code in structure.bottom_up():
        comp = structure.components[code]
        if structure.by_general and not comp.children:
            general = structure.general.get(code)
            value[code] = matrix[:, item_col[general]] if general else np.full(len(cells), np.nan)
            continue
        own = [] if structure.by_general else list(comp.items)
        parts = [matrix[:, item_col[i]] for i in own] + [value[c] for c in comp.children]
        weights = [structure.item_weights[i] for i in own] + [structure.components[c].weight for c in comp.children]
        value[code] = _weighted_mean(np.column_stack(parts), np.array(weights)) if parts \
            else np.full(len(cells), np.nan)
    codes = list(structure.components)
    return pd.DataFrame({
        "cell": pd.Series(cells, dtype=object).repeat(len(codes)).to_numpy(),
        "component": codes * len(cells),
        "pct": np.column_stack([value[c] for c in codes]).ravel() if codes else np.empty(0),
    })


def overall_index(components: pd.DataFrame, structure: Structure) -> pd.DataFrame:
    """Overall index per cell from component values.

    Input `components`: [cell, component, pct] as from `component_values`. Output: [cell, index, incomplete]:
    index is the weighted mean of the measured top components (aspects; elements for a flat instrument) with data;
    incomplete is True when any measured component (factor or aspect) has no data in the cell. Components with no
    items in the instrument (an aspect not yet configured) are not measured and never make a cell incomplete.
    """
    require(components, ("cell", "component", "pct"), "component values")
    cells = cell_order(components)
    codes = list(structure.components)
    col = {code: j for j, code in enumerate(codes)}
    rows, cols = positions(components["cell"], cells), positions(components["component"], codes)
    use = cols >= 0
    wide = np.full((len(cells), len(codes)), np.nan)
    wide[rows[use], cols[use]] = components["pct"].to_numpy(dtype=float)[use]
    measured = [col[c] for c in structure.measured]
    top = [c for c in structure.top if c in structure.measured]
    weights = np.array([structure.components[c].weight for c in top])
    index = _weighted_mean(wide[:, [col[c] for c in top]], weights) if top else np.full(len(cells), np.nan)
    incomplete = np.isnan(wide[:, measured]).any(axis=1) if measured else np.zeros(len(cells), bool)
    return pd.DataFrame({"cell": pd.Series(cells, dtype=object), "index": index, "incomplete": incomplete})

"""Whether a figure differs from its parent's (the province) or from the previous period's, at 95%."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from survey.indices.frames import require
from survey.indices.intervals import Z95

ABOVE, BELOW, SAME = "above", "below", "same"


def flags(diff: npt.ArrayLike, var: npt.ArrayLike, z: float = Z95) -> list[str | None]:
    """'above' / 'below' / 'same' for a difference and its variance by |diff| > z·√var; None where unknown."""
    d = np.asarray(diff, dtype=float)
    v = np.asarray(var, dtype=float)
    out: list[str | None] = []
    for di, vi in zip(d, v, strict=True):
        if np.isnan(di) or np.isnan(vi):
            out.append(None)
        elif vi <= 0:
            out.append(SAME if di == 0 else (ABOVE if di > 0 else BELOW))
        else:
            zi = di / np.sqrt(vi)
            out.append(ABOVE if zi > z else BELOW if zi < -z else SAME)
    return out


def _number(x: object) -> float:
    """A float, NaN for None/NA."""
    return float("nan") if x is None or pd.isna(x) else float(x)  # type: ignore[arg-type]


def against_parent(rows: pd.DataFrame, parent: Mapping[str, object], value: str = "index",
                   z: float = Z95) -> pd.DataFrame:
    """Compare units with the parent that contains them.

    Input `rows`: [cell, n, <value>, se]; `parent`: {n, <value>, se} for the parent cell. Output: [cell, diff, flag]
    with diff = unit − parent. The unit's respondents are part of the parent's, so
    Var(unit − parent) = se_u² + se_p² − 2·(n_u / n_p)·se_u²; flag is None where a figure is missing.
    """
    require(rows, ("cell", "n", value, "se"), "unit figures")
    n_p, v_p, se_p = (_number(parent.get(k)) for k in ("n", value, "se"))
    se_u = rows["se"].astype(float).to_numpy()
    share = np.clip(rows["n"].astype(float).to_numpy() / n_p, 0, 1) if n_p > 0 else np.full(len(rows), np.nan)
    diff = rows[value].astype(float).to_numpy() - v_p
    var = se_u ** 2 + se_p ** 2 - 2 * share * se_u ** 2
    flag = pd.Series(flags(diff, var, z), dtype=object)  # object keeps None; a str column would turn it into NaN
    return pd.DataFrame({"cell": rows["cell"].to_numpy(), "diff": diff, "flag": flag})


def against_previous(rows: pd.DataFrame, previous: pd.DataFrame, value: str = "index", z: float = Z95) -> pd.DataFrame:
    """Compare each cell with the same cell in the previous period (independent samples).

    Input `rows` and `previous`: [cell, <value>, se]. Output: [cell, previous, diff, trend] in the rows of `rows`,
    diff = now − previous, Var = se_now² + se_prev²; trend is None where either figure is missing.
    """
    require(rows, ("cell", value, "se"), "current figures")
    require(previous, ("cell", value, "se"), "previous figures")
    both = rows[["cell", value, "se"]].merge(previous[["cell", value, "se"]], on="cell", how="left",
                                             suffixes=("", "_prev"))
    diff = both[value].astype(float) - both[f"{value}_prev"].astype(float)
    var = both["se"].astype(float) ** 2 + both["se_prev"].astype(float) ** 2
    return pd.DataFrame({"cell": both["cell"].to_numpy(), "previous": both[f"{value}_prev"].astype(float).to_numpy(),
                         "diff": diff.to_numpy(), "trend": pd.Series(flags(diff, var, z), dtype=object)})

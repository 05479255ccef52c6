"""From raw breakdown keys (unit ids, agency ids, channels, profile codes) to the cells of a table, with labels;
legacy units are re-based onto today's units through the crosswalk (approximate)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select

from survey.extensions import db
from survey.models import Agency, ServicePoint, Unit, UnitSuccession
from survey.models.responses import PROFILE_FIELDS
from survey.models.units import LEGACY_VINTAGE

UNIT_LEVELS = ("province", "commune", "district")
BY_COLUMN = {"province": "unit_id", "commune": "unit_id", "district": "unit_id", "agency": "agency_id",
             "service_point": "service_point_id", "channel": "channel", "procedure": "procedure_code",
             "field": "field_code", **{field: field for field in PROFILE_FIELDS}}
NOT_RECORDED = ""  # cell of responses without a value for the breakdown (no procedure, sex not given…)
CHANNEL_NAMES = {"kiosk": ("Ki-ốt", "Kiosk"), "online": ("Trực tuyến", "Online"),
                 "paper": ("Phiếu giấy", "Paper"), "interview": ("Phỏng vấn", "Interview")}
NOT_RECORDED_NAME = ("(không ghi nhận)", "(not recorded)")


@dataclass(frozen=True)
class Cells:
    """How keys become cells: mapping [key, cell, weight]; labels cell → (unit_code, unit_name, level)."""

    mapping: pd.DataFrame
    labels: dict[Any, tuple[str | None, str, str]]
    approximate: bool  # some legacy data was re-based onto today's units


def cells_for(by: str, keys: Iterable[Any], allowed_units: frozenset[int] | None, definition: dict,
              lang: str = "vi") -> Cells:
    """The cells of a breakdown for the keys seen in the counts."""
    keys = list(keys)
    if by in UNIT_LEVELS:
        return _unit_cells(by, [int(k) for k in keys if k is not None], allowed_units)
    pick = 0 if lang == "vi" else 1
    labels: dict[Any, tuple[str | None, str, str]] = {}
    if by == "agency":
        rows = db.session.execute(select(Agency.id, Agency.code, Agency.name).where(Agency.id.in_(keys))).all()
        cell_of = {r.id: r.code for r in rows}
        labels = {r.code: (r.code, r.name, "agency") for r in rows}
    elif by == "service_point":
        rows = db.session.execute(select(ServicePoint.id, ServicePoint.code, ServicePoint.name)
                                  .where(ServicePoint.id.in_(keys))).all()
        cell_of = {r.id: r.code for r in rows}
        labels = {r.code: (r.code, r.name, "service_point") for r in rows}
    else:
        names = choice_names(definition, by, pick) if by in PROFILE_FIELDS else {}
        cell_of = {k: NOT_RECORDED if k is None else str(k) for k in keys}
        for key, cell in cell_of.items():
            if cell == NOT_RECORDED:
                labels[cell] = (None, NOT_RECORDED_NAME[pick], by)
            elif by == "channel":
                labels[cell] = (cell, CHANNEL_NAMES.get(cell, (cell, cell))[pick], by)
            else:
                labels[cell] = (cell, names.get(str(key), cell), by)
    return Cells(_mapping(list(cell_of), list(cell_of.values()), [1.0] * len(cell_of)), labels, False)


def _mapping(keys: list, cells: list, weights: list[float]) -> pd.DataFrame:
    """[key, cell, weight] with stable dtypes, even when empty."""
    return pd.DataFrame({"key": pd.Series(keys, dtype=object), "cell": pd.Series(cells, dtype=object),
                         "weight": pd.Series(weights, dtype=float)})


def to_cells(frame: pd.DataFrame, mapping: pd.DataFrame, weighed: list[str]) -> pd.DataFrame:
    """`frame`'s rows with their key's cell (rows of unmapped keys dropped), `weighed` columns times the key's
    crosswalk share; a key shared between cells gives one row per cell."""
    if mapping["key"].is_unique:  # the usual case: a dictionary lookup instead of a merge on object keys
        keys = frame["key"].astype(object)
        cell, weight = dict(zip(mapping["key"], mapping["cell"])), dict(zip(mapping["key"], mapping["weight"]))
        kept = frame[keys.isin(cell.keys()).to_numpy()]
        out = kept.assign(cell=kept["key"].astype(object).map(cell).astype(object))
        shares = out["key"].astype(object).map(weight).to_numpy(dtype=float)
    else:
        out = frame.astype({"key": object}).merge(mapping.astype({"key": object}), on="key")
        shares = out["weight"].to_numpy(dtype=float)
    return out.assign(**{col: out[col].to_numpy(dtype=float) * shares for col in weighed})


def merges_keys(mapping: pd.DataFrame) -> bool:
    """True when some cell gathers several keys (or one key several cells): its rows must be summed."""
    return not (mapping["key"].is_unique and mapping["cell"].is_unique)


def choice_names(definition: dict, code: str, pick: int) -> dict[str, str]:
    """Code → label of a profile item's choices, from the instrument definition."""
    stack = list(definition.get("sections", []))
    while stack:
        section = stack.pop()
        stack += section.get("sections", [])
        for item in section.get("items", []):
            if item.get("code") == code:
                lang = ("vi", "en")[pick]
                return {str(c["code"]): c.get("text", {}).get(lang) or c.get("text", {}).get("vi", str(c["code"]))
                        for c in item.get("choices", [])}
    return {}


def _unit_cells(by: str, keys: list[int], allowed: frozenset[int] | None) -> Cells:
    """Cells of a geographic breakdown; legacy units follow the crosswalk with its shares."""
    units = _units(keys)
    successors = _successors([u for u in keys if units[u].vintage == LEGACY_VINTAGE], units)
    rows: list[tuple[int, Unit, float]] = []
    approximate = False
    for key in keys:
        unit = units[key]
        if by == "district":  # districts exist only in legacy data, shown as they were
            district = unit if unit.level == "district" else units.get(unit.parent_id) if unit.parent_id else None
            if unit.vintage == LEGACY_VINTAGE and district is not None and district.level == "district":
                rows.append((key, district, 1.0))
            continue
        targets = [(unit, 1.0)] if unit.vintage != LEGACY_VINTAGE else successors.get(key, [])
        for target, share in targets:
            if allowed is not None and target.id not in allowed:
                continue
            approximate |= unit.vintage == LEGACY_VINTAGE
            cell = target if by == "commune" or target.level == "province" else units[target.parent_id]
            rows.append((key, cell, share))
    mapping = _mapping([r[0] for r in rows], [r[1].code for r in rows], [r[2] for r in rows])
    labels = {r[1].code: (r[1].code, r[1].name, r[1].level) for r in rows}
    return Cells(mapping, labels, approximate)


def _units(ids: Iterable[int]) -> dict[int, Unit]:
    """The units with these ids and all their ancestors, by id."""
    found: dict[int, Unit] = {}
    wanted = set(ids)
    while wanted:
        for unit in db.session.scalars(select(Unit).where(Unit.id.in_(wanted))):
            found[unit.id] = unit
        wanted = {u.parent_id for u in found.values() if u.parent_id and u.parent_id not in found}
    return found


def _successors(legacy: list[int], units: dict[int, Unit]) -> dict[int, list[tuple[Unit, float]]]:
    """Today's units (with shares) of each legacy unit; a unit without links of its own (a legacy district)
    takes those of its nearest linked ancestor."""
    chain: set[int] = set()
    for unit_id in legacy:
        node: int | None = unit_id
        while node is not None:
            chain.add(node)
            node = units[node].parent_id
    links = db.session.execute(select(UnitSuccession.legacy_unit_id, UnitSuccession.successor_unit_id,
                                      UnitSuccession.share)
                               .where(UnitSuccession.legacy_unit_id.in_(chain))).all() if chain else []
    units.update(_units({new for _, new, _ in links} - set(units)))
    linked: dict[int, list[tuple[Unit, float]]] = {}
    for old, new, share in links:
        linked.setdefault(old, []).append((units[new], share))
    out = {}
    for unit_id in legacy:
        node = unit_id
        while node is not None and node not in linked:
            node = units[node].parent_id
        out[unit_id] = linked.get(node, []) if node is not None else []
    return out

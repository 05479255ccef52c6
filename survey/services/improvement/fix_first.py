"""The "what to fix first" page data of a commune or agency: items ranked by weight × gap to the province (or the
target), each item's association with the overall or general question, P.1–P.10 and the kiosk's low-score reasons."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select

from survey.errors import NotFound
from survey.extensions import db
from survey.indices import priority_index, structure_from_definition
from survey.indices.fix_first import MIN_PAIRS, Priority, effective_weights, phi, rank_items
from survey.models import Agency, Unit
from survey.services.access.scope import Scope
from survey.services.indices.weights import province_unit
from survey.services.organisation.units import descendant_ids
from survey.services.indices import counts as index_counts
from survey.services.indices.compute import compute_indices
from survey.services.indices.packed_answers import layout, unpack
from survey.services.indices.periods import Period
from survey.services.instruments.versions import current_version
from survey.services.targets.manage import INDEX, targets_for

KIOSK = "KIOSK-QUICK"
_VALID, _TOP = 0b111110, 0b110000  # codes 1–5; codes 4 and 5


@dataclass
class FixFirst:
    """Everything the page shows."""

    name: str
    reference: str  # "province" or "target"
    reference_value: float | None  # the target, when it is the reference
    overall: str | None  # the question the association is measured against
    suppressed: bool
    no_data: bool = False
    items: list[Priority] = field(default_factory=list)
    citizen_priorities: list[dict] = field(default_factory=list)  # item, pct, rank
    reasons: list[dict] = field(default_factory=list)  # code, count (kiosk low scores)


def _overall_for(item: str, codes: set[str]) -> str | None:
    """The question an item is compared with: OVERALL, else its area's general question (A2.G)."""
    if "OVERALL" in codes:
        return "OVERALL"
    area = item.split(".")[0] + ".G"
    return area if area in codes else None


def _filters(version_id: int, period: Period, by: str, subject_id: int) -> index_counts.Filters:
    units = frozenset({subject_id}) if by == "commune" else None
    agencies = frozenset({subject_id}) if by == "agency" else None
    return index_counts.Filters(version_id, period, units, agencies)


def _bits(filters: index_counts.Filters) -> np.ndarray:
    where, params = index_counts._where(filters)
    rows = index_counts._run(f"SELECT r.answer_codes FROM responses r WHERE {where}", params)
    return unpack([r[0] for r in rows], len(layout(filters.version_id)))


def associations(bits: np.ndarray, slot_of: dict[str, int], items: list[str], codes: set[str]) -> dict:
    """Item → phi with its overall/general question over respondents valid on both (None below MIN_PAIRS)."""
    out: dict[str, float | None] = {}
    for item in items:
        overall = _overall_for(item, codes)
        if overall is None or item not in slot_of or overall not in slot_of:
            out[item] = None
            continue
        a, b = bits[:, slot_of[item]], bits[:, slot_of[overall]]
        both = ((a & _VALID) != 0) & ((b & _VALID) != 0)
        x, y = (a[both] & _TOP) != 0, (b[both] & _TOP) != 0
        out[item] = phi(int((x & y).sum()), int((x & ~y).sum()), int((~x & y).sum()), int((~x & ~y).sum()),
                        MIN_PAIRS)
    return out


def subject(scope: Scope, province: str, by: str, code: str) -> tuple[int, str]:
    """(id, name) of a commune or agency of the province that the caller sees; NotFound otherwise."""
    inside = set(descendant_ids(province_unit(scope, province)))
    if by == "agency":
        row = db.session.execute(select(Agency.id, Agency.name, Agency.unit_id).where(Agency.code == code)).first()
    else:
        row = db.session.execute(select(Unit.id, Unit.name, Unit.id).where(Unit.code == code, Unit.level == by)).first()
    if row is None or row[2] not in inside or not (scope.sees_agency(row[0]) if by == "agency"
                                                   else scope.sees_unit(row[0])):
        raise NotFound("unknown_unit", f"Unknown {by} {code}", unit=code)
    return row[0], row[1]


def fix_first(scope: Scope, province: str, instrument: str, period: Period, by: str, code: str, min_n: int,
              reference: str = "province", year: int | None = None, lang: str = "vi") -> FixFirst:
    """The ranked items of one commune or agency (within the caller's scope) for a period."""
    subject_id, name = subject(scope, province, by, code)
    mine = compute_indices(instrument, period, by=by, province=province, scope=scope, min_n=min_n, lang=lang)
    row = next((r for r in mine.document["rows"] if r["unit_code"] == code and r["level"] == by), None)
    if row is None:  # no responses in the period: nothing to rank
        return FixFirst(name, reference, None, None, False, no_data=True)
    whole = compute_indices(instrument, period, by="province", province=province, scope=scope, min_n=min_n,
                            lang=lang).document["rows"]
    province_items = next((r["items"] for r in whole if r["level"] == "province"), {})
    version = current_version(instrument)
    structure = structure_from_definition(version.definition)
    target = None
    if reference == "target":
        target = next((t.value for t in targets_for(scope, province, year or period.start.year)
                       if t.code == code and t.instrument == instrument and t.component == INDEX), None)
    result = FixFirst(name, reference, target, None, bool(row["suppressed"]))
    if row["suppressed"]:
        return result  # too few respondents: no item figures to rank, and none to show
    weights = effective_weights(structure)
    codes = set(structure.item_types)
    slot_of = {c: s for s, c in enumerate(_item_codes(version.id))}
    bits = _bits(_filters(version.id, period, by, subject_id))
    assoc = associations(bits, slot_of, list(weights), codes)
    result.overall = next((_overall_for(i, codes) for i in weights if _overall_for(i, codes)), None)
    rows = [(item, weight, (row["items"].get(item) or {}).get("pct"),
             target if reference == "target" else (province_items.get(item) or {}).get("pct"))
            for item, weight in weights.items()]
    result.items = rank_items(rows, assoc)
    result.citizen_priorities = _citizen_priorities(bits, slot_of, structure.item_types)
    result.reasons = _kiosk_reasons(period, by, subject_id)
    return result


def _item_codes(version_id: int) -> list[str]:
    from survey.models import Item

    ids = layout(version_id)
    code_of = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version_id)).all())
    return [code_of[i] for i in ids]


def _code_counts(bits: np.ndarray, slot: int) -> dict[int, int]:
    column = bits[:, slot]
    return {code: int(((column >> code) & 1).sum()) for code in range(10) if ((column >> code) & 1).any()}


def _citizen_priorities(bits: np.ndarray, slot_of: dict[str, int], types: dict[str, str]) -> list[dict]:
    """P.1–P.10: the share answering 2 or 3 ("much", "very much"), ranked (methodology §3)."""
    import pandas as pd

    rows = [("u", item, code, count) for item, kind in types.items() if kind == "prio3" and item in slot_of
            for code, count in _code_counts(bits, slot_of[item]).items()]
    if not rows:
        return []
    table = priority_index(pd.DataFrame(rows, columns=["cell", "item", "code", "count"]))
    return [{"item": r["item"], "pct": None if r["pct"] != r["pct"] else round(float(r["pct"]), 2),
             "rank": None if r["rank"] is pd.NA else int(r["rank"]), "n": int(r["n_valid"])}
            for r in table.to_dict("records")]


def _kiosk_reasons(period: Period, by: str, subject_id: int) -> list[dict]:
    """The kiosk's low-score reasons (R, asked when Q ≤ 2) of the same place and period, most frequent first."""
    try:
        version = current_version(KIOSK)
    except NotFound:
        return []
    codes = _item_codes(version.id)
    if "R" not in codes:
        return []
    bits = _bits(_filters(version.id, period, by, subject_id))
    counts = _code_counts(bits, codes.index("R"))
    labels = _choices(version.definition, "R")
    return sorted(({"code": c, "label": labels.get(str(c), str(c)), "count": n} for c, n in counts.items()),
                  key=lambda r: (-r["count"], r["code"]))


def _choices(definition: dict, code: str) -> dict[str, str]:
    from survey.services.indices.cells import choice_names

    return choice_names(definition, code, 0)

"""Weights of a campaign's completed questionnaires, its design-based estimates document and the analyst export."""
from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sqlalchemy import select, update

from survey.errors import Invalid
from survey.extensions import db
from survey.indices.structure import OVERALL, structure_from_definition
from survey.models import InstrumentVersion, Item, PopulationMargin, Questionnaire, Response, Unit
from survey.models.responses import PROFILE_FIELDS
from survey.sampling import METHOD_VERSION, estimate_design, nonresponse_adjust, poststratify
from survey.services.access.scope import Scope
from survey.services.campaigns.manage import get_campaign
from survey.services.campaigns.progress import outcome_frame, response_rate
from survey.services.indices.packed_answers import CODE_BITS, layout, unpack

BY = ("province", "commune", *PROFILE_FIELDS)
_TOP_BIT = np.array([max(v.bit_length() - 1, 0) for v in range(1 << CODE_BITS)], dtype=np.int16)
DECIMALS = 2


def compute_weights(campaign_id: int, calibrate: bool = False) -> pd.DataFrame:
    """Non-response-adjusted (and, asked, post-stratified) weights of the completed questionnaires.

    The non-response-adjusted weight is stored on each completed questionnaire; calibrated weights are returned
    only (they follow margins that Home Affairs may replace at any time, so a stored copy would go stale).
    """
    frame = outcome_frame(campaign_id)
    weight = nonresponse_adjust(frame["village"].to_numpy(), frame["status"].to_numpy(),
                                frame["base_weight"].to_numpy())
    frame = frame.assign(weight=weight)
    done = frame[frame["status"] == "completed"].copy()
    if len(done):  # one executemany by primary key (a get and an UPDATE per questionnaire took seconds)
        db.session.execute(update(Questionnaire), [{"id": int(q), "weight": float(w)}
                                                   for q, w in zip(done["id"], done["weight"])])
    if calibrate:
        done = _calibrated(campaign_id, done)
    return done


def _calibrated(campaign_id: int, done: pd.DataFrame) -> pd.DataFrame:
    """Post-stratified to the province's sex × age-band margins; Invalid (422) when it has none."""
    from survey.models import Campaign

    province = db.session.get(Campaign, campaign_id).province_id
    margins = {f"{m.sex}-{m.age_band}": float(m.population) for m in db.session.scalars(
        select(PopulationMargin).where(PopulationMargin.unit_id == province))}
    if not any(v > 0 for v in margins.values()):
        message = (f"province {db.session.get(Unit, province).code} has no sex × age band margins to calibrate "
                   "to: upload them (Population weights screen or `survey weights import`) or estimate without "
                   "calibration")
        raise Invalid([{"field": "calibrate", "code": "no_margins", "message": message}], message)
    if not len(done):
        return done.assign(cell=pd.Series([], dtype=object))
    profile = dict(db.session.execute(select(Response.id, Response.sex * 10 + Response.age_band)
                                      .where(Response.id.in_([int(r) for r in done["response_id"]]))).all())
    cells = [f"{v // 10}-{v % 10}" if v else None for v in (profile.get(int(r)) for r in done["response_id"])]
    cells = [c if c is not None and margins.get(c, 0) > 0 else None for c in cells]  # None: keeps its weight
    return done.assign(weight=poststratify(done["weight"].to_numpy(), np.array(cells, dtype=object), margins),
                       cell=cells)


def _answers(campaign, done: pd.DataFrame, item_codes: list[str]) -> np.ndarray:
    """codes[k, i] of the completed questionnaires (0 when absent), read from each response's packed answer codes
    (one short blob a response, not ~70 answer rows: seconds for a campaign of a few thousand)."""
    slots = layout(campaign.instrument_version_id)
    code_of = dict(db.session.execute(select(Item.id, Item.code).where(
        Item.version_id == campaign.instrument_version_id)).all())
    ids = [int(r) for r in done["response_id"]]
    blobs: dict[int, bytes | None] = {}
    for start in range(0, len(ids), 5000):
        blobs.update(db.session.execute(select(Response.id, Response.answer_codes)
                                        .where(Response.id.in_(ids[start:start + 5000]))).all())
    bits = unpack([blobs.get(rid) for rid in ids], len(slots))
    codes = np.zeros((len(ids), len(item_codes)), dtype=np.int16)
    column = {code: j for j, code in enumerate(item_codes)}
    for slot, item_id in enumerate(slots):
        if code_of.get(item_id) in column:  # a single-choice item: its one bit is its code
            codes[:, column[code_of[item_id]]] = _TOP_BIT[bits[:, slot]]
    return codes


def design_estimates(scope: Scope, code: str, by: str = "province", min_n: int = 30, calibrate: bool = False):
    """(campaign, structure, weights frame, unrounded `DesignEstimates`) of a campaign: what the document rounds."""
    if by not in BY:
        raise Invalid([{"field": "by", "code": "bad_by", "message": f"by must be one of {', '.join(BY)}"}])
    campaign = get_campaign(scope, code, "results.read")
    version = db.session.get(InstrumentVersion, campaign.instrument_version_id)
    structure = structure_from_definition(version.definition)
    done = compute_weights(campaign.id, calibrate)
    codes = _answers(campaign, done, list(structure.item_weights))
    result = estimate_design(codes, structure, done["commune"].to_numpy(), done["village"].to_numpy(),
                             done["weight"].to_numpy(), cell=_cells(done, by), min_n=min_n)
    return campaign, structure, done, result


def estimates_document(scope: Scope, code: str, by: str = "province", min_n: int = 30,
                       calibrate: bool = False) -> dict:
    """The indices document of SPEC 2.3 with `se` on every figure and `deff`, `response_rate` on every row;
    `calibrated` says whether the weights were post-stratified to the province's sex × age-band margins."""
    campaign, structure, done, result = design_estimates(scope, code, by, min_n, calibrate)
    version = db.session.get(InstrumentVersion, campaign.instrument_version_id)
    frame = outcome_frame(campaign.id)
    item_codes = list(structure.item_weights)
    names = {u.code: u.name for u in db.session.scalars(select(Unit).where(Unit.parent_id == campaign.province_id))}
    province = db.session.get(Unit, campaign.province_id)
    figures = {(r["cell"], r["code"]): r for r in result.figures.to_dict("records")}
    rows = []
    for rec in result.cells.to_dict("records"):
        label = str(rec["cell"])
        if by == "commune" and not _sees(scope, label, names, campaign.province_id):
            continue
        if by != "commune" and scope.unit_ids is not None and campaign.province_id not in scope.unit_ids:
            continue  # a commune manager sees only its commune's rows
        unit_code, unit_name, level = (province.code, province.name, "province") if by == "province" else \
            (label, names.get(label, label), "commune") if by == "commune" else (label, f"{by} = {label}", by)
        part = frame if by != "commune" else frame[frame["commune"] == label]
        counts = {s: int((part["status"] == s).sum()) for s in set(part["status"])}
        hide = rec["suppressed"]
        rows.append(_row(unit_code, unit_name, level, rec, figures, structure, item_codes, hide,
                         response_rate(counts) if by in ("province", "commune") else None))
    return {"instrument": version.instrument.code, "instrument_version": version.version,
            "method_version": METHOD_VERSION, "campaign": campaign.code, "by": by, "min_n": min_n,
            "calibrated": calibrate, **({"calibration": _calibration(done)} if calibrate else {}),
            "computed_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"), "rows": rows}


def _calibration(done: pd.DataFrame) -> dict:
    """What the post-stratification used: the margins, and how many respondents had a cell (the others keep
    their non-response-adjusted weight)."""
    known = int(done["cell"].notna().sum())
    return {"margins": "sex × age_band", "respondents_in_cells": known, "respondents_without_cell": len(done) - known}


def _sees(scope: Scope, commune: str, names: dict, province_id: int) -> bool:
    if scope.unit_ids is None:
        return scope.agency_ids is None
    if province_id in scope.unit_ids:
        return True
    unit = db.session.scalar(select(Unit.id).where(Unit.code == commune, Unit.parent_id == province_id))
    return unit in scope.unit_ids


def _cells(done: pd.DataFrame, by: str) -> np.ndarray | None:
    if by == "province":
        return None
    if by == "commune":
        return done["commune"].to_numpy()
    values = dict(db.session.execute(select(Response.id, getattr(Response, by)).where(
        Response.id.in_([int(r) for r in done["response_id"]]))).all())
    return np.array([str(values.get(int(r))) if values.get(int(r)) is not None else "unknown"
                     for r in done["response_id"]], dtype=object)


def _num(value, hide: bool = False):
    if hide or value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return round(float(value), DECIMALS)


def _row(unit_code, unit_name, level, rec, figures, structure, item_codes, hide, rr) -> dict:
    top = figures[(rec["cell"], OVERALL)]
    measured = [c for c in structure.components if c in set(structure.measured)]
    return {
        "unit_code": unit_code, "unit_name": unit_name, "level": level, "n": int(rec["n"]),
        "index": _num(top["estimate"], hide), "se": _num(top["se"], hide), "ci_low": _num(top["ci_low"], hide),
        "ci_high": _num(top["ci_high"], hide), "deff": _num(top["deff"], hide), "suppressed": bool(hide),
        "incomplete": bool(rec["incomplete"]), "response_rate": _num(rr),
        "components": {c: {"pct": _num(figures[(rec["cell"], c)]["estimate"], hide),
                           "se": _num(figures[(rec["cell"], c)]["se"], hide),
                           "n": int(figures[(rec["cell"], c)]["n"])} for c in measured},
        "items": {i: {"pct": _num(f["estimate"], hide), "se": _num(f["se"], hide), "n_valid": int(f["n"]),
                      "mean": _num(f["mean"], hide), "ci_low": _num(f["ci_low"], hide),
                      "ci_high": _num(f["ci_high"], hide)}
                  for i in item_codes for f in (figures[(rec["cell"], i)],)},
    }


def export_rows(scope: Scope, code: str, calibrate: bool = False) -> tuple[list[str], list[list]]:
    """One row per completed questionnaire: questionnaire, stratum, psu, base_weight, weight, calibrated (1 when
    `weight` is post-stratified to the sex × age-band margins, else 0), one column per item."""
    campaign = get_campaign(scope, code)
    done = compute_weights(campaign.id, calibrate)
    item_codes = list(db.session.scalars(select(Item.code).where(Item.version_id == campaign.instrument_version_id)
                                         .order_by(Item.position, Item.id)))
    codes = _answers(campaign, done, item_codes)
    header = ["questionnaire", "stratum", "psu", "base_weight", "weight", "calibrated", *item_codes]
    flag = int(calibrate)
    rows = [[q, h, v, repr(float(b)), repr(float(w)), flag, *[int(c) if c else "" for c in line]]
            for q, h, v, b, w, line in zip(done["code"], done["commune"], done["village"], done["base_weight"],
                                           done["weight"], codes)]
    return header, rows

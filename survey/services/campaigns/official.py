"""The Ministry's published SIPAS figures (methodology §8): a CSV shipped in the package plus imported files, every
row with its source, shown beside a campaign's estimate as a different measurement."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from sqlalchemy import select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Campaign, OfficialFigure, Unit
from survey.reports.data import OfficialFigureRow
from survey.services.access.scope import Scope, require
from survey.text import nfc

SHIPPED = Path(__file__).resolve().parent / "data" / "official_sipas.csv"
COLUMNS = ("year", "level", "unit_code", "unit_name", "measure", "label", "value", "source")
MEASURE = re.compile(r"^(index|[A-Z][A-Z0-9]*(\.[0-9]+)*)$")
Z95 = 1.96


def parse_figures(text: str) -> list[dict]:
    """Rows of an official-figures CSV; Invalid naming every bad row (a row without a source is refused)."""
    reader = csv.DictReader(io.StringIO(nfc(text.lstrip("\ufeff"))))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise Invalid([{"field": "header", "code": "missing_columns",
                        "message": f"missing column(s): {', '.join(missing)}"}], "The file lacks columns")
    rows, errors, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        row = {c: (raw.get(c) or "").strip() for c in COLUMNS}
        where = f"row {line}"
        bad = []
        if not (row["year"].isdigit() and 2000 <= int(row["year"]) <= 2100):
            bad.append(("year", "a year 2000–2100"))
        if row["level"] not in ("national", "province"):
            bad.append(("level", "national or province"))
        if not row["unit_code"] or len(row["unit_code"]) > 20 or not row["unit_name"]:
            bad.append(("unit_code", "a unit code (VN or a province code) and its name"))
        if not MEASURE.match(row["measure"]):
            bad.append(("measure", "index or a component code such as A2.1"))
        try:
            value = float(row["value"].replace(",", "."))
            if not 0 <= value <= 100:
                raise ValueError
        except ValueError:
            bad.append(("value", "a percentage 0–100"))
        if len(row["source"]) < 5:  # methodology §8: only figures with a public source
            bad.append(("source", "every figure needs its public source"))
        key = (row["year"], row["unit_code"], row["measure"])
        if key in seen:
            bad.append(("measure", "the same year, unit and measure twice"))
        seen.add(key)
        errors += [{"field": f"{where}.{f}", "code": "bad_value", "message": m} for f, m in bad]
        if not bad:
            rows.append({**row, "year": int(row["year"]), "value": value, "label": row["label"] or row["measure"]})
    if not rows and not errors:
        errors.append({"field": "body", "code": "empty", "message": "the file has no figures"})
    if errors:
        raise Invalid(errors, f"{len(errors)} problem(s) in the file: nothing was imported")
    return rows


def import_figures(scope: Scope, text: str) -> dict[str, int]:
    """Add or replace figures by (year, unit, measure); all or nothing."""
    require(scope, "campaigns.manage")
    rows = parse_figures(text)
    known = {(f.year, f.unit_code, f.measure): f for f in db.session.scalars(select(OfficialFigure))}
    added = 0
    for row in rows:
        figure = known.get((row["year"], row["unit_code"], row["measure"]))
        if figure is None:
            db.session.add(OfficialFigure(**row))
            added += 1
        else:
            for key, value in row.items():
                setattr(figure, key, value)
    db.session.flush()
    return {"added": added, "updated": len(rows) - added}


def all_figures() -> list[dict]:
    """The shipped figures, overridden or extended by imported ones."""
    figures = {(r["year"], r["unit_code"], r["measure"]): r for r in parse_figures(SHIPPED.read_text("utf-8"))}
    for f in db.session.scalars(select(OfficialFigure)):
        figures[(f.year, f.unit_code, f.measure)] = {c: getattr(f, c) for c in COLUMNS}
    return sorted(figures.values(), key=lambda r: (-r["year"], r["level"] != "province", r["measure"] != "index",
                                                   r["measure"]))


def beside_campaign(campaign: Campaign, overall: dict | None) -> list[dict]:
    """National figures and the campaign province's, each with the campaign's own estimate and 95% interval of
    the same measure (None when the campaign has none): two measurements side by side, not one corrected."""
    return beside(db.session.get(Unit, campaign.province_id), overall)


def beside(province: Unit, ours: dict | None) -> list[dict]:
    """National figures and `province`'s, each with our figure of the same measure from `ours` (a row of an
    indices document: index, ci_low, ci_high, components)."""
    return [{**row, **_estimate(ours, row["measure"])} for row in all_figures()
            if row["level"] != "province" or row["unit_code"] == province.code]


def official_rows(province: Unit, ours: dict | None) -> list[OfficialFigureRow]:
    """The same, as the rows a PDF prints ("Kết quả chính thức (Bộ Nội vụ)" beside our figure)."""
    return [OfficialFigureRow(int(r["year"]), r["unit_name"], r["label"], float(r["value"]), r["source"],
                              r["estimate"], r["ci_low"], r["ci_high"]) for r in beside(province, ours)]


def _estimate(overall: dict | None, measure: str) -> dict:
    if not overall or overall.get("suppressed"):
        return {"estimate": None, "ci_low": None, "ci_high": None}
    if measure == "index":
        return {"estimate": overall.get("index"), "ci_low": overall.get("ci_low"), "ci_high": overall.get("ci_high")}
    part = (overall.get("components") or {}).get(measure)
    if not part or part.get("pct") is None:
        return {"estimate": None, "ci_low": None, "ci_high": None}
    if part.get("se") is None:  # a figure without a standard error (kiosk/online tables) has no interval here
        return {"estimate": part["pct"], "ci_low": None, "ci_high": None}
    se = part["se"]
    return {"estimate": part["pct"], "ci_low": round(max(0.0, part["pct"] - Z95 * se), 2),
            "ci_high": round(min(100.0, part["pct"] + Z95 * se), 2)}

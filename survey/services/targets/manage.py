"""Setting targets: typed one at a time or imported from a CSV (level, code, year, instrument, component, target);
any bad line imports nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from survey.csvfile import read_rows
from survey.errors import Invalid
from survey.extensions import db
from survey.models import Agency, Target, Unit
from survey.models.base import utcnow
from survey.services.access.audit import record as audit
from survey.services.access.scope import Scope, require
from survey.services.indices.weights import province_unit
from survey.services.organisation.units import descendant_ids

COLUMNS = ("level", "code", "year", "instrument", "component", "target")
LEVELS = ("province", "commune", "agency")
INDEX = "INDEX"  # the component of a target for the whole index
COMPONENT = re.compile(r"^(INDEX|[A-Z][0-9A-Z]{0,3}(\.[0-9A-Z]{1,3}){0,3})$")


@dataclass(frozen=True)
class TargetRow:
    """A target as shown: the subject's level, code and name, year, instrument, component and value."""

    level: str
    code: str
    name: str
    year: int
    instrument: str
    component: str
    value: float


def _subject(level: str, code: str, inside: set[int]) -> tuple[int | None, int | None] | None:
    """(unit_id, agency_id) of a subject within the province, or None."""
    if level == "agency":
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        return (None, agency.id) if agency is not None and agency.unit_id in inside else None
    unit = db.session.scalar(select(Unit).where(Unit.code == code, Unit.level == level))
    return (unit.id, None) if unit is not None and unit.id in inside else None


def _check(line: int, raw: dict, inside: set[int]) -> tuple[dict, list[dict]]:
    errors, out = [], {}
    def bad(field: str, code: str, message: str) -> None:
        errors.append({"field": field, "code": code, "message": f"line {line}: {message}", "line": line})
    level = (raw.get("level") or "").strip().lower()
    code = (raw.get("code") or "").strip()
    if level not in LEVELS:
        bad("level", "unknown", f"level must be one of {', '.join(LEVELS)}")
    else:
        subject = _subject(level, code, inside)
        if subject is None:
            bad("code", "unknown", f"no {level} {code!r} in this province")
        else:
            out["unit_id"], out["agency_id"] = subject
    year = (raw.get("year") or "").strip()
    if not (year.isdigit() and 2017 <= int(year) <= 2100):
        bad("year", "invalid", "year must be from 2017 to 2100")
    else:
        out["year"] = int(year)
    instrument = (raw.get("instrument") or "").strip().upper()
    if not re.match(r"^[A-Z0-9][A-Z0-9._-]{0,39}$", instrument):
        bad("instrument", "invalid", "instrument must be a code such as SIPAS-1001")
    out["instrument_code"] = instrument
    component = (raw.get("component") or "").strip().upper() or INDEX
    if not COMPONENT.match(component):
        bad("component", "invalid", "component must be INDEX or a factor code such as A2.3")
    out["component"] = component
    try:
        value = float((raw.get("target") or "").strip().replace(",", "."))
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        bad("target", "out_of_range", "target must be a percentage from 0 to 100")
    out["value"] = value
    return out, errors


def _store(values: list[dict], actor: str) -> None:
    for value in values:
        column = Target.unit_id if value["unit_id"] is not None else Target.agency_id
        found = db.session.scalar(select(Target).where(
            column == (value["unit_id"] or value["agency_id"]), Target.year == value["year"],
            Target.instrument_code == value["instrument_code"], Target.component == value["component"]))
        if found is None:
            db.session.add(Target(**value, set_by=actor[:80]))
        else:
            found.value, found.set_by, found.set_at = value["value"], actor[:80], utcnow()
    db.session.flush()


def set_target(scope: Scope, province: str, fields: dict, actor: str = "operator") -> None:
    """Set one target (fields as the CSV's columns); Invalid names each bad field."""
    require(scope, "targets.manage")
    inside = set(descendant_ids(province_unit(scope, province)))
    value, errors = _check(1, fields, inside)
    if errors:
        raise Invalid([{**e, "message": e["message"].removeprefix("line 1: ")} for e in errors],
                      "The target is invalid; nothing was saved")
    _store([value], actor)
    audit(actor, "targets.set", province, **{k: v for k, v in fields.items() if k in COLUMNS})


def import_targets(scope: Scope, province: str, csv_text: str, actor: str = "operator") -> int:
    """Set every target of a CSV file; any bad line imports nothing."""
    require(scope, "targets.manage")
    inside = set(descendant_ids(province_unit(scope, province)))
    _header, lines = read_rows(csv_text, COLUMNS[:4] + COLUMNS[5:])
    values, errors = [], []
    for line, raw in lines:
        value, problems = _check(line, {(k or "").strip(): v for k, v in raw.items() if k}, inside)
        values.append(value)
        errors += problems
    if not lines:
        errors.append({"field": "file", "code": "empty", "message": "the file has no rows"})
    if errors:
        raise Invalid(errors, "The file has errors; nothing was imported")
    _store(values, actor)
    audit(actor, "targets.import", province, rows=len(values))
    return len(values)


def targets_for(scope: Scope, province: str, year: int | None = None) -> list[TargetRow]:
    """The province's targets (all years, or one), by level and code."""
    require(scope, "results.read")
    inside = sorted(descendant_ids(province_unit(scope, province)))
    stmt = (select(Target, Unit.level, Unit.code, Unit.name, Agency.code, Agency.name)
            .outerjoin(Unit, Unit.id == Target.unit_id).outerjoin(Agency, Agency.id == Target.agency_id)
            .where((Target.unit_id.in_(inside)) | (Agency.unit_id.in_(inside))))
    rows = db.session.execute(stmt if year is None else stmt.where(Target.year == year)).all()
    out = [TargetRow(level or "agency", ucode or acode, uname or aname, t.year, t.instrument_code, t.component,
                     t.value) for t, level, ucode, uname, acode, aname in rows]
    return sorted(out, key=lambda r: (r.year, r.instrument, r.level, r.code, r.component))


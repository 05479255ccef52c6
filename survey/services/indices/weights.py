"""Population margins (sex × age band per province) uploaded by Home Affairs for the secondary, weighted figures."""
from __future__ import annotations

from sqlalchemy import delete, select

from survey.csvfile import read_rows
from survey.errors import DomainError, Invalid
from survey.extensions import db
from survey.models import PopulationMargin, Unit
from survey.services.access.audit import record
from survey.services.access.scope import Scope, check_unit, require
from survey.services.organisation.units import get_unit

SEXES = range(1, 3)
AGE_BANDS = range(1, 6)
COLUMNS = ("sex", "age_band", "population")


def province_unit(scope: Scope, province_code: str) -> Unit:
    """The province with this code, if the caller may see it (Invalid when the code is not a province)."""
    try:
        unit = get_unit(province_code)
    except DomainError:
        unit = None
    unit = check_unit(scope, unit, province_code)
    if unit.level != "province":
        raise Invalid([{"field": "province", "code": "not_a_province",
                        "message": f"{province_code} is not a province"}])
    return unit


def import_margins(scope: Scope, province_code: str, csv_text: str, actor: str = "operator") -> int:
    """Replace the province's margins with the CSV rows (sex, age_band, population); any bad row stores nothing."""
    require(scope, "weights.manage")
    province = province_unit(scope, province_code)
    rows = _parse(csv_text)
    # Validation is complete before the first write, so a bad file leaves the old margins untouched.
    db.session.execute(delete(PopulationMargin).where(PopulationMargin.unit_id == province.id))
    db.session.add_all(PopulationMargin(unit_id=province.id, sex=sex, age_band=band, population=pop,
                                        uploaded_by=actor[:200]) for (sex, band), pop in rows.items())
    db.session.flush()
    record(actor, "weights.import", province.code, "ok", rows=len(rows))
    return len(rows)


def _parse(csv_text: str) -> dict[tuple[int, int], int]:
    """{(sex, age_band): population}, or Invalid naming every bad line."""
    header, lines = read_rows(csv_text)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise Invalid([{"field": c, "code": "missing_column", "message": f"Column {c} is missing"} for c in missing],
                      "The file lacks required columns; nothing was imported")
    rows: dict[tuple[int, int], int] = {}
    errors: list[dict] = []
    for line, raw in lines:
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        values = {c: _integer(row.get(c, "")) for c in COLUMNS}
        problems = [(c, "invalid", f"line {line}: {c} must be a whole number") for c, v in values.items() if v is None]
        if values["sex"] is not None and values["sex"] not in SEXES:
            problems.append(("sex", "out_of_range", f"line {line}: sex must be 1 or 2"))
        if values["age_band"] is not None and values["age_band"] not in AGE_BANDS:
            problems.append(("age_band", "out_of_range", f"line {line}: age_band must be 1 to 5"))
        if values["population"] is not None and not 0 <= values["population"] <= MAX_POPULATION:
            problems.append(("population", "out_of_range",
                             f"line {line}: population must be between 0 and {MAX_POPULATION}"))
        key = (values["sex"], values["age_band"])
        if not problems and key in rows:
            problems.append(("sex", "duplicate", f"line {line}: sex {key[0]}, age band {key[1]} appears twice"))
        errors += [{"field": f, "code": c, "message": m, "line": line} for f, c, m in problems]
        if not problems:
            rows[key] = values["population"]  # type: ignore[index]
    if not rows and not errors:
        errors.append({"field": "population", "code": "empty", "message": "The file has no rows"})
    if errors:
        raise Invalid(errors, f"{len(errors)} problem(s); nothing was imported")
    return rows


MAX_POPULATION = 10 ** 9  # more than a province (or the country) has: anything larger is a typing slip


def _integer(text: str) -> int | None:
    """A whole number written with digits only (and an optional minus sign); None otherwise."""
    body = text[1:] if text.startswith("-") else text
    return int(text) if body.isascii() and body.isdigit() and len(body) <= 18 else None


def margins_for(province_id: int) -> list[PopulationMargin]:
    """The province's margins ordered by sex and age band (empty when none were uploaded)."""
    return list(db.session.scalars(select(PopulationMargin).where(PopulationMargin.unit_id == province_id)
                                   .order_by(PopulationMargin.sex, PopulationMargin.age_band)))

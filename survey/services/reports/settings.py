"""The office's report settings (number, place, signer, recipients), set once by Home Affairs and printed on
every unit summary and provincial report of its province."""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import ReportSettings, Unit
from survey.reports.data import Document
from survey.services.access import audit
from survey.services.access.scope import Scope, require
from survey.services.reports.targets import check_province
from survey.text import nfc

LIMITS = {"number": 60, "place": 100, "signer_title": 200, "signer_name": 200, "recipients": 2000}
SETTINGS_UPDATE = "reports.settings"


def _place_of(province: Unit) -> str:
    """The place name printed before the date: the province's name without "Tỉnh"/"Thành phố"."""
    name = province.name
    for prefix in ("Tỉnh ", "Thành phố "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def document_of(province: Unit) -> Document:
    """What the province's reports print: its saved settings, or the place name alone."""
    row = db.session.scalar(select(ReportSettings).where(ReportSettings.province_id == province.id))
    if row is None:
        return Document(place=_place_of(province))
    lines = tuple(line.strip().lstrip("-–").strip() for line in row.recipients.splitlines() if line.strip())
    return Document(row.number, row.place or _place_of(province), row.signer_title, row.signer_name, lines)


def report_settings(scope: Scope, province_code: str) -> tuple[Unit, ReportSettings | None]:
    """The province (Home Affairs of that province only) and its saved settings, if any."""
    require(scope, "results.publish")
    province = check_province(scope, province_code)
    return province, db.session.scalar(select(ReportSettings).where(ReportSettings.province_id == province.id))


def save_report_settings(scope: Scope, province_code: str, fields: Mapping[str, str], actor: str) -> ReportSettings:
    """Store the settings (NFC, trimmed, within length limits) with an audit entry; the caller commits."""
    province, row = report_settings(scope, province_code)
    values = {name: nfc(str(fields.get(name) or "")) or "" for name in LIMITS}
    errors = [{"field": name, "code": "too_long", "message": f"{name} is longer than {limit} characters"}
              for name, limit in LIMITS.items() if len(values[name]) > limit]
    if errors:
        raise Invalid(errors)
    if row is None:
        row = ReportSettings(province_id=province.id)
        db.session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor
    audit.record(actor, SETTINGS_UPDATE, province.code)
    return row

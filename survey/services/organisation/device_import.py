"""Registering many kiosks from one CSV (service_point, name, instrument): all or nothing, bad rows named."""
from __future__ import annotations

from survey.csvfile import read_rows
from survey.database import open_transaction
from survey.errors import DomainError, Invalid
from survey.extensions import db
from survey.models import Device
from survey.services.access import audit
from survey.services.access.scope import Scope, require
from survey.services.organisation import manage

COLUMNS = ("service_point", "name", "instrument")
MAX_ROWS = 1000  # a province has a few hundred kiosks


def import_devices(scope: Scope, actor: str, text: str, source: str = "") -> list[tuple[Device, str]]:
    """Register a kiosk per row at a service point of the scope; returns [(device, one-time enrolment code)] in
    file order. Any bad row registers nothing: Invalid lists every problem with its line."""
    require(scope, "devices.manage")
    _header, rows = read_rows(text, ("service_point",))
    if len(rows) > MAX_ROWS:
        raise Invalid([{"field": "file", "code": "too_many", "line": 0,
                        "message": f"{len(rows)} rows; at most {MAX_ROWS} kiosks per file"}])
    if not rows:
        raise Invalid([{"field": "file", "code": "empty", "line": 0, "message": "the file has no kiosk rows"}],
                      "The file has no rows; nothing was imported")
    open_transaction()
    errors: list[dict] = []
    created: list[tuple[Device, str]] = []
    for line, row in rows:
        cells = {str(k).strip(): (v or "").strip() for k, v in row.items() if k}
        try:
            with db.session.begin_nested():
                created.append(manage.register_device(scope, actor, cells.get("service_point", ""),
                                                      cells.get("name", ""),
                                                      (cells.get("instrument") or "KIOSK-QUICK").upper()))
        except Invalid as exc:
            errors += [{**e, "line": line, "message": f"line {line}: {e['message']}"} for e in exc.errors]
        except DomainError as exc:  # unknown or out-of-scope service point
            errors.append({"field": "service_point", "code": exc.code, "line": line, "params": exc.params,
                           "message": f"line {line}: {exc.message}"})
    if errors:
        raise Invalid(errors, f"{len(errors)} problem(s); no kiosk was registered")
    audit.record(actor, "devices.import", source, created=len(created))
    return created

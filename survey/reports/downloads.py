"""Download responses shared by the staff pages and the API: PDFs as attachments, CSV streamed, XLSX from disk.

Each one checks the caller through the services (scope, role), records the download in the audit log and commits
before the body is sent; the minimum n always comes from the configuration, never from the request.
"""
from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping

from flask import Response, current_app, send_file, stream_with_context

from survey.errors import Invalid
from survey.extensions import db
from survey.reports.pdf import render_province_report, render_unit_summary
from survey.services.access import audit
from survey.services.exports.files import (CSV_TYPE, XLSX_TYPE, codebook_csv, indices_codebook_csv, indices_csv,
                                           indices_xlsx, responses_csv, responses_xlsx)
from survey.services.exports.index_rows import indices_export
from survey.services.exports.responses import response_export
from survey.services.reports.national import national_report
from survey.services.reports.province import province_report
from survey.services.reports.targets import DEFAULT_INSTRUMENT
from survey.services.reports.unit import unit_summary
from survey.services.access.scope import Scope

PDF_TYPE = "application/pdf"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _filename(*parts: str) -> str:
    """An ASCII file name from codes and periods (no names: they carry diacritics and spaces)."""
    return "-".join(_SAFE.sub("_", p) for p in parts if p)


def _required(args: Mapping[str, str], name: str) -> str:
    value = (args.get(name) or "").strip()
    if not value:
        raise Invalid([{"field": name, "code": "required", "message": f"{name} is required"}])
    return value


def _version(args: Mapping[str, str]) -> int | None:
    raw = (args.get("version") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise Invalid([{"field": "version", "code": "wrong_type", "message": "version must be a positive integer"}])
    return int(raw)


def _choice(args: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = (args.get(name) or allowed[0]).strip()
    if value not in allowed:
        raise Invalid([{"field": name, "code": "unknown", "message": f"{name} must be one of {', '.join(allowed)}"}])
    return value


def _min_n() -> int:
    return int(current_app.config.get("MIN_N", 30))


def unit_pdf(scope: Scope, args: Mapping[str, str], actor: str) -> Response:
    """The summary of `unit` for `period` (optional `instrument`, `version`, `lang`)."""
    unit, period = _required(args, "unit"), _required(args, "period")
    lang = _choice(args, "lang", ("vi", "en"))
    summary = unit_summary(scope, unit, period, (args.get("instrument") or "").strip() or None, _version(args),
                           _min_n())
    pdf = render_unit_summary(summary, lang)
    audit.record(actor, audit.REPORT_DOWNLOAD, unit, kind="unit", period=period, instrument=summary.instrument_code)
    db.session.commit()
    return _attachment(pdf, PDF_TYPE, _filename("bao-cao", summary.unit_code, summary.period, lang) + ".pdf")


def province_pdf(scope: Scope, args: Mapping[str, str], actor: str) -> Response:
    """The provincial report of `province` for `period`."""
    province, period = _required(args, "province"), _required(args, "period")
    lang = _choice(args, "lang", ("vi", "en"))
    instrument = (args.get("instrument") or "").strip() or DEFAULT_INSTRUMENT
    report = province_report(scope, province, period, instrument, _version(args), _min_n())
    pdf = render_province_report(report, lang)
    audit.record(actor, audit.REPORT_DOWNLOAD, province, kind="province", period=period, instrument=instrument)
    db.session.commit()
    return _attachment(pdf, PDF_TYPE, _filename("bao-cao-tinh", report.province_code, report.period, lang) + ".pdf")


def national_pdf(scope: Scope, args: Mapping[str, str], actor: str) -> Response:
    """The national report (every province ranked) for `period` (the ministry)."""
    period = _required(args, "period")
    lang = _choice(args, "lang", ("vi", "en"))
    instrument = (args.get("instrument") or "").strip() or DEFAULT_INSTRUMENT
    report = national_report(scope, period, instrument, _version(args), _min_n())
    pdf = render_province_report(report, lang)
    audit.record(actor, audit.REPORT_DOWNLOAD, "national", kind="national", period=period, instrument=instrument)
    db.session.commit()
    return _attachment(pdf, PDF_TYPE, _filename("bao-cao-toan-quoc", report.period, lang) + ".pdf")


def indices_file(scope: Scope, args: Mapping[str, str], actor: str) -> Response:
    """The caller's index table as CSV or XLSX, with the API's columns flattened (part=codebook: the CSV code book
    explaining each column)."""
    instrument, period = _required(args, "instrument"), _required(args, "period")
    fmt = _choice(args, "format", ("csv", "xlsx"))
    part = _choice(args, "part", ("table", "codebook"))
    by = (args.get("by") or "commune").strip()
    province = (args.get("province") or "").strip() or None
    unit = (args.get("unit") or "").strip() or None
    lang = _choice(args, "lang", ("vi", "en"))
    table = indices_export(scope, instrument, period, by, province, _version(args), _min_n(), unit, lang)
    audit.record(actor, audit.EXPORT, instrument, kind="indices", period=period, by=by, province=province or "",
                 unit=unit or "", format=fmt, part=part)
    db.session.commit()
    name = _filename("chi-so", instrument, table.document["period"], table.document["by"], province or unit or "")
    if part == "codebook":
        return _stream(indices_codebook_csv(table), name + "-codebook.csv")
    if fmt == "csv":
        return _stream(indices_csv(table), name + ".csv")
    return _xlsx(lambda target: indices_xlsx(table, target), name + ".xlsx")


def responses_file(scope: Scope, args: Mapping[str, str], actor: str) -> Response:
    """Anonymised responses as CSV (or their code book with part=codebook) or XLSX with a code-book sheet."""
    instrument, period = _required(args, "instrument"), _required(args, "period")
    fmt = _choice(args, "format", ("csv", "xlsx"))
    part = _choice(args, "part", ("responses", "codebook"))
    unit = (args.get("unit") or "").strip() or None
    export = response_export(scope, instrument, period, unit, _version(args), _min_n())
    audit.record(actor, audit.EXPORT, instrument, kind="responses", period=period, unit=unit or "", format=fmt,
                 part=part, withheld=export.withheld_responses)
    db.session.commit()
    name = _filename("phieu", instrument, f"v{export.version}", export.period.label, unit or "")
    if part == "codebook":
        return _stream(codebook_csv(export), name + "-codebook.csv")
    if fmt == "csv":
        return _stream(responses_csv(export), name + ".csv")
    return _xlsx(lambda target: responses_xlsx(export, target), name + ".xlsx")


def _attachment(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _stream(chunks, name: str) -> Response:
    """CSV sent as it is read from the database, chunk by chunk."""
    response = Response(stream_with_context(chunks), mimetype=CSV_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx(write, name: str) -> Response:
    """A workbook written row by row to a temporary file (not memory), then sent from disk."""
    target = tempfile.TemporaryFile(suffix=".xlsx")
    write(target)
    target.seek(0)
    return send_file(target, mimetype=XLSX_TYPE, as_attachment=True, download_name=name)

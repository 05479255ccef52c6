"""The kinds of long work: a province's PDFs as a ZIP, response and index exports, and a worker check (paper
imports and backups are in data_kinds.py)."""
from __future__ import annotations

import time
import zipfile
from collections.abc import Mapping
from itertools import chain

from flask import current_app

from survey.errors import Invalid
from survey.services.access.scope import Scope, require
from survey.services.jobs.context import Context, Kind, Result
from survey.services.jobs.data_kinds import DATA_KINDS
from survey.services.jobs.spreadsheet import split_sheets

MAX_CHECK_SECONDS = 3600


def _min_n() -> int:
    return int(current_app.config.get("MIN_N", 30))


def _text(params: Mapping[str, str], name: str, required: bool = True) -> str:
    value = str(params.get(name) or "").strip()
    if required and not value:
        raise Invalid([{"field": name, "code": "required", "message": f"{name} is required"}])
    return value


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str:
    value = str(params.get(name) or allowed[0]).strip()
    if value not in allowed:
        raise Invalid([{"field": name, "code": "unknown", "message": f"{name} must be one of {', '.join(allowed)}"}])
    return value


def _version(params: Mapping[str, str]) -> int | None:
    raw = str(params.get("version") or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 10_000:
        raise Invalid([{"field": "version", "code": "wrong_type", "message": "version must be a positive integer"}])
    return int(raw)


def _period(params: Mapping[str, str]) -> str:
    from survey.services.indices.periods import parse_period

    value = _text(params, "period")
    parse_period(value)  # a bad period is refused now, naming the field, not an hour later
    return value


# --- the province's PDFs --------------------------------------------------------------------------------------------

def _check_province_zip(scope: Scope, params: Mapping[str, str]) -> dict:
    from survey.services.reports.targets import DEFAULT_INSTRUMENT, check_province

    require(scope, "reports.download")
    province = _text(params, "province")
    check_province(scope, province)
    return {"province": province, "period": _period(params), "instrument": _text(params, "instrument", False)
            or DEFAULT_INSTRUMENT, "version": _version(params), "lang": _choice(params, "lang", ("vi", "en"))}


def _run_province_zip(ctx: Context) -> Result:
    from survey.reports.batch import render_summaries
    from survey.reports.pdf import render_province_report
    from survey.services.reports.province import province_report
    from survey.services.reports.unit import province_unit_summaries

    p, lang = ctx.params, ctx.params["lang"]
    tables, targets, summaries = province_unit_summaries(ctx.scope, p["province"], p["period"], p["instrument"],
                                                         p["version"], _min_n())
    label = tables.period.label
    total = len(targets) + 1
    target = ctx.path(".zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        report = province_report(ctx.scope, p["province"], p["period"], p["instrument"], p["version"], _min_n(),
                                 tables=tables)
        archive.writestr(f"province-{p['province']}-{label}.pdf", render_province_report(report, lang))
        ctx.progress(100 / total)
        for done, (level, code, pdf) in enumerate(render_summaries(summaries, lang), start=2):
            archive.writestr(f"{level}-{code}-{label}.pdf", pdf)
            ctx.progress(100 * done / total)
    return Result(target.name, f"bao-cao-{p['province']}-{label}-{lang}.zip", {"files": total})


# --- exports --------------------------------------------------------------------------------------------------------

def _check_responses(scope: Scope, params: Mapping[str, str]) -> dict:
    from survey.services.exports.responses import response_export

    require(scope, "results.export")
    checked = {"instrument": _text(params, "instrument"), "period": _period(params),
               "unit": _text(params, "unit", False), "version": _version(params),
               "format": _choice(params, "format", ("csv", "xlsx"))}
    response_export(scope, checked["instrument"], checked["period"], checked["unit"] or None, checked["version"],
                    _min_n())  # unknown instrument, a unit outside the scope: refused now
    return checked


def _run_responses(ctx: Context) -> Result:
    from survey.services.exports.codebook import CODEBOOK_HEADER
    from survey.services.exports.responses import response_export
    from survey.services.exports.files import responses_csv
    from survey.services.exports.writers import Sheet, write_xlsx

    p = ctx.params
    export = response_export(ctx.scope, p["instrument"], p["period"], p["unit"] or None, p["version"], _min_n())
    total = max(1, export.expected_rows)

    def rows():
        for number, row in enumerate(export.rows(), start=1):
            if number % 1000 == 0:
                ctx.progress(99 * number / total)
            yield row

    stem = f"phieu-{export.instrument}-v{export.version}-{export.period.label}" + (f"-{p['unit']}" if p["unit"] else "")
    target = ctx.path("." + p["format"])
    if p["format"] == "csv":
        with target.open("wb") as out:
            for chunk in responses_csv(export, done=lambda n: ctx.progress(99 * n / total)):
                out.write(chunk)
    else:
        limit = int(current_app.config.get("XLSX_MAX_ROWS", 1_048_576))
        # chain, not a list: each sheet's rows must be read only when the writer reaches that sheet.
        write_xlsx(str(target), chain(split_sheets("responses", export.columns, rows(), limit),
                                      [Sheet("codebook", CODEBOOK_HEADER, export.codebook())]))
    return Result(target.name, f"{stem}.{p['format']}", {"withheld": export.withheld_responses})


def _check_indices(scope: Scope, params: Mapping[str, str]) -> dict:
    require(scope, "results.export")
    return {"instrument": _text(params, "instrument"), "period": _period(params),
            "by": _text(params, "by", False) or "commune", "province": _text(params, "province", False),
            "unit": _text(params, "unit", False), "version": _version(params),
            "format": _choice(params, "format", ("csv", "xlsx")), "lang": _choice(params, "lang", ("vi", "en"))}


def _run_indices(ctx: Context) -> Result:
    from survey.services.exports.files import indices_csv
    from survey.services.exports.indices import indices_export
    from survey.services.exports.writers import write_xlsx

    p = ctx.params
    ctx.progress(5)
    table = indices_export(ctx.scope, p["instrument"], p["period"], p["by"], p["province"] or None, p["version"],
                           _min_n(), p["unit"] or None, p["lang"])
    ctx.progress(80)
    target = ctx.path("." + p["format"])
    if p["format"] == "csv":
        with target.open("wb") as out:
            for chunk in indices_csv(table):
                out.write(chunk)
    else:
        limit = int(current_app.config.get("XLSX_MAX_ROWS", 1_048_576))
        write_xlsx(str(target), split_sheets("indices", table.header, table.rows, limit))
    name = f"chi-so-{p['instrument']}-{table.document['period']}-{table.document['by']}.{p['format']}"
    return Result(target.name, name, {"rows": len(table.rows)})


# --- a worker check: proves a worker takes jobs and reports progress ----------------------------------------------

def _check_check(scope: Scope, params: Mapping[str, str]) -> dict:
    require(scope, "audit.read")
    raw = str(params.get("seconds") or "1").strip()
    if not raw.isdigit() or not 0 <= int(raw) <= MAX_CHECK_SECONDS:
        raise Invalid([{"field": "seconds", "code": "wrong_type",
                        "message": f"seconds must be a whole number from 0 to {MAX_CHECK_SECONDS}"}])
    return {"seconds": int(raw)}


def _run_check(ctx: Context) -> Result:
    seconds = ctx.params["seconds"]
    steps = max(1, seconds * 4)
    for step in range(steps):
        time.sleep(seconds / steps)
        ctx.progress(100 * (step + 1) / steps)
    target = ctx.path(".txt")
    target.write_text(f"worker check: {seconds} s\n", encoding="utf-8")
    return Result(target.name, "check.txt")


KINDS: dict[str, Kind] = {
    "province_zip": Kind(_check_province_zip, _run_province_zip, ("report.download", "province")),
    "responses_export": Kind(_check_responses, _run_responses, ("export", "instrument")),
    "indices_export": Kind(_check_indices, _run_indices, ("export", "instrument")),
    "check": Kind(_check_check, _run_check, ("job.check", "seconds")),
    **DATA_KINDS,
}
__all__ = ["KINDS", "Context", "Kind", "Result"]

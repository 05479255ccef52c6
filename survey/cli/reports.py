"""`survey report` (PDF summaries and the provincial report) and `survey export` (indices, raw responses)."""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

import click

from survey.cli.common import actor, transactional
from flask import current_app

from survey.indices import DEFAULT_MIN_N
from survey.reports.batch import render_summaries
from survey.reports.pdf import render_province_report, render_unit_summary
from survey.services.access import audit
from survey.services.exports.files import (codebook_csv, indices_csv, indices_xlsx, responses_csv, responses_xlsx,
                                           write_stream)
from survey.services.exports.index_rows import indices_export
from survey.services.exports.responses import response_export
from survey.services.reports.province import province_report
from survey.services.reports.targets import DEFAULT_INSTRUMENT
from survey.services.reports.unit import province_unit_summaries, unit_summary
from survey.services.access.scope import OPERATOR

LANGS = click.Choice(["vi", "en"])


def _min_n(given: int | None) -> int:
    """The minimum n: as given, else the configured one; never below 1."""
    value = given if given is not None else int(current_app.config.get("MIN_N", DEFAULT_MIN_N))
    if value < 1:
        raise click.BadParameter("must be at least 1", param_hint="--min-n")
    return value


def _write_batch(output: Path, files) -> int:
    """Write (name, bytes) pairs into a folder, or into a .zip when `output` ends with .zip; returns the count."""
    count = 0
    if output.suffix.lower() == ".zip":
        output.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files:
                archive.writestr(name, data)
                count += 1
        return count
    output.mkdir(parents=True, exist_ok=True)
    for name, data in files:
        (output / name).write_bytes(data)
        count += 1
    return count


@click.command("report")
@click.option("--unit", help="Unit (commune, province), agency identifier or service point code: one summary.")
@click.option("--province", help="Province code: the provincial report (with --all: every unit's summary too).")
@click.option("--period", required=True, help="2026, 2026-Q3, 2026-09 or a range 2026-01-15..2026-03-31.")
@click.option("--instrument", help="Instrument code (default: the one answered most; SIPAS-1001 for --province).")
@click.option("--version", type=int, help="Instrument version (default: the latest published).")
@click.option("--lang", type=LANGS, default="vi", show_default=True, help="Language of the labels.")
@click.option("--min-n", type=int, help="Suppress cells below this n (default: the configured MIN_N, 30).")
@click.option("--all", "every_unit", is_flag=True, help="With --province: every commune and agency with responses.")
@click.option("--jobs", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="CPU count",
              help="With --all: processes rendering PDFs.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="FILE.pdf; with --all a folder or FILE.zip.")
@transactional
def report_command(unit: str | None, province: str | None, period: str, instrument: str | None,
                   version: int | None, lang: str, min_n: int | None, every_unit: bool, jobs: int,
                   output: Path) -> None:
    """Write PDF reports: one unit's summary, the provincial report, or (--all) both for a whole province."""
    if bool(unit) == bool(province):
        raise click.UsageError("give either --unit or --province")
    if every_unit and not province:
        raise click.UsageError("--all needs --province")
    min_n = _min_n(min_n)
    if unit:
        summary = unit_summary(OPERATOR, unit, period, instrument, version, min_n)
        output.write_bytes(render_unit_summary(summary, lang))
        audit.record(actor(), audit.REPORT_DOWNLOAD, unit, kind="unit", period=period,
                     instrument=summary.instrument_code)
        click.echo(f"{output}: {summary.unit_name} ({summary.unit_code}), {summary.n} responses.")
        return
    chosen = instrument or DEFAULT_INSTRUMENT
    if not every_unit:
        report = province_report(OPERATOR, province, period, chosen, version, min_n)
        output.write_bytes(render_province_report(report, lang))
        audit.record(actor(), audit.REPORT_DOWNLOAD, province, kind="province", period=period, instrument=chosen)
        click.echo(f"{output}: {report.province_name}, {report.n} responses.")
        return
    tables, targets, summaries = province_unit_summaries(OPERATOR, province, period, chosen, version, min_n)

    def files():
        report = province_report(OPERATOR, province, period, chosen, version, min_n, tables=tables)
        yield f"province-{province}-{tables.period.label}.pdf", render_province_report(report, lang)
        rendered = render_summaries(summaries, lang, jobs if len(targets) > 8 else 1)
        with click.progressbar(rendered, length=len(targets), label="Unit summaries", show_pos=True) as bar:
            for level, code, pdf in bar:
                yield f"{level}-{code}-{tables.period.label}.pdf", pdf

    count = _write_batch(output, files())
    audit.record(actor(), audit.REPORT_DOWNLOAD, province, kind="province-all", period=period, instrument=chosen,
                 files=count)
    click.echo(f"{output}: {count} PDF files (the provincial report and {count - 1} unit summaries).")


@click.group("export")
def export_group() -> None:
    """Export index tables or anonymised raw responses as CSV or XLSX (small cells suppressed)."""


def _format(output: Path, given: str | None) -> str:
    fmt = (given or output.suffix.lstrip(".")).lower()
    if fmt not in ("csv", "xlsx"):
        raise click.UsageError("the output must end in .csv or .xlsx (or give --format)")
    return fmt


@export_group.command("indices")
@click.option("--instrument", required=True)
@click.option("--period", required=True)
@click.option("--by", default="commune", show_default=True)
@click.option("--province")
@click.option("--version", type=int)
@click.option("--min-n", type=int, help="Suppress cells below this n (default: the configured MIN_N, 30).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
@transactional
def export_indices(instrument: str, period: str, by: str, province: str | None, version: int | None,
                   min_n: int | None, fmt: str | None, output: Path) -> None:
    """The index table with the API's columns, flattened (components and items as <code>.<figure>)."""
    fmt, min_n = _format(output, fmt), _min_n(min_n)
    table = indices_export(OPERATOR, instrument, period, by, province, version, min_n)
    if fmt == "csv":
        with output.open("wb") as out:
            write_stream(indices_csv(table), out)
    else:
        indices_xlsx(table, str(output))
    audit.record(actor(), audit.EXPORT, instrument, kind="indices", period=period, by=by, province=province or "")
    click.echo(f"{output}: {len(table.rows)} rows.")


@export_group.command("responses")
@click.option("--instrument", required=True)
@click.option("--period", required=True)
@click.option("--unit", help="Only this unit (and the units under it), e.g. a province or a commune code.")
@click.option("--version", type=int)
@click.option("--min-n", type=int, help="Suppress cells below this n (default: the configured MIN_N, 30).")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]))
@click.option("--codebook", type=click.Path(path_type=Path), help="For CSV: also write the code book here.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
@transactional
def export_responses(instrument: str, period: str, unit: str | None, version: int | None, min_n: int | None,
                     fmt: str | None, codebook: Path | None, output: Path) -> None:
    """Anonymised responses, one row each; XLSX adds a code-book sheet. Groups under --min-n are withheld."""
    fmt, min_n = _format(output, fmt), _min_n(min_n)
    export = response_export(OPERATOR, instrument, period, unit, version, min_n)
    if fmt == "csv":
        with output.open("wb") as out:
            write_stream(responses_csv(export), out)
        if codebook:
            with codebook.open("wb") as out:
                write_stream(codebook_csv(export), out)
    else:
        responses_xlsx(export, str(output))
    audit.record(actor(), audit.EXPORT, instrument, kind="responses", period=period, unit=unit or "")
    click.echo(f"{output}: written; {export.withheld_responses} responses withheld in "
               f"{export.withheld_groups} groups under {min_n}.")


commands = [report_command, export_group]

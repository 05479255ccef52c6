"""`survey indices`: the index table of a breakdown as a table, CSV or the API's JSON document (operator view)."""
from __future__ import annotations

import csv
import io
import json

import click
import pandas as pd
from flask import current_app

from survey.cli.common import transactional
from survey.indices import against_previous
from survey.services.exports.cells import safe_row
from survey.services.indices.cells import BY_COLUMN
from survey.services.indices.document import flat_rows
from survey.services.indices.compute import IndicesResult, compute_indices
from survey.services.indices.periods import parse_period


@click.command("indices")
@click.option("--instrument", required=True, help="Instrument code, e.g. SIPAS-1001.")
@click.option("--period", required=True, help="2026, 2026-Q3, 2026-09 or a range 2026-01-15..2026-03-31.")
@click.option("--by", "by", type=click.Choice(list(BY_COLUMN)), default="commune", show_default=True)
@click.option("--province", help="Only this province (2-digit code).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--min-n", type=int, help="Suppress cells with fewer respondents (default: the MIN_N setting).")
@click.option("--version", "number", type=int, help="Instrument version (default: the latest published).")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--trend", is_flag=True, help="Table only: compare each row with the period before.")
@click.option("--weighted", is_flag=True, help="Add the secondary post-stratified figures: a `weighted` column in "
              "the table, weighted.* columns in CSV, row.weighted in JSON.")
@click.option("--quality", type=click.Choice(["all", "clean"]), default="all", show_default=True,
              help="clean: leave out responses with a quality flag.")
@transactional
def indices_command(instrument: str, period: str, by: str, province: str | None, fmt: str, min_n: int | None,
                    number: int | None, lang: str, trend: bool, weighted: bool, quality: str) -> None:
    """Indices, intervals and rankings per unit, agency, channel or profile group."""
    args = {"by": by, "province": province, "min_n": min_n or current_app.config["MIN_N"], "version": number,
            "lang": lang, "quality": quality}
    result = compute_indices(instrument, period, **args, weighted=weighted)
    if fmt == "json":
        click.echo(json.dumps(result.document, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(to_csv(result.document), nl=False)
    else:
        before = None
        if trend:
            previous = compute_indices(instrument, parse_period(period).previous(), **args)
            before = against_previous(result.table.cells, previous.table.cells)
        click.echo(to_table(result, before, weighted))


def to_csv(document: dict) -> str:
    """The document's rows flattened, one column per figure."""
    rows = flat_rows(document)
    out = io.StringIO()
    columns = list(dict.fromkeys(k for row in rows for k in row)) or ["unit_code"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(safe_row(columns))
    writer.writerows(safe_row(row.get(column) for column in columns) for row in rows)
    return out.getvalue()


def _fmt(value, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


def to_table(result: IndicesResult, before=None, weighted: bool = False) -> str:
    """Ranked rows with interval, significance against the parent (and the period before, when given), and the
    metadata every figure carries."""
    doc = result.document
    rank = {row.cell: (row.rank, row.flag) for row in result.ranking.itertuples()}
    trend = {} if before is None else {r.cell: (r.previous, r.trend) for r in before.itertuples()}
    parent = result.parent
    lines = [f"{doc['instrument']} v{doc['instrument_version']} · method {doc['method_version']} · period "
             f"{doc['period']} · by {doc['by']} · min_n {doc['min_n']} · units {doc['unit_vintage']} · "
             f"source {result.source} · computed {doc['computed_at']}"]
    if doc["approximate"]:
        lines.append("Legacy units re-based onto today's units through the crosswalk: approximate.")
    lines.append(f"All rows together: n {int(parent.get('n') or 0)}, index {_fmt(_num(parent.get('index')))}")
    lines.append(f"{'rank':>4}  {'code':<14} {'name':<34} {'n':>7} {'index':>7}  {'95% interval':<15} "
                 f"{'vs all':<6} " + (f"{'before':>7} {'trend':<6} " if before is not None else "")
                 + (f"{'weighted':>8} " if weighted else "") + "note")
    ordered = sorted(doc["rows"], key=lambda r: (_rank_of(rank, r), r["unit_code"] or ""))
    for row in ordered:
        r, flag = rank.get(row["unit_code"] if row["unit_code"] is not None else "", (None, None))
        note = "suppressed" if row["suppressed"] else "incomplete" if row["incomplete"] else ""
        interval = "" if row["ci_low"] is None else f"{_fmt(row['ci_low'])}–{_fmt(row['ci_high'])}"
        cell = row["unit_code"] if row["unit_code"] is not None else ""
        then = ""
        if before is not None:
            previous, direction = trend.get(cell, (None, None))
            then = f"{_fmt(_num(previous)):>7} {direction or '':<6} "
        secondary = f"{_fmt((row.get('weighted') or {}).get('index')):>8} " if weighted else ""
        lines.append(f"{_rank_text(r):>4}  {(row['unit_code'] or '—'):<14} {row['unit_name'][:34]:<34} "
                     f"{row['n']:>7} {_fmt(row['index']):>7}  {interval:<15} {flag or '':<6} {then}{secondary}{note}")
    return "\n".join(lines)


def _num(value):
    try:
        return None if value is None or value != value else float(value)
    except TypeError:
        return None


def _rank_of(rank: dict, row: dict) -> float:
    r = rank.get(row["unit_code"] if row["unit_code"] is not None else "", (None, None))[0]
    return float("inf") if r is None or pd.isna(r) else float(r)  # an unranked (suppressed) row's rank is NA


def _rank_text(r) -> str:
    try:
        return str(int(r))
    except (TypeError, ValueError):
        return "–"


commands = [indices_command]

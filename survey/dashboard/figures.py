"""From the index service's results to the dashboard's page data: every figure shown is a figure of the
published document (GET /api/v1/indices), computed for the caller's scope."""
from __future__ import annotations

import math
from datetime import datetime

import pandas as pd
from flask import current_app
from flask_babel import gettext as _

from survey.indices import against_parent, against_previous, rank_among
from survey.services.indices.compute import IndicesResult, compute_indices
from survey.services.instruments.versions import current_version
from survey.services.indices.periods import Period
from survey.services.access.scope import Scope

from survey.dashboard.labels import Labels, labels_of
from survey.dashboard.model import Cell, Change, ComponentRow, ItemRow, Meta, TrendPoint
from survey.dashboard.period_labels import long_label, short_label, trend_periods
from survey.services.indices.period_tables import PeriodTable, period_table
from survey.services.reports.assessment import general_figures

SHARE_CODES = (1, 2, 3, 4, 5)


class Run:
    """The index results one page needs, computed once each within the request (nothing outlives it)."""

    def __init__(self, instrument: str, scope: Scope, province: str | None, lang: str,
                 where: dict[str, str] | None = None, weighted: bool = False) -> None:
        self.instrument, self.scope, self.province, self.lang = instrument, scope, province, lang
        self.where = dict(where or {})  # filters: only matching responses count in every figure
        self.weighted = weighted  # add the secondary weighted figure to each row (the overview shows it)
        self._results: dict[tuple[str, str], IndicesResult] = {}

    def result(self, period: Period, by: str) -> IndicesResult:
        """compute_indices for this page's instrument, scope and province."""
        key = (period.label, by)
        if key not in self._results:
            self._results[key] = compute_indices(self.instrument, period, by=by, province=self.province,
                                                 scope=self.scope, min_n=min_n(), lang=self.lang,
                                                 where=self.where, weighted=self.weighted)
        return self._results[key]


def min_n() -> int:
    """The smallest published cell (config MIN_N), the same as the API's."""
    return int(current_app.config["MIN_N"])


def _number(value: object) -> float | None:
    """A plain float, None for null/NaN."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def rows_by_code(result: IndicesResult) -> dict[str | None, dict]:
    """The document's rows keyed by unit code."""
    return {row["unit_code"]: row for row in result.document["rows"]}


def cell_from_row(row: dict, rank: int | None = None, flag: str | None = None) -> Cell:
    """A published row as a Cell."""
    return Cell(code=row["unit_code"], name=row["unit_name"], level=row["level"], n=row["n"], index=row["index"],
                ci_low=row["ci_low"], ci_high=row["ci_high"], suppressed=row["suppressed"],
                incomplete=row.get("incomplete", False), rank=rank, flag=None if row["suppressed"] else flag,
                weighted=(row.get("weighted") or {}).get("index"))


def ranked_cells(result: IndicesResult, level: str, among: set[str] | None = None) -> list[Cell]:
    """The rows of one level, best first, ranked among themselves (or among the cells in `among`: the province's
    departments) by the core's one ranking function, with the above/below-the-province flag."""
    rows = rows_by_code(result)
    peers = {code for code, row in rows.items() if row["level"] == level}
    out = []
    for rec in rank_among(result.ranking, peers if among is None else peers & among).to_dict("records"):
        row = rows.get(rec["cell"])
        if row is None or row["level"] != level:
            continue
        rank = None if rec["rank"] is None or rec["rank"] is pd.NA else int(rec["rank"])
        out.append(cell_from_row(row, rank, rec.get("flag") if isinstance(rec.get("flag"), str) else None))
    return out


def flag_against(result: IndicesResult, code: str, parent: dict) -> str | None:
    """Whether one cell lies above/below a parent (the province) at 95%, by the core's test."""
    cells = result.table.cells
    rows = cells[cells["cell"] == code][["cell", "n", "index", "se"]]
    if rows.empty or parent.get("n") in (None, 0):
        return None
    flag = against_parent(rows.reset_index(drop=True), parent)["flag"].iloc[0]
    return flag if isinstance(flag, str) else None


def _change(now: pd.DataFrame, before: pd.DataFrame, shown: float | None, label: str) -> Change:
    """The core's 95% test of now − before, each a one-row frame [cell, index, se]."""
    if now.empty or before.empty:
        return Change(label, shown, None, None)
    same = {"cell": "this"}
    test = against_previous(now.assign(**same).reset_index(drop=True),
                            before.assign(**same).reset_index(drop=True)).iloc[0]
    return Change(label, shown, _number(test["diff"]), test["trend"] if isinstance(test["trend"], str) else None)


def _point(period: Period, row: dict | None) -> TrendPoint:
    if row is None:
        return TrendPoint(period.label, short_label(period), None, None, None, 0, False)
    return TrendPoint(period.label, short_label(period), row["index"], row["ci_low"], row["ci_high"], row["n"],
                      row["suppressed"])


def whole_row(result: IndicesResult) -> dict | None:
    """Every row's data together (the parent: the whole country for a table by province) as a published row:
    figures rounded as the document rounds them, none shown when suppressed; None without any response."""
    parent = result.parent
    n = int(parent.get("n") or 0)
    if not n:
        return None
    hidden = bool(parent.get("suppressed"))
    shown = {key: None if hidden else _rounded(parent.get(key)) for key in ("index", "ci_low", "ci_high")}
    return {"unit_code": None, "unit_name": "", "level": "country", "n": n, "suppressed": hidden, **shown}


def _rounded(value: object) -> float | None:
    number = _number(value)
    return None if number is None else round(number, 2)


def _row_of(result: IndicesResult, code: str | None) -> dict | None:
    """One cell's row, or (code None) the whole table's."""
    return whole_row(result) if code is None else rows_by_code(result).get(code)


def _frame_of(result: IndicesResult, code: str | None) -> pd.DataFrame:
    """[cell, index, se] of one cell, or (code None) of the whole table; empty without data."""
    if code is not None:
        return result.table.cells[result.table.cells["cell"] == code][["cell", "index", "se"]]
    parent = result.parent
    if not parent.get("n"):
        return pd.DataFrame(columns=["cell", "index", "se"])
    return pd.DataFrame([{"cell": "whole", "index": parent.get("index"), "se": parent.get("se")}])


def history(run: Run, period: Period, by: str, code: str | None,
            place_scope: Scope | None) -> tuple[list[TrendPoint], Change, PeriodTable | None]:
    """The trend of one cell (code None: of every row together, e.g. the whole country), its change from the
    previous period, and the period table when the roll-ups answered in one read (`place_scope`: the scope
    narrowed to exactly this cell, or None to ask per period)."""
    periods = trend_periods(period)
    previous = period.previous()
    wanted = list({p.label: p for p in [*periods, period, previous]}.values())
    # The version of the table shown (the newest with data in the period), not merely the newest published.
    version = current_version(run.instrument, run.result(period, by).document["instrument_version"])
    fast = period_table(version, wanted, place_scope, min_n(), run.where) if place_scope is not None else None
    label = long_label(previous)
    if fast is not None:
        cells = fast.table.cells[["cell", "index", "se"]]
        shown = fast.row(previous.label)
        change = _change(cells[cells["cell"] == period.label], cells[cells["cell"] == previous.label],
                         shown["index"] if shown else None, label)
        return [_point(p, fast.row(p.label)) for p in periods], change, fast
    points = [_point(p, _row_of(run.result(p, by), code)) for p in periods]
    now, before = run.result(period, by), run.result(previous, by)
    row = _row_of(before, code)
    return points, _change(_frame_of(now, code), _frame_of(before, code), row["index"] if row else None,
                           label), None


def components(row: dict, labels: Labels, reference: dict | None = None,
               document: dict | None = None) -> list[ComponentRow]:
    """The row's components in definition order, with the reference row's figure and (SIPAS-1001 v2) the
    general question's figure beside each."""
    general = general_figures(document or {}, row)
    out = []
    for code, figure in row["components"].items():
        label, role, depth = labels.components.get(code, (code, "factor", 0))
        ref = (reference or {}).get("components", {}).get(code, {}).get("pct") if reference else None
        question, pct = general.get(code, ("", None))
        out.append(ComponentRow(code, label, role, depth, figure["pct"], figure["n"], ref, question, pct))
    return out


def items(result: IndicesResult, row: dict, cell: str, labels: Labels) -> list[ItemRow]:
    """The row's satisfaction items with their distribution over codes 1–5 (from the core's table)."""
    table = result.table.items
    mine = table[table["cell"] == cell].set_index("item") if len(table) else table
    out = []
    for code, figure in row["items"].items():
        shares = None
        if not row["suppressed"] and code in mine.index and (figure["n_valid"] or 0) > 0:
            counts = [float(mine.at[code, f"n_{c}"] or 0) for c in SHARE_CODES]
            total = sum(counts)
            shares = tuple(100 * c / total for c in counts) if total else None
        label, _kind, owner = labels.items.get(code, (code, "", ""))
        out.append(ItemRow(code, label, owner, figure["pct"], figure["n_valid"], figure["mean"], figure["ci_low"],
                           figure["ci_high"], shares))
    return out


def meta(result: IndicesResult, period: Period, lang: str) -> Meta:
    """The provenance line of a page."""
    doc = result.document
    version = current_version(doc["instrument"], doc["instrument_version"])
    name = version.instrument.name_en if lang == "en" and version.instrument.name_en else version.instrument.name_vi
    computed = datetime.fromisoformat(doc["computed_at"].replace("Z", "+00:00"))
    return Meta(doc["instrument"], name, doc["instrument_version"], doc["method_version"], period.label,
                long_label(period), doc["min_n"], computed, bool(doc.get("approximate")))


def labels_for(instrument: str, lang: str) -> Labels:
    """Labels of the instrument's current version."""
    return labels_of(current_version(instrument).definition, lang)


def no_data_note(min_n: int) -> str:
    """The words printed in place of a suppressed figure."""
    return _("fewer than %(n)d responses", n=min_n)

"""Report data for the PDFs: unit summaries and the provincial report, built from the index service and scoped
to the caller. Figures for a whole province are computed once and shared by every unit's summary."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import select

from survey.extensions import db
from survey.indices import DEFAULT_MIN_N, METHOD_VERSION, against_parent, against_previous
from survey.instruments.definition import Definition, parse_definition
from survey.models import Agency, InstrumentVersion, Response, Unit
from survey.reports.data import (Bilingual, Change, ComponentFigure, Document, ItemRow, ProvinceComparison,
                                 UnitSummary)
from survey.services.indices.compute import IndicesResult, compute_indices
from survey.services.instruments.versions import current_version
from survey.services.indices.periods import Period, parse_period
from survey.services.organisation.legacy_reach import legacy_touching, legacy_within
from survey.services.reports.against_targets import unit_progress
from survey.services.reports.assessment import assessment_figures, general_figures
from survey.services.reports.settings import document_of
from survey.services.reports.figures import WHOLE, Slice, comments_by_key, reason_item, reasons_by_key
from survey.services.reports.targets import (DEFAULT_INSTRUMENT, check_province, default_instrument, formal_name,
                                            issuer_of, resolve_target)
from survey.services.access.scope import OPERATOR, Scope, require
from survey.services.organisation.units import descendant_ids

SAT_CODES = (1, 2, 3, 4, 5, 9)
BY_LEVEL = {"province": "province", "commune": "commune", "district": "district", "agency": "agency",
            "service_point": "service_point"}
KEY_OF_LEVEL = {"commune": "unit", "agency": "agency"}  # place key of the levels a whole-province batch prints


@dataclass
class Tables:
    """Index tables of one province, instrument and period (and the period before), computed once."""

    instrument: str
    period: Period
    province: Unit
    version: int | None
    min_n: int
    stored: InstrumentVersion = field(init=False)
    definition: Definition = field(init=False)
    units: frozenset[int] = field(init=False)  # the province and every unit in it
    document: Document = field(init=False)  # the office's number, place, signer and recipients
    _cache: dict = field(default_factory=dict)
    _facts: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stored = current_version(self.instrument, self.version)
        self.definition = parse_definition(self.stored.definition)
        today = descendant_ids(self.province)
        self.units = frozenset(today | legacy_within(today))  # pre-July-2025 responses count where they lie
        self.document = document_of(self.province)

    def result(self, by: str, previous: bool = False, narrow: Scope = OPERATOR,
               span: Period | None = None) -> IndicesResult | None:
        """compute_indices for this province in the report's period (the one before, or `span`), memoised;
        None when nobody answered."""
        period = span or (self.period.previous() if previous else self.period)
        key = (by, period, narrow)
        if key not in self._cache:
            self._cache[key] = compute_indices(
                self.instrument, period, by=by, province=self.province.code, scope=narrow, min_n=self.min_n,
                version=self.stored.version) if self._answered(period, narrow) else None
        return self._cache[key]

    def _answered(self, period: Period, narrow: Scope) -> bool:
        """Whether any response falls in the period and narrowing (an empty table has nothing to compute)."""
        units = self.units if narrow.unit_ids is None else self.units & narrow.unit_ids
        if narrow.unit_ids is not None:  # a commune's pre-July-2025 data was recorded under its old communes
            units = units | legacy_touching(units)
        part = Slice(self.stored.id, period, units, narrow.agency_ids)
        return db.session.execute(select(Response.id).where(part.where()).limit(1)).first() is not None

    def facts(self, result: IndicesResult) -> Facts:
        """The indexed form of one of this object's results (built once)."""
        if id(result) not in self._facts:
            self._facts[id(result)] = Facts(result)
        return self._facts[id(result)]

    def slice(self, **filters: object) -> Slice:
        """The responses of this version and period, optionally narrowed."""
        return Slice(self.stored.id, self.period, **filters)


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


class Facts:
    """One computed table indexed for repeated look-ups: rows by code, answer counts by cell and item, and the
    trend and province flags of every cell, each worked out once for the whole table."""

    def __init__(self, result: IndicesResult) -> None:
        self.result = result
        self.rows = {row["unit_code"]: row for row in result.document["rows"]}
        self.counts: dict[str, dict[str, dict[int, int]]] = {}
        for rec in result.table.items.to_dict("records"):
            self.counts.setdefault(rec["cell"], {})[rec["item"]] = {
                c: int(rec[f"n_{c}"]) for c in SAT_CODES if not pd.isna(rec.get(f"n_{c}"))}
        self._changes: dict[int, dict] = {}
        self._flags: dict[int, dict] = {}

    def changes(self, previous: IndicesResult) -> dict[str, tuple]:
        """cell → (previous index, difference, trend flag) against the previous period's table."""
        if id(previous) not in self._changes:
            out = against_previous(self.result.table.cells, previous.table.cells)
            self._changes[id(previous)] = {r["cell"]: (r["previous"], r["diff"], r["trend"])
                                           for r in out.to_dict("records")}
        return self._changes[id(previous)]

    def flags(self, parent: dict) -> dict[str, str | None]:
        """cell → above/below/same against the province."""
        if id(parent) not in self._flags:
            out = against_parent(self.result.table.cells, parent)
            self._flags[id(parent)] = dict(zip(out["cell"], out["flag"]))
        return self._flags[id(parent)]


def _components(row: dict, definition: Definition, document: dict) -> list[ComponentFigure]:
    figures = []
    general = general_figures(document, row)
    for code, comp in row["components"].items():
        section = definition.section(code)
        question, pct = general.get(code, ("", None))
        figures.append(ComponentFigure(code, Bilingual(section.title.get("vi", code), section.title.get("en", "")),
                                       comp["pct"], comp["n"] or 0, row["suppressed"],
                                       "aspect" if section.role == "aspect" else "factor", pct, question))
    return figures


def _items(code: str, row: dict, facts: Facts, definition: Definition) -> list[ItemRow]:
    counts = facts.counts.get(code, {})  # EMPTY_ROW (no data for the cell) has no unit_code
    rows = []
    for code, fig in row["items"].items():
        item = definition.item(code)
        rows.append(ItemRow(code, Bilingual(item.label("vi"), item.text.get("en", "")), fig["n_valid"] or 0,
                            counts.get(code, {}), fig["pct"], fig["mean"], row["suppressed"]))
    return rows


def _change(facts: Facts, previous: IndicesResult, code: str, previous_label: str) -> Change | None:
    found = facts.changes(previous).get(code)
    if found is None:
        return None
    before, diff, trend = found
    return Change(previous_label, _float(before), _float(diff), trend)


def _province(facts: Facts | None, code: str, parent: dict, province: Unit) -> ProvinceComparison:
    comparable = facts is not None and parent.get("n") and not parent.get("suppressed")
    flag = facts.flags(parent).get(code) if comparable else None
    index = None if parent.get("suppressed") else _float(parent.get("index"))
    return ProvinceComparison(formal_name(province), index, flag)


EMPTY_ROW = {"n": 0, "index": None, "ci_low": None, "ci_high": None, "suppressed": True, "incomplete": False,
             "components": {}, "items": {}}


def build_summary(tables: Tables, level: str, code: str, name: str, current: IndicesResult | None,
                  previous: IndicesResult | None, parent: dict | None, reasons: list, comments: list[str],
                  now: datetime | None = None, narrow: Scope = OPERATOR) -> UnitSummary:
    """A UnitSummary for one cell of computed tables (shared by the single and the whole-province paths)."""
    facts = tables.facts(current) if current is not None else None
    row = (facts.rows.get(code) if facts is not None else None) or EMPTY_ROW
    hidden = row["suppressed"]
    stored = tables.stored
    return UnitSummary(
        unit_name=name, unit_code=code, level=level, period=tables.period.label,
        instrument_code=stored.instrument.code, instrument_version=stored.version,
        method_version=stored.method_version or METHOD_VERSION, min_n=tables.min_n,
        n=row["n"], index=row["index"], ci_low=row["ci_low"], ci_high=row["ci_high"],
        generated_at=now or datetime.now(timezone.utc), suppressed=hidden, incomplete=row["incomplete"],
        components=_components(row, tables.definition, current.document if current is not None else {}),
        assessment=assessment_figures(row, tables.definition),
        approximate=bool(current is not None and current.approximate),
        items=_items(code, row, facts, tables.definition) if facts is not None else [],
        change=None if hidden or previous is None else _change(facts, previous, code, tables.period.previous().label),
        province=_province(facts, code, parent or {}, tables.province) if level != "province" else None,
        low_score_reasons=[] if hidden else reasons, reasons_asked=reason_item(tables.definition) is not None,
        comments=[] if hidden else comments, issuer=issuer_of(tables.province), document=tables.document,
        progress=unit_progress(tables, level, code, None if hidden else row["index"], now, narrow))


def unit_summary(scope: Scope, code: str, period: str, instrument: str | None = None, version: int | None = None,
                 min_n: int = DEFAULT_MIN_N, now: datetime | None = None) -> UnitSummary:
    """The summary of one unit, agency or service point the caller may see; NotFound outside the scope."""
    require(scope, "reports.download")
    target = resolve_target(scope, code)
    span = parse_period(period)
    tables = Tables(instrument or default_instrument(target, span), span, target.province, version, min_n)
    by = BY_LEVEL[target.level]
    current = tables.result(by, narrow=target.narrow)
    previous = tables.result(by, previous=True, narrow=target.narrow)
    whole = tables.result("province")  # the whole province, whoever asks: a published aggregate
    parent = whole.parent if whole is not None else None
    part = tables.slice(**target.part_filters)
    reasons = reasons_by_key(tables.definition, part).get(WHOLE, [])
    comments = comments_by_key(part).get(WHOLE, [])
    return build_summary(tables, target.level, target.code, target.name, current, previous, parent, reasons,
                         comments, now, target.narrow)


def province_unit_summaries(scope: Scope, province: str, period: str, instrument: str = DEFAULT_INSTRUMENT,
                            version: int | None = None, min_n: int = DEFAULT_MIN_N,
                            now: datetime | None = None) -> tuple[Tables, list[tuple[str, str, str]],
                                                                  Iterator[UnitSummary]]:
    """Every commune and agency of a province with responses: (tables, [(level, code, name)], summaries lazily)."""
    require(scope, "reports.download")
    tables = Tables(instrument, parse_period(period), check_province(scope, province), version, min_n)
    communes = tables.result("commune")
    parent = communes.parent if communes is not None else None
    targets = []
    for by, level in (("commune", "commune"), ("agency", "agency")):
        result = tables.result(by)
        rows = result.document["rows"] if result is not None else []
        targets += [(level, r["unit_code"], r["unit_name"]) for r in rows if r["level"] == level and r["n"] > 0]

    def summaries() -> Iterator[UnitSummary]:
        part = tables.slice()
        extras = {key: (reasons_by_key(tables.definition, part, key), comments_by_key(part, key))
                  for key in ("unit", "agency")}
        ids = _ids(targets)
        for level, code, name in targets:
            key = KEY_OF_LEVEL[level]
            reasons, comments = extras[key]
            place = ids[(level, code)]
            yield build_summary(tables, level, code, name, tables.result(level), tables.result(level, previous=True),
                                parent, reasons.get(place, []), comments.get(place, []), now)

    return tables, targets, summaries()


def _ids(targets: list[tuple[str, str, str]]) -> dict[tuple[str, str], int]:
    """Database ids of the targets' units and agencies, looked up in two queries."""
    units = [code for level, code, _ in targets if level == "commune"]
    agencies = [code for level, code, _ in targets if level == "agency"]
    found = {("commune", c): i for c, i in db.session.execute(select(Unit.code, Unit.id).where(
        Unit.code.in_(units), Unit.level == "commune", Unit.vintage == "2025")).all()}
    found |= {("agency", c): i for c, i in db.session.execute(select(Agency.code, Agency.id).where(
        Agency.code.in_(agencies))).all()}
    return found

"""Index tables for a breakdown: resolve instrument, period and scope, count in the database, compute with the
pure core (survey.indices) and shape the SPEC 2.3 document."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from functools import cached_property

import pandas as pd
from sqlalchemy import select

from survey.errors import DomainError, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.indices import (DEFAULT_MIN_N, ONESTOP_TOTAL, OVERALL, IndexTable, against_parent, index_table,
                            rank_cells, structure_from_definition)
from survey.models import Item, Unit, UnitSuccession
from survey.models.responses import CHANNELS, PROFILE_FIELDS
from survey.models.units import CURRENT_VINTAGE, LEGACY_VINTAGE
from survey.services.indices import counts as index_counts
from survey.services.indices.cells import BY_COLUMN, UNIT_LEVELS, cells_for, merges_keys, to_cells
from survey.services.quality import flagged as quality_flags
from survey.services.indices.cells import choice_names  # the labels' codes are the valid ones
from survey.services.indices.document import document_for
from survey.services.instruments.versions import current_version
from survey.services.indices.periods import Period, parse_period
from survey.services.access.scope import OPERATOR, Scope, require
from survey.services.indices.tallies import version_scorer
from survey.services.organisation.units import descendant_ids, get_unit

BREAKDOWNS = tuple(BY_COLUMN)
FILTERS = ("channel", "field", "procedure", *PROFILE_FIELDS)  # what `where` may restrict, by API name
PARENT = "__parent__"  # the cell holding every row's data: the province (or the caller's whole scope)


class IndicesResult:
    """A computed table: the API document plus the frames behind it; the parent (all rows together) and each
    row's rank and flag against it are computed on first use, since the document alone does not need them."""

    def __init__(self, document: dict, table: IndexTable, source: str, approximate: bool, by: str,
                 labels: dict, whole: Callable[[], IndexTable]) -> None:
        self.document = document
        self.table = table
        self.source = source  # "tallies", "columns" or "responses"
        self.approximate = approximate  # some legacy data was re-based onto today's units
        self._by, self._labels, self._whole = by, labels, whole

    @cached_property
    def parent(self) -> dict:
        """{n, index, se, ci_low, ci_high, suppressed, …} of every row's data together (the province or scope)."""
        whole = self._whole()
        return whole.cells.iloc[0].to_dict() if len(whole.cells) else {"n": 0, "index": None, "se": None}

    @cached_property
    def ranking(self) -> pd.DataFrame:
        """[rank, cell, index, ci_low, ci_high, flag, …] for the rows of the breakdown's own level."""
        return _ranking(self.table, self._labels, self._by, self.parent)


def compute_indices(instrument: str, period: str | Period, by: str = "commune", province: str | None = None,
                    scope: Scope = OPERATOR, min_n: int = DEFAULT_MIN_N, version: int | None = None,
                    lang: str = "vi", source: str | None = None, now: datetime | None = None,
                    where: dict[str, str | int] | None = None,
                    weighted: bool = False, quality: str = "all") -> IndicesResult:
    """The index table of `instrument` for `period` broken down `by`, within `province` and the caller's scope.

    `source` forces "tallies", "columns" or "responses" (tests and benchmarks); by default the roll-ups answer
    whenever they hold the breakdown and the period is whole months, the columnar blocks everything else. `where`
    keeps only responses with these values (FILTERS: channel, field, procedure, profile fields); any filter but
    channel counts from the columnar blocks. Raises Invalid (bad by/period/province/instrument/filter) or
    Forbidden (a role that may not read results, or a province outside the caller's units).
    """
    require(scope, "results.read")  # clerks enter data but do not read results
    if where and "quality" in where:  # the dashboards pass their clean switch with the filters
        where = dict(where)
        quality = str(where.pop("quality"))
    if by not in BY_COLUMN:
        raise Invalid([{"field": "by", "code": "unknown", "message": f"by must be one of {', '.join(BREAKDOWNS)}"}])
    the_period = period if isinstance(period, Period) else parse_period(period)
    stored = _version(instrument, version)
    allowed = _allowed_units(province, scope)
    applied = _applied(where, stored.definition)
    if quality not in quality_flags.QUALITY_VIEWS:
        raise Invalid([{"field": "quality", "code": "unknown", "message": "quality must be all or clean"}])
    run = _Run(the_period, by, province, scope, allowed, min_n, lang, source, now, weighted, quality)
    if version is not None:
        return run.compute(stored, applied)
    # Methodology 2: versions are never merged. Each version with data in the period gets its own table; the
    # newest one stays the document's own table, and `tables` lists them all when there is more than one.
    published = _published_versions(stored)
    if len(published) < 2:
        return run.compute(stored, applied)
    with_data = [v for v in published if run.has_data(v, _applied(where, v.definition))]
    if len(with_data) < 2:
        only = with_data[0] if with_data else stored
        return run.compute(only, _applied(where, only.definition))
    results = [run.compute(v, _applied(where, v.definition)) for v in with_data]
    newest = results[-1]
    newest.document = {**newest.document, "tables": [r.document for r in results]}
    return newest


class _Run:
    """One request's settings, computed for one instrument version at a time."""

    def __init__(self, period: Period, by: str, province: str | None, scope: Scope, allowed: frozenset[int] | None,
                 min_n: int, lang: str, source: str | None, now: datetime | None, weighted: bool,
                 quality: str = "all") -> None:
        self.period, self.by, self.province, self.scope, self.allowed = period, by, province, scope, allowed
        self.min_n, self.lang, self.source, self.now, self.weighted = min_n, lang, source, now, weighted
        self.quality = quality

    def filters(self, stored, applied: dict) -> index_counts.Filters:
        where = {BY_COLUMN[name]: value for name, value in applied.items()}
        return index_counts.Filters(stored.id, self.period, _with_legacy(self.allowed), self.scope.agency_ids,
                                    quality_flags.clean_where(where) if self.quality == quality_flags.CLEAN
                                    else where)

    def has_data(self, stored, applied: dict) -> bool:
        """True when a response to this version counts in the period, the units and the filters."""
        where, params = index_counts._where(self.filters(stored, applied))
        return bool(index_counts._run(f"SELECT 1 FROM responses r WHERE {where} LIMIT 1", params))

    def compute(self, stored, applied: dict) -> IndicesResult:
        """The table of one version."""
        the_period, by, min_n, lang, source = self.period, self.by, self.min_n, self.lang, self.source
        allowed, now, weighted, province = self.allowed, self.now, self.weighted, self.province
        structure = structure_from_definition(stored.definition)
        scorer = version_scorer(stored.id)
        filters = self.filters(stored, applied)
        column = BY_COLUMN[by]
        # Unrestricted callers (the Ministry's national table): units counted under their province, figures and
        # flagged counts alike, so the table reads 34 keys instead of one per commune.
        to_province = by == "province" and allowed is None and source != "responses"
        key_of = index_counts.province_lookup() if to_province else None
        # Tables by unit over whole months add up the blocks' summaries; the tallies answer the other roll-up
        # questions (agency, service point, channel; a channel filter; callers limited to some agencies).
        use_tallies = source == "tallies" or (source is None and not index_counts.can_use_summaries(column, filters)
                                              and index_counts.can_use_tallies(column, the_period, filters.where))
        if use_tallies:
            counts = index_counts.count_from_tallies(column, filters, to_province=to_province)
        elif source == "responses":  # the streamed packed codes: the columnar path's reference (tests, benchmarks)
            counts = index_counts.count_from_responses(column, filters, scorer)
        else:
            counts = index_counts.count_from_columns(column, filters, scorer, key_of)
        if by not in UNIT_LEVELS + ("agency", "service_point"):
            counts = _text_keys(counts)
        keys = pd.unique(pd.concat([counts.items["key"], counts.sums["key"]]).astype(object))
        cells = cells_for(by, keys, allowed, stored.definition, lang)
        items, sums = _to_cells(counts, cells.mapping, stored.id)
        total = ONESTOP_TOTAL if ONESTOP_TOTAL in scorer.components and OVERALL not in scorer.components else OVERALL
        cell_n = sums[sums["component"] == total][["cell", "n"]]
        table = index_table(items, sums, cell_n, structure, min_n)
        computed_at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
        doc = document_for(stored, structure, the_period, by, min_n, computed_at, table, cells.labels,
                           items, sums, total, approximate=cells.approximate)
        quality_flags.add_flagged(doc, by, column, filters, cells.mapping, cells.labels, self.quality,  # §9
                                  key_of)
        if applied:  # the filters in force, echoed; unfiltered documents keep the SPEC 2.3 shape
            doc["filters"] = applied

        def whole() -> IndexTable:
            return index_table(items.assign(cell=PARENT), _regroup(sums.assign(cell=PARENT)),
                               _regroup(cell_n.assign(cell=PARENT)), structure, min_n)

        if weighted:  # secondary post-stratified figures beside the published ones (methodology §3)
            from survey.services.indices.weighted import add_weighted
            mapping = cells.mapping if key_of is None else _units_of_keys(cells.mapping, key_of)
            add_weighted(doc, by, column, filters, mapping, stored.id, structure, province,
                         raw=source == "responses")
        return IndicesResult(doc, table, counts.source, cells.approximate, by, cells.labels, whole)


def _applied(where: dict[str, str | int] | None, definition: dict) -> dict[str, str | int]:
    """The filters checked: known names, a channel of the list, profile codes of the instrument's choices."""
    errors, out = [], {}
    for name, raw in (where or {}).items():
        value = raw.strip() if isinstance(raw, str) else raw
        if name not in FILTERS:
            errors.append({"field": name, "code": "unknown_filter",
                           "message": f"{name} is not a filter; filters are {', '.join(FILTERS)}"})
        elif name == "channel" and value not in CHANNELS:
            errors.append({"field": name, "code": "unknown",
                           "message": f"channel must be one of {', '.join(CHANNELS)}"})
        elif name in PROFILE_FIELDS:
            codes = sorted(int(code) for code in choice_names(definition, name, 0) if code.isdigit())
            number = int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else None
            if number is None or (codes and number not in codes):
                errors.append({"field": name, "code": "unknown",
                               "message": f"{name} must be one of {', '.join(map(str, codes)) or 'the profile codes'}"})
            else:
                out[name] = number
        elif name in ("field", "procedure") and not (isinstance(value, str) and value and len(value) <= 80):
            errors.append({"field": name, "code": "invalid", "message": f"{name} must be a code"})
        else:
            out[name] = value
    if errors:
        raise Invalid(errors)
    return out


def _published_versions(stored) -> list:
    """Every published version of the instrument of `stored`, oldest first."""
    return [v for v in stored.instrument.versions if v.status == "published"]


def _version(instrument: str, number: int | None):
    try:
        return current_version(instrument, number)
    except NotFound as exc:
        raise Invalid([{"field": "instrument", "code": "unknown", "message": exc.message}]) from None


def _allowed_units(province: str | None, scope: Scope) -> frozenset[int] | None:
    """Today's units whose data may count: the province's, narrowed to the caller's scope; None = everything."""
    allowed = scope.unit_ids
    if province is not None:
        try:
            prov = get_unit(province)
        except DomainError:
            raise Invalid([{"field": "province", "code": "unknown", "message": f"Unknown province {province}"}]) \
                from None
        if prov.level != "province":
            raise Invalid([{"field": "province", "code": "not_a_province", "message": f"{province} is not a province"}])
        inside = frozenset(descendant_ids(prov))
        if allowed is not None and not allowed & inside:
            raise Forbidden("out_of_scope", f"Province {province} is outside your units", province=province)
        allowed = inside if allowed is None else allowed & inside
    return allowed


def _with_legacy(allowed: frozenset[int] | None) -> frozenset[int] | None:
    """Add the legacy units whose crosswalk leads into the allowed units (and legacy districts under them)."""
    if allowed is None:
        return None
    linked = set(db.session.scalars(select(UnitSuccession.legacy_unit_id)
                                    .where(UnitSuccession.successor_unit_id.in_(allowed))))
    unlinked = select(UnitSuccession.legacy_unit_id)
    frontier = linked
    while frontier:  # legacy units with no links of their own follow their parent (districts under a province)
        frontier = set(db.session.scalars(select(Unit.id).where(
            Unit.vintage == LEGACY_VINTAGE, Unit.parent_id.in_(frontier), Unit.id.not_in(unlinked)))) - linked
        linked |= frontier
    return allowed | frozenset(linked)


def _units_of_keys(mapping: pd.DataFrame, key_of) -> pd.DataFrame:
    """The mapping of keys made by `key_of` (units under their province) extended to the units themselves: the
    weighted figures count responses by unit."""
    units = pd.DataFrame({"unit": range(len(key_of)), "key": key_of}).astype({"key": object})
    merged = units.merge(mapping.astype({"key": object}), on="key")
    return merged.assign(key=merged["unit"].astype(object))[["key", "cell", "weight"]]


def _text_keys(counts: index_counts.Counts) -> index_counts.Counts:
    """Channel, procedure, field and profile keys as text; missing values become the not-recorded cell."""
    def text(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return ""
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    items = counts.items.assign(key=counts.items["key"].astype(object).map(text))
    sums = counts.sums.assign(key=counts.sums["key"].astype(object).map(text))
    return index_counts.Counts(items, sums, counts.source)


def _to_cells(counts: index_counts.Counts, mapping: pd.DataFrame, version_id: int) -> tuple[pd.DataFrame,
                                                                                              pd.DataFrame]:
    """Item counts [cell, item, code, count] and sums [cell, component, n, sum, sumsq] of the table's cells."""
    codes = dict(db.session.execute(select(Item.id, Item.code).where(Item.version_id == version_id)).all())
    items = to_cells(counts.items, mapping, ["count"])
    items = items.assign(item=items["item_id"].map(codes))
    items = (items.groupby(["cell", "item", "code"], sort=False)["count"].sum().reset_index()
             if merges_keys(mapping) else items[["cell", "item", "code", "count"]])
    sums = to_cells(counts.sums, mapping, ["n", "sum", "sumsq"])
    return _whole_counts(items), _regroup(sums[["cell", "component", "n", "sum", "sumsq"]])


def _whole_counts(items: pd.DataFrame) -> pd.DataFrame:
    """Counts stay integers unless a crosswalk share split them."""
    whole = (items["count"] % 1 == 0).all()
    return items.astype({"count": "int64"}) if whole and len(items) else items


def _regroup(frame: pd.DataFrame) -> pd.DataFrame:
    """Sum rows that share a cell (and component)."""
    keys = [c for c in ("cell", "component") if c in frame.columns]
    return frame.groupby(keys, sort=False).sum(numeric_only=True).reset_index()


def _ranking(table: IndexTable, labels: dict, by: str, parent: dict) -> pd.DataFrame:
    """Rank and flag the rows of the breakdown's own level (the provincial level is not a commune)."""
    flags = against_parent(table.cells, parent)
    rows = table.cells.merge(flags, on="cell")
    level = {cell: labels.get(cell, (None, "", by))[2] for cell in rows["cell"]}
    own = rows[rows["cell"].map(level) == by] if by in UNIT_LEVELS else rows
    return rank_cells(own)


def unit_vintage() -> str:
    """The unit-code vintage every figure is reported in."""
    return CURRENT_VINTAGE

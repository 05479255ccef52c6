"""The data of each dashboard page, assembled from the index service for the caller's scope."""
from __future__ import annotations

from dataclasses import replace

from survey.errors import NotFound
from survey.models import Agency, ServicePoint, Unit
from survey.instruments.definition import Definition, parse_definition
from survey.services.indices.compute import compute_indices
from survey.services.reports.assessment import assessment_figures
from survey.services.instruments.versions import current_version
from survey.services.indices.periods import Period
from survey.services.access.scope import OPERATOR, Scope
from survey.services.indices.item_counts import item_counts, priorities
from survey.services.indices.period_tables import PeriodTable, months_of
from survey.services.organisation.places import only_point_of_pair, provincial_agency_codes
from survey.services.organisation.legacy_reach import successor_province
from survey.services.organisation.units import descendant_ids, province_of, search_units

from survey.dashboard.figures import (Run, cell_from_row, components, flag_against, history, items, labels_for,
                                      meta, min_n, ranked_cells, rows_by_code, whole_row)
from survey.dashboard.labels import labels_of
from survey.dashboard.model import Cell, National, Overview, Share, UnitPage

KIOSK = "KIOSK-QUICK"  # the low-score reasons (R) are asked on the kiosk after a rating of 1 or 2
BY_KIND = {"commune": "commune", "agency": "agency", "service_point": "service_point", "district": "district"}


def meet(current: frozenset[int] | None, wanted: set[int] | frozenset[int] | None) -> frozenset[int] | None:
    """The intersection of a scope axis with the ids wanted (None = unrestricted); never widens the scope."""
    if wanted is None:
        return current
    return frozenset(wanted) if current is None else current & frozenset(wanted)


def narrowed(scope: Scope, unit_ids: set[int] | None = None, agency_ids: set[int] | None = None) -> Scope:
    """The caller's scope restricted to some units and/or agencies (one unit's page)."""
    return replace(scope, unit_ids=meet(scope.unit_ids, unit_ids), agency_ids=meet(scope.agency_ids, agency_ids))


def _empty(code: str | None, name: str, level: str) -> Cell:
    """A unit without any response in the period."""
    return Cell(code, name, level, 0, None, None, None, True)


def overview(scope: Scope, province: Unit, instrument: str, period: Period, lang: str,
             breakdown: str | None = None, where: dict[str, str] | None = None) -> Overview:
    """The province overview: index, components, trend, rankings, small units, priorities and a breakdown, of the
    responses matching `where` (filters) only."""
    run = Run(instrument, scope, province.code, lang, where, weighted=True)
    current = run.result(period, "province")
    row = rows_by_code(current).get(province.code)
    labels = labels_for(instrument, lang)
    communes = ranked_cells(run.result(period, "commune"), "commune")
    provincial = provincial_agency_codes(scope, province)
    departments = ranked_cells(run.result(period, "agency"), "agency", among=provincial)
    seen = {c.code for c in communes}
    silent = [_empty(u.code, u.name, "commune") for u in search_units(province=province.code, level="commune",
                                                                        unit_ids=scope.unit_ids) if u.code not in seen]
    whole = narrowed(scope, unit_ids=descendant_ids(province))
    trend, change, table = history(run, period, "province", province.code, whole)
    page = Overview(
        meta=meta(current, period, lang),
        province=cell_from_row(row) if row else _empty(province.code, province.name, "province"),
        components=components(row, labels, None, current.document) if row else [],
        change=change, trend=trend,
        communes=[c for c in communes if not c.suppressed],
        departments=[c for c in departments if not c.suppressed],
        small_units=sorted((c for c in communes + departments if c.suppressed), key=lambda c: -c.n) + silent,
        priorities=_priorities(whole, instrument, period, labels, current.document["min_n"], table)
        if table is not None or not where else [],  # the priority counts obey no filter but the roll-ups' channel
    )
    if breakdown:
        page.breakdown_by = breakdown
        page.breakdown = [cell_from_row(r) for r in run.result(period, breakdown).document["rows"]]
    return page


def national(scope: Scope, instrument: str, period: Period, lang: str, country_name: str,
             breakdown: str | None = None, where: dict[str, str] | None = None) -> National:
    """The national overview: the 34 provinces ranked by index with their intervals (the core's one ranking, as
    communes are ranked on a province's overview) against the whole country, the provinces with too few or no
    responses, the country's trend and a breakdown; every figure of `GET /api/v1/indices?by=province`."""
    run = Run(instrument, scope, None, lang, where)
    current = run.result(period, "province")
    ranked = ranked_cells(current, "province")
    seen = {c.code for c in ranked}
    silent = [_empty(u.code, u.name, "province") for u in search_units(level="province", unit_ids=scope.unit_ids)
              if u.code not in seen]
    row = whole_row(current)
    trend, change, _table = history(run, period, "province", None, scope)
    page = National(
        meta=meta(current, period, lang),
        country=replace(cell_from_row(row), name=country_name) if row else _empty(None, country_name, "country"),
        change=change, trend=trend,
        provinces=[c for c in ranked if not c.suppressed],
        small_provinces=sorted((c for c in ranked if c.suppressed), key=lambda c: -c.n) + silent,
    )
    if breakdown:
        page.breakdown_by = breakdown
        page.breakdown = [cell_from_row(r) for r in run.result(period, breakdown).document["rows"]]
    return page


def _priorities(whole: Scope, instrument: str, period: Period, labels, min_n: int,
                table: PeriodTable | None) -> list[Share]:
    """Improvement priorities (prio3 items) named by the province's respondents, most pressing first; counted
    from the trend's monthly read when it covers the period, else read for the period."""
    codes = tuple(code for code, (_label, kind, _owner) in labels.items.items() if kind == "prio3")
    if not codes:
        return []
    if table is not None and period.months is not None:
        months = table.months[table.months["month"].isin(months_of(period)) & table.months["item"].isin(codes)]
        found = months.groupby(["item", "code"], sort=False)["count"].sum().reset_index()
    else:
        found = item_counts(whole, current_version(instrument).id, period, codes)
    figures = priorities(found, codes, min_n)
    return [Share(r["item"], labels.item(r["item"]), r["pct"], int(r["n_valid"]),
                  None if r["rank"] is None or r["rank"] != r["rank"] else int(r["rank"]))
            for r in figures.astype(object).where(figures.notna(), None).to_dict("records")]


def place_scope(scope: Scope, kind: str, place: Unit | Agency | ServicePoint) -> tuple[Scope, str, int | None]:
    """The caller's scope narrowed to one place, the tally column that holds it and its key there."""
    if kind == "commune":
        return narrowed(scope, unit_ids={place.id}), "unit_id", place.id
    if kind == "district":  # a pre-July-2025 district: the responses of its legacy communes, as they were
        return narrowed(scope, unit_ids=descendant_ids(place)), "unit_id", None  # type: ignore[arg-type]
    if kind == "agency":
        return narrowed(scope, agency_ids={place.id}), "agency_id", place.id
    point: ServicePoint = place  # type: ignore[assignment]
    return narrowed(scope, {point.unit_id}, {point.agency_id}), "service_point_id", point.id


def unit_page(scope: Scope, kind: str, place: Unit | Agency | ServicePoint, instrument: str, period: Period,
              lang: str, where: dict[str, str] | None = None) -> UnitPage:
    """One commune, department or service point: its figures, the province beside them, trend and reasons, of the
    responses matching `where` (filters) only; the province is filtered alike, so the comparison is fair."""
    mine, column, key = place_scope(scope, kind, place)
    run = Run(instrument, mine, None, lang, where)
    by = BY_KIND[kind]
    current = run.result(period, by)
    row = rows_by_code(current).get(place.code)
    home = successor_province(place) if kind == "district" else province_of(
        place if isinstance(place, Unit) else place.unit)
    # The province's figure is the published reference every unit is compared with (methodology §3): an
    # aggregate of the whole province, shown to the unit's own staff, never any other unit's figures.
    reference = compute_indices(instrument, period, by="province", province=home.code, scope=OPERATOR,
                                min_n=min_n(), lang=lang, where=where)
    province_row = rows_by_code(reference).get(home.code)
    labels = labels_for(instrument, lang)
    level = "commune" if kind == "commune" else kind
    cell = cell_from_row(row, flag=flag_against(current, place.code, reference.parent)) if row else \
        _empty(place.code, place.name, level)
    trend, change, _table = history(run, period, by, place.code, mine if _isolated(kind, place) else None)
    # The kiosk's reasons are counted without the filters, so a filter other than channel=kiosk hides them.
    plain = set(where or {}) <= {"channel"} and (where or {}).get("channel", "kiosk") == "kiosk"
    reasons, asked, note = _reasons(mine, period, column, key, lang) if plain else ([], 0, "filtered")
    return UnitPage(
        meta=meta(current, period, lang), kind=kind, cell=cell,
        province=cell_from_row(province_row) if province_row else None,
        components=components(row, labels, province_row, current.document) if row else [],
        items=items(current, row, place.code, labels) if row else [],
        assessment=assessment_figures(row, _definition(current)) if row else [],
        change=change, trend=trend, reasons=reasons, reasons_n=asked, reasons_note=note,
    )


def _definition(result) -> Definition:
    """The parsed definition of the version a table was computed on."""
    doc = result.document
    return parse_definition(current_version(doc["instrument"], doc["instrument_version"]).definition)


def _isolated(kind: str, place: Unit | Agency | ServicePoint) -> bool:
    """Whether the narrowed scope holds this place's responses only: always for a commune or an agency; for a
    service point, when no other point shares its unit and agency (the roll-ups are not keyed finer)."""
    if kind != "service_point":
        return True
    return only_point_of_pair(place)  # type: ignore[arg-type]


def _reasons(scope: Scope, period: Period, column: str, key: int | None,
             lang: str) -> tuple[list[Share], int, str]:
    """Low-score reasons chosen on the kiosk, how many ratings of 1–2 asked for them, and why none are shown:
    "few" when the place has fewer kiosk ratings than the minimum cell (the suppression of every figure),
    "none" when no rating was low."""
    try:
        version = current_version(KIOSK)
    except NotFound:
        return [], 0, "few"
    found = item_counts(scope, version.id, period, ("Q", "R"), column, key)
    rated = found[(found["item"] == "Q") & found["code"].between(1, 5)]
    if rated["count"].sum() < min_n():
        return [], 0, "few"
    asked = int(rated[rated["code"].isin((1, 2))]["count"].sum())
    if asked == 0:
        return [], 0, "none"
    names = labels_of(version.definition, lang).choices.get("R", {})
    chosen = found[found["item"] == "R"].set_index("code")["count"]
    shares = [Share(str(code), name, 100 * int(chosen.get(code, 0)) / asked if asked else None,
                    int(chosen.get(code, 0))) for code, name in names.items()]
    return sorted(shares, key=lambda s: -s.n), asked, ""

"""Anonymised raw responses of one instrument version and period, streamed so a year never sits in memory.

Anonymised means: no client id, device, dossier code, counter, officer, exact time or free text; the month instead
of the date; and every place group (unit, agency, service point) with fewer than min_n responses withheld.
Rows come from the packed answer codes (`packed_rows.py`); `rows_from_answers` is the older path over the answers
table, kept as the reference the tests and `scripts/bench/bench_export.py` compare it with.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select

from survey.extensions import db
from survey.indices import DEFAULT_MIN_N
from survey.instruments.definition import Definition, parse_definition
from survey.instruments.types import REGISTRY
from survey.models import Agency, Answer, Item, Response, ServicePoint, Unit
from survey.models.responses import PROFILE_FIELDS
from survey.services.exports.codebook import codebook_rows
from survey.services.instruments.versions import current_version
from survey.services.indices.periods import Period, parse_period
from survey.services.access.scope import Scope, check_unit, require, scope_filter
from survey.services.organisation.units import descendant_ids, find_unit
from survey.services.storage.sql import small_page_cache

PAGE = 2000  # responses per keyset page of the reference path
PLACE_COLUMNS = ["row", "instrument", "version", "month", "province_code", "unit_code", "unit_name", "agency_code",
                 "service_point_code", "channel", "procedure_code", "field_code"]


@dataclass
class ResponseExport:
    """What to export and how: filters, column layout and the withheld counts (known once rows are read)."""

    instrument: str
    version: int
    version_id: int
    period: Period
    min_n: int
    where: ColumnElement[bool]
    definition: Definition
    item_columns: list[tuple[str, int, int | None]]  # (column, item id, choice code for a multi-select option)
    allowed: set[tuple[int, int, int]]  # place groups with at least min_n responses
    withheld_responses: int
    withheld_groups: int
    places: dict[str, dict[int, Any]] = field(default_factory=dict)
    # The filter of `where` as plain values, for the hand-written SQL of the streamed path: "units", "agencies"
    # (the caller's scope, None = every one) and "only" (the unit asked for and those under it).
    filters: dict[str, frozenset[int] | None] = field(default_factory=dict)
    expected_rows: int = 0  # rows the export writes, as counted when it was prepared (a job's progress)

    @property
    def profile(self) -> list[str]:
        """The respondent-profile columns this instrument asks for."""
        return [name for name in PROFILE_FIELDS if self.definition.has_item(name)]

    @property
    def columns(self) -> list[str]:
        """The header: place and profile columns, then one column per item (per option of a multi-select)."""
        return PLACE_COLUMNS + self.profile + [column for column, _, _ in self.item_columns]

    def empty_note(self) -> str:
        """Why the export has no rows, in Vietnamese then English (shown in the file and before download)."""
        if self.withheld_responses:
            return (f"Không xuất phiếu nào: {self.withheld_responses} phiếu thuộc {self.withheld_groups} nơi có ít hơn "
                    f"{self.min_n} phiếu nên bị ẩn để bảo vệ người trả lời. / No response exported: "
                    f"{self.withheld_responses} responses at {self.withheld_groups} place(s) with fewer than "
                    f"{self.min_n} responses are withheld to protect respondents.")
        return ("Không có phiếu nào trong kỳ và phạm vi đã chọn. / "
                "There are no responses for the chosen period and scope.")

    def codebook(self) -> list[list[str]]:
        """Rows [column, label_vi, label_en, values] describing every column."""
        return codebook_rows(self)

    def rows(self) -> Iterator[list[Any]]:
        """Data rows in response order, numbered from 1, from the packed answer codes, a chunk at a time."""
        from survey.services.exports.packed_rows import packed_rows

        return packed_rows(self)

    def rows_from_answers(self) -> Iterator[list[Any]]:
        """The same rows from the answers table, PAGE responses at a time (keyset pagination): the reference."""
        index, options = self._layout()
        profile = self.profile
        number, last_id = 0, 0
        while True:
            page = db.session.execute(select(*_RESPONSE_COLUMNS).where(self.where, Response.id > last_id)
                                      .order_by(Response.id).limit(PAGE)).all()
            if not page:
                return
            last_id = page[-1][0]
            answers = _answers([r[0] for r in page])
            for r in page:
                if (r.unit_id, r.agency_id, r.service_point_id) not in self.allowed:
                    continue
                number += 1
                yield self._row(number, r, answers.get(r[0], ()), index, options, profile)

    def _layout(self) -> tuple[dict[tuple[int, int | None], int], dict[int, list[int]]]:
        """(item id, option code or None) → column, and multi-select item id → its option columns."""
        index = {(item_id, choice): i for i, (_, item_id, choice) in enumerate(self.item_columns)}
        options: dict[int, list[int]] = defaultdict(list)
        for i, (_, item_id, choice) in enumerate(self.item_columns):
            if choice is not None:
                options[item_id].append(i)
        return index, options

    def _items(self, answers: Any, index: dict, options: dict[int, list[int]]) -> list[Any]:
        """The item cells of one response from its (item id, code) answer rows."""
        items: list[Any] = [None] * len(self.item_columns)
        for item_id, code in answers:
            if item_id in options:
                for i in options[item_id]:
                    items[i] = items[i] or 0  # the item was answered: options not chosen are 0, not blank
                i = index.get((item_id, code))
                if i is not None:
                    items[i] = 1
            elif (i := index.get((item_id, None))) is not None:
                items[i] = code
        return items

    def _row(self, number: int, r: Any, answers: Any, index: dict, options: dict[int, list[int]],
             profile: list[str]) -> list[Any]:
        items = self._items(answers, index, options)
        unit = self.places["unit"][r.unit_id]
        return [number, self.instrument, self.version, f"{r.local_date:%Y-%m}", unit[2], unit[0], unit[1],
                self.places["agency"][r.agency_id], self.places["point"][r.service_point_id], r.channel,
                r.procedure_code, r.field_code, *[getattr(r, name) for name in profile], *items]


_RESPONSE_COLUMNS = (Response.id, Response.local_date, Response.unit_id, Response.agency_id, Response.service_point_id,
                     Response.channel, Response.procedure_code, Response.field_code,
                     *[getattr(Response, name) for name in PROFILE_FIELDS])


def answer_items(export: ResponseExport, response_ids: list[int]) -> list[list[Any]]:
    """The item cells of these responses (in this order) read from the answers table, as the reference path does."""
    index, options = export._layout()
    answers = _answers(response_ids)
    return [export._items(answers.get(rid, ()), index, options) for rid in response_ids]


def _answers(response_ids: list[int]) -> dict[int, list[tuple[int, int]]]:
    """(item id, code) pairs of each response in the page."""
    by_response: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = db.session.execute(select(Answer.response_id, Answer.item_id, Answer.code)
                              .where(Answer.response_id.in_(response_ids)))
    for response_id, item_id, code in rows:
        by_response[response_id].append((item_id, code))
    return by_response


def _item_columns(definition: Definition, version_id: int) -> list[tuple[str, int, int | None]]:
    """Coded, non-profile items in form order; a multi-select item becomes one 0/1 column per option."""
    ids = dict(db.session.execute(select(Item.code, Item.id).where(Item.version_id == version_id)).all())
    columns: list[tuple[str, int, int | None]] = []
    for item in definition.items():
        qtype = REGISTRY[item.type]
        if item.profile or not qtype.tallied or item.code not in ids:
            continue  # profile answers are response columns; free text is never exported raw
        if qtype.multiple:
            columns += [(f"{item.code}.{code}", ids[item.code], code) for code in qtype.codes_for(item)]
        else:
            columns.append((item.code, ids[item.code], None))
    return columns


def response_export(scope: Scope, instrument: str, period: str, unit: str | None = None,
                    version: int | None = None, min_n: int = DEFAULT_MIN_N) -> ResponseExport:
    """Prepare the anonymised export of `instrument` (its latest published version unless `version`) for `period`,
    limited to `unit` and the units under it and to the caller's scope. Rows are read when `rows()` is iterated."""
    require(scope, "results.export")
    stored = current_version(instrument, version)
    span = parse_period(period)
    where = and_(Response.instrument_version_id == stored.id, Response.local_date.between(span.start, span.end),
                 Response.campaign_id.is_(None),
                 scope_filter(scope, Response.unit_id, Response.agency_id))
    filters: dict[str, frozenset[int] | None] = {"units": scope.unit_ids, "agencies": scope.agency_ids, "only": None}
    if unit:
        filters["only"] = frozenset(descendant_ids(check_unit(scope, find_unit(unit), unit)))
        where = and_(where, Response.unit_id.in_(sorted(filters["only"])))
    with small_page_cache():  # one pass over the period's rows: SQLite's 256 MB page cache would keep them all
        groups = db.session.execute(select(Response.unit_id, Response.agency_id, Response.service_point_id,
                                           func.count()).where(where)
                                    .group_by(Response.unit_id, Response.agency_id, Response.service_point_id)).all()
    allowed = {(u, a, s) for u, a, s, n in groups if n >= min_n}
    small = [n for u, a, s, n in groups if n < min_n]
    definition = parse_definition(stored.definition)
    export = ResponseExport(instrument=stored.instrument.code, version=stored.version, version_id=stored.id,
                            period=span, min_n=min_n, where=where, definition=definition,
                            item_columns=_item_columns(definition, stored.id),
                            allowed=allowed, withheld_responses=sum(small), withheld_groups=len(small),
                            filters=filters, expected_rows=sum(n for *_, n in groups if n >= min_n))
    export.places = _places(allowed)
    return export


def _places(groups: set[tuple[int, int, int]]) -> dict[str, dict[int, Any]]:
    """Codes and names of the units, agencies and service points that appear, looked up once."""
    unit_ids = {u for u, _, _ in groups}
    units: dict[int, Any] = {}
    for unit in db.session.scalars(select(Unit).where(Unit.id.in_(sorted(unit_ids)))):
        province = unit
        while province.parent is not None:
            province = province.parent
        units[unit.id] = (unit.code, unit.name, province.code)
    agencies = dict(db.session.execute(select(Agency.id, Agency.code)
                                       .where(Agency.id.in_(sorted({a for _, a, _ in groups})))).all())
    points = dict(db.session.execute(select(ServicePoint.id, ServicePoint.code)
                                     .where(ServicePoint.id.in_(sorted({s for _, _, s in groups})))).all())
    return {"unit": units, "agency": agencies, "point": points}

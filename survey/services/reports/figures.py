"""Figures a report needs beyond the index table: low-score reasons, approved comments and priorities, counted in
the database per place key (unit, agency or service point) so a whole province takes one query each."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, and_, func, literal, select

from survey.extensions import db
from survey.indices import priority_index
from survey.instruments.definition import Definition
from survey.instruments.types import REGISTRY
from survey.models import Answer, AnswerTally, Comment, Item, Response
from survey.reports.data import Bilingual, Count, Priority
from survey.services.indices.periods import Period

COMMENT_SAMPLE = 5  # approved comments printed per unit
LOW_SCORES = frozenset({1, 2, 3})  # a question asked only after answers in here collects reasons for low scores
KEY_COLUMNS = {"unit": Response.unit_id, "agency": Response.agency_id, "service_point": Response.service_point_id}
WHOLE = 0  # the key of every figure when no place key is asked for (one summary's own responses)


def _key_column(key: str | None):
    return KEY_COLUMNS[key] if key else literal(WHOLE)


@dataclass(frozen=True)
class Slice:
    """The responses a report reads: one instrument version in one period, within a set of units/agencies."""

    version_id: int | None  # None: every instrument version
    period: Period
    unit_ids: frozenset[int] | None = None
    agency_ids: frozenset[int] | None = None
    service_point_id: int | None = None

    def where(self) -> ColumnElement[bool]:
        """The WHERE clause over responses."""
        clauses = [Response.local_date.between(self.period.start, self.period.end), Response.campaign_id.is_(None)]
        if self.version_id is not None:
            clauses.append(Response.instrument_version_id == self.version_id)
        if self.unit_ids is not None:
            clauses.append(Response.unit_id.in_(sorted(self.unit_ids)))
        if self.agency_ids is not None:
            clauses.append(Response.agency_id.in_(sorted(self.agency_ids)))
        if self.service_point_id is not None:
            clauses.append(Response.service_point_id == self.service_point_id)
        return and_(*clauses)


def answer_counts(part: Slice, key: str | None, item_ids: list[int]) -> list[tuple[int, int, int, int]]:
    """(place, item id, code, count) for some items: from the monthly tallies when the period is whole months
    (a year of a province is then a few thousand rows), else by GROUP BY over the raw answers."""
    if part.period.months is None or part.version_id is None:
        column = _key_column(key)
        return [tuple(r) for r in db.session.execute(
            select(column, Answer.item_id, Answer.code, func.count()).join(Response, Response.id == Answer.response_id)
            .where(part.where(), Answer.item_id.in_(item_ids)).group_by(column, Answer.item_id, Answer.code))]
    first, last = part.period.months
    t = AnswerTally
    column = {"unit": t.unit_id, "agency": t.agency_id, "service_point": t.service_point_id}[key] if key \
        else literal(WHOLE)
    clauses = [t.instrument_version_id == part.version_id, t.month.between(first, last), t.item_id.in_(item_ids)]
    if part.unit_ids is not None:
        clauses.append(t.unit_id.in_(sorted(part.unit_ids)))
    if part.agency_ids is not None:
        clauses.append(t.agency_id.in_(sorted(part.agency_ids)))
    if part.service_point_id is not None:
        clauses.append(t.service_point_id == part.service_point_id)
    codes = range(10)
    rows = db.session.execute(select(column, t.item_id, *[func.sum(getattr(t, f"n{c}")) for c in codes])
                              .where(*clauses).group_by(column, t.item_id)).all()
    return [(place, item, code, int(n)) for place, item, *counts in rows
            for code, n in zip(codes, counts) if n]


def reason_item(definition: Definition) -> str | None:
    """The multi-select question asked only after a low score (KIOSK-QUICK's R), if the instrument has one."""
    for placement in definition.placements:
        if REGISTRY[placement.item.type].multiple and placement.conditions and all(
                c.values <= LOW_SCORES for c in placement.conditions):
            return placement.code
    return None


def _item_ids(version_id: int, codes: list[str]) -> dict[str, int]:
    return dict(db.session.execute(select(Item.code, Item.id).where(Item.version_id == version_id,
                                                                    Item.code.in_(codes))).all())


def reasons_by_key(definition: Definition, part: Slice, key: str | None = None) -> dict[int, list[Count]]:
    """Per place id (or WHOLE when `key` is None), the low-score reasons and how often each was chosen,
    most frequent first."""
    code = reason_item(definition)
    ids = _item_ids(part.version_id, [code]) if code else {}
    if not ids:
        return {}
    item = definition.item(code)
    qtype = REGISTRY[item.type]
    labels = {c: Bilingual(vi, dict(qtype.options(item, "en")).get(c, "")) for c, vi in qtype.options(item, "vi")}
    rows = answer_counts(part, key, [ids[code]])
    out: dict[int, list[Count]] = defaultdict(list)
    for place, _item, answer, count in sorted(rows, key=lambda r: (-r[3], r[2])):
        out[place].append(Count(labels.get(answer, Bilingual(str(answer))), count))
    return out


def comments_by_key(part: Slice, key: str | None = None, limit: int = COMMENT_SAMPLE) -> dict[int, list[str]]:
    """Per place id (or WHOLE), up to `limit` approved comments, newest first (one window query for all places)."""
    column = _key_column(key)
    ranked = (select(column.label("place"), Comment.text,
                     func.row_number().over(partition_by=column,
                                            order_by=(Comment.created_at.desc(), Comment.id.desc())).label("rn"))
              .join(Response, Response.id == Comment.response_id)
              .where(part.where(), Comment.status == "approved", Comment.text.is_not(None))
              .subquery())
    rows = db.session.execute(select(ranked.c.place, ranked.c.text).where(ranked.c.rn <= limit)
                              .order_by(ranked.c.place, ranked.c.rn)).all()
    out: dict[int, list[str]] = defaultdict(list)
    for place, text in rows:
        out[place].append(text)
    return out


def priorities(definition: Definition, part: Slice, min_n: int) -> list[Priority]:
    """SIPAS-1001 improvement priorities (prio3 items), most pressing first, each only when at least `min_n`
    people answered it; empty for other instruments."""
    codes = [item.code for item in definition.items() if item.type == "prio3"]
    ids = _item_ids(part.version_id, codes) if codes else {}
    if not ids:
        return []
    rows = answer_counts(part, None, sorted(ids.values()))
    if not rows:
        return []
    code_of = {v: k for k, v in ids.items()}
    counts = pd.DataFrame([("all", code_of[i], c, n) for _, i, c, n in rows], columns=["cell", "item", "code", "count"])
    ranked = priority_index(counts)
    return [Priority(Bilingual(definition.item(r.item).label("vi"), definition.item(r.item).label("en")),
                     None if pd.isna(r.pct) else float(r.pct))
            for r in ranked.itertuples() if not pd.isna(r.pct) and r.n_valid >= min_n]

"""Roll-up tallies: answer counts and respondent-score sums per month and place, kept current on every insert."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, delete, func, select, text

from survey.extensions import db
from survey.indices import (Scorer, Structure, respondent_scores, score_response, scorer_for,
                            structure_from_definition)
from survey.models import AnswerTally, InstrumentVersion, Item, Response, ScoreTally
from survey.models.tallies import TALLY_KEY
from survey.services.storage.sql import bulk_insert_arrays, driver_connection
from survey.services.storage.sql import insert_rows

CODES = range(10)  # instruments keep every tallied code within 0–9 (one column per code)
COUNT_COLUMNS = tuple(f"n{c}" for c in CODES)
CHUNK = 50_000  # responses per read while rebuilding: bounds memory to a few tens of MB
ITEM_SPAN, CODE_SPAN = 1 << 24, 100  # packing of (response, item, code) into one integer: codes are 0–99

# Upserts run on the driver connection (storage.sql.insert_rows): the per-submission ones are a hot path.
ANSWER_COLUMNS = (*TALLY_KEY, "item_id", *COUNT_COLUMNS)
_ANSWER_CONFLICT = (f"ON CONFLICT ({', '.join(TALLY_KEY)}, item_id) DO UPDATE SET "
                    + ", ".join(f"{c} = answer_tallies.{c} + excluded.{c}" for c in COUNT_COLUMNS))
SCORE_COLUMNS = (*TALLY_KEY, "component", "n", "total", "total_sq")
_SCORE_CONFLICT = (f"ON CONFLICT ({', '.join(TALLY_KEY)}, component) DO UPDATE SET "
                   "n = score_tallies.n + excluded.n, total = score_tallies.total + excluded.total, "
                   "total_sq = score_tallies.total_sq + excluded.total_sq")

_structures: dict[str, Structure] = {}  # definition_hash → Structure (published definitions never change)
_scorers: dict[tuple, Scorer] = {}  # (version id, definition hash, first item id, item count) → Scorer
# One cheap query per submission tells whether the cached scorer still describes this version's items: a version
# id and its item ids can be reused after a restore or a test wipe, but never with the same hash and id range.
_VERSION_ITEMS = (select(InstrumentVersion.definition_hash, func.min(Item.id), func.count(Item.id))
                  .outerjoin(Item, Item.version_id == InstrumentVersion.id)
                  .where(InstrumentVersion.id == bindparam("version_id"))
                  .group_by(InstrumentVersion.definition_hash))


def version_scorer(version_id: int) -> Scorer:
    """The scorer of a stored instrument version, keyed by item id."""
    digest, first, count = db.session.execute(_VERSION_ITEMS, {"version_id": version_id}).one()
    key = (version_id, digest, first, count)
    scorer = _scorers.get(key)
    if scorer is None:
        structure = _structures.get(digest)
        if structure is None:
            definition = db.session.scalar(select(InstrumentVersion.definition)
                                           .where(InstrumentVersion.id == version_id))
            structure = _structures[digest] = structure_from_definition(definition)
        item_ids = dict(db.session.execute(select(Item.code, Item.id).where(Item.version_id == version_id)).all())
        if len(_scorers) >= 256:
            _scorers.clear()
        scorer = _scorers[key] = scorer_for(structure, item_ids)
    return scorer


def month_of(day) -> int:
    """A local date as yyyymm."""
    return day.year * 100 + day.month


def tally_response(response: Response, scorer: Scorer | None = None, conn: Connection | None = None) -> None:
    """Add one flushed response (and its answers) to the tallies, inside the caller's transaction; `scorer` is
    its version's (looked up when not given), `conn` the session's connection when the caller holds it."""
    tally_responses([(response, scorer or version_scorer(response.instrument_version_id))], conn)


def tally_responses(scored: list[tuple[Response, Scorer]], conn: Connection | None = None) -> None:
    """Add flushed responses, each with its version's scorer, to the tallies: one upsert per table for all."""
    counts: dict[tuple, list[int]] = {}
    sums: dict[tuple, list[float]] = {}
    for response, scorer in scored:
        key = (response.instrument_version_id, month_of(response.local_date), response.unit_id,
               response.service_point_id, response.agency_id, response.channel)  # TALLY_KEY's order
        pairs = [(a.item_id, a.code) for a in response.answers]
        for item, code in pairs:
            if code in CODES:
                counts.setdefault((*key, item), [0] * len(CODES))[code] += 1
        for comp, score in score_response(scorer, pairs).items():
            acc = sums.setdefault((*key, comp), [0, 0.0, 0.0])
            acc[0], acc[1], acc[2] = acc[0] + 1, acc[1] + score, acc[2] + score * score
    # Sorted rows: concurrent transactions lock tally rows in one order and cannot deadlock on each other.
    answer_rows = [dict(zip(ANSWER_COLUMNS, (*key, *row))) for key, row in sorted(counts.items())]
    score_rows = [dict(zip(SCORE_COLUMNS, (*key, *acc))) for key, acc in sorted(sums.items())]
    _upsert(answer_rows, score_rows, conn)


def _upsert(answer_rows: list[dict], score_rows: list[dict], conn: Connection | None = None) -> None:
    if answer_rows:
        insert_rows("answer_tallies", ANSWER_COLUMNS, answer_rows, _ANSWER_CONFLICT, conn)
    if score_rows:
        insert_rows("score_tallies", SCORE_COLUMNS, score_rows, _SCORE_CONFLICT, conn)


def tally_frames(responses: pd.DataFrame, answers: pd.DataFrame) -> None:
    """Add many responses at once (bulk loaders): upserts the same increments `tally_response` would.

    Input `responses`: [id, instrument_version_id, month, unit_id, service_point_id, agency_id, channel];
    `answers`: [response_id, item_id, code].
    """
    answer_inc, score_inc = increments(responses, answers, {})
    _upsert(answer_inc.to_dict("records"), score_inc.to_dict("records"))


def increments(responses: pd.DataFrame, answers: pd.DataFrame,
               scorers: dict[int, Scorer]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tally increments of a batch: ([*TALLY_KEY, item_id, n0…n9], [*TALLY_KEY, component, n, total, total_sq])."""
    keys = responses[list(TALLY_KEY)].drop_duplicates().reset_index(drop=True)
    key_of = responses[["id", *TALLY_KEY]].merge(keys.reset_index(names="key"), on=list(TALLY_KEY))
    key_by_response = pd.Series(key_of["key"].to_numpy(), index=key_of["id"].to_numpy())
    at = key_by_response.reindex(answers["response_id"].to_numpy()).to_numpy()
    code = answers["code"].to_numpy()
    keep = ~np.isnan(at) & (code >= 0) & (code <= 9)
    counted = pd.DataFrame({"key": at[keep].astype(np.int64), "item_id": answers["item_id"].to_numpy()[keep],
                            "code": code[keep]})
    answer_inc = _count_groups(counted, keys)

    score_parts = []
    versions = responses[["id", "instrument_version_id"]]
    for version_id, ids in versions.groupby("instrument_version_id")["id"]:
        scorer = scorers.get(version_id) or scorers.setdefault(version_id, version_scorer(int(version_id)))
        mine = answers[answers["response_id"].isin(ids)]
        scores = respondent_scores(scorer, mine.rename(columns={"response_id": "respondent", "item_id": "item"}))
        scores["key"] = key_by_response.reindex(scores["respondent"].to_numpy()).to_numpy().astype(np.int64)
        score_parts.append(scores)
    score_inc = _score_groups(pd.concat(score_parts, ignore_index=True) if score_parts else None, keys)
    return answer_inc, score_inc


def _count_groups(counted: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Answers per tally key and item, one column per code (one sort of packed integers, no pandas groupby)."""
    if counted.empty:
        return pd.DataFrame(columns=[*TALLY_KEY, "item_id", *COUNT_COLUMNS])
    packed = (counted["key"].to_numpy() * ITEM_SPAN + counted["item_id"].to_numpy()) * CODE_SPAN + \
        counted["code"].to_numpy()
    combos, n = np.unique(packed, return_counts=True)
    pairs, row = np.unique(combos // CODE_SPAN, return_inverse=True)
    wide = np.zeros((len(pairs), len(CODES)), dtype=np.int64)
    wide[row, combos % CODE_SPAN] = n
    out = keys.loc[pairs // ITEM_SPAN].reset_index(drop=True)
    out["item_id"] = pairs % ITEM_SPAN
    out[list(COUNT_COLUMNS)] = wide
    return out


def _score_groups(scores: pd.DataFrame | None, keys: pd.DataFrame) -> pd.DataFrame:
    """Σ per tally key and component of respondent scores."""
    if scores is None or scores.empty:
        return pd.DataFrame(columns=[*TALLY_KEY, "component", "n", "total", "total_sq"])
    scores = scores.assign(sq=scores["score"] ** 2)
    grouped = scores.groupby(["key", "component"]).agg(n=("score", "size"), total=("score", "sum"),
                                                        total_sq=("sq", "sum")).reset_index()
    out = keys.loc[grouped["key"].to_numpy()].reset_index(drop=True)
    return pd.concat([out, grouped[["component", "n", "total", "total_sq"]]], axis=1)


class TallyBatch:
    """Increments of many bulk-loaded chunks, summed in memory and written once (no read-back of answers)."""

    def __init__(self) -> None:
        self.scorers: dict[int, Scorer] = {}
        self.answer_parts: list[pd.DataFrame] = []
        self.score_parts: list[pd.DataFrame] = []
        self.settled: list[tuple[pd.DataFrame, pd.DataFrame]] = []

    def add(self, responses: pd.DataFrame, answers: pd.DataFrame) -> None:
        """Count a chunk; columns as for `tally_frames`."""
        answer_inc, score_inc = increments(responses, answers, self.scorers)
        self.answer_parts.append(answer_inc)
        self.score_parts.append(score_inc)
        if len(self.answer_parts) >= 16:  # sum as it goes to bound memory
            self.answer_parts, self.score_parts = [self._answers()], [self._scores()]

    def settle(self) -> None:
        """Sum the chunks so far once and for all: no later chunk shares a key with them (a national load calls
        this after each province, whose places are its own), so they are never re-sorted with later ones."""
        if self.answer_parts:
            self.settled.append((self._answers(), self._scores()))
            self.answer_parts, self.score_parts = [], []

    def months(self) -> set[int]:
        """The months the batch counted (yyyymm)."""
        frames = self.answer_parts + self.score_parts + [f for pair in self.settled for f in pair]
        return {int(m) for part in frames for m in part["month"].unique().tolist()}

    def _answers(self) -> pd.DataFrame:
        return _sum_parts(self.answer_parts, [*TALLY_KEY, "item_id"], list(COUNT_COLUMNS))

    def _scores(self) -> pd.DataFrame:
        return _sum_parts(self.score_parts, [*TALLY_KEY, "component"], ["n", "total", "total_sq"])

    def write(self) -> dict[str, int]:
        """Insert the sums (empty tallies) or add them to the stored ones; returns rows written."""
        self.settle()
        answer_all = pd.concat([a for a, _ in self.settled], ignore_index=True) if self.settled else self._answers()
        score_all = pd.concat([s for _, s in self.settled], ignore_index=True) if self.settled else self._scores()
        if db.session.scalar(select(AnswerTally.month).limit(1)) is None and \
                db.session.scalar(select(ScoreTally.month).limit(1)) is None:
            _insert(AnswerTally.__tablename__, answer_all)
            _insert(ScoreTally.__tablename__, score_all)
        else:
            _upsert(_records(answer_all), _records(score_all))
        _analyze()
        return {"answer_tallies": len(answer_all), "score_tallies": len(score_all)}


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of Python scalars for executemany."""
    columns = list(frame.columns)
    return [dict(zip(columns, row)) for row in _plain_rows(frame)]


def rebuild_tallies() -> dict[str, int]:
    """Recount every tally from the stored responses (after bulk loads or a restore); returns rows written."""
    db.session.execute(delete(AnswerTally))
    db.session.execute(delete(ScoreTally))
    last = db.session.scalar(select(Response.id).order_by(Response.id.desc()).limit(1)) or 0
    scorers: dict[int, Scorer] = {}
    answer_parts, score_parts = [], []
    for low in range(1, last + 1, CHUNK):
        responses, answers = _read_chunk(low, low + CHUNK - 1)
        if responses.empty:
            continue
        answer_inc, score_inc = increments(responses, answers, scorers)
        answer_parts.append(answer_inc)
        score_parts.append(score_inc)
    answer_all = _sum_parts(answer_parts, [*TALLY_KEY, "item_id"], list(COUNT_COLUMNS))
    score_all = _sum_parts(score_parts, [*TALLY_KEY, "component"], ["n", "total", "total_sq"])
    _insert(AnswerTally.__tablename__, answer_all)
    _insert(ScoreTally.__tablename__, score_all)
    _analyze()
    return {"answer_tallies": len(answer_all), "score_tallies": len(score_all)}


def _analyze() -> None:
    """Fresh planner statistics after bulk loads: without them PostgreSQL plans for empty tables (nested loops
    over a million responses, sorts on disk) and a raw GROUP BY over a province-year takes minutes, not seconds."""
    tables = [AnswerTally.__tablename__, ScoreTally.__tablename__]
    if db.engine.dialect.name == "postgresql":
        tables += [Response.__tablename__, "answers"]
    for table in tables:
        db.session.execute(text(f"ANALYZE {table}"))


def _sum_parts(parts: list[pd.DataFrame], key: list[str], values: list[str]) -> pd.DataFrame:
    """Chunks touch the same keys (a month spans many chunks): add them up."""
    if not parts:
        return pd.DataFrame(columns=[*key, *values])
    return pd.concat(parts, ignore_index=True).groupby(key, sort=True)[values].sum().reset_index()


def _insert(table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    columns = list(frame.columns)
    # Every tally column is an integer, a float sum or a short label (channel, component).
    types = ["float8" if frame[c].dtype.kind == "f" else "int4" if frame[c].dtype.kind in "iu" else "text"
             for c in columns]
    bulk_insert_arrays(table, columns, [frame[c].to_numpy() for c in columns], types)


def _plain_rows(frame: pd.DataFrame) -> Iterable[tuple]:
    """Rows of Python scalars (drivers refuse numpy integers)."""
    return frame.astype(object).itertuples(index=False, name=None)


def _read_chunk(low: int, high: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Responses with ids in [low, high] and their answers, read through the driver for speed."""
    month = ("CAST(strftime('%Y', local_date) AS INTEGER) * 100 + CAST(strftime('%m', local_date) AS INTEGER)"
             if db.engine.dialect.name == "sqlite"
             else "CAST(EXTRACT(YEAR FROM local_date) * 100 + EXTRACT(MONTH FROM local_date) AS INTEGER)")
    responses = pd.DataFrame(
        _fetch(f"SELECT id, instrument_version_id, {month}, unit_id, service_point_id, agency_id, channel "
               "FROM responses WHERE id BETWEEN {p} AND {p} AND campaign_id IS NULL", (low, high)),
        columns=["id", *TALLY_KEY])
    # One integer per answer: drivers build a Python tuple per row, so fewer columns read much faster.
    rows = _fetch(f"SELECT (CAST(response_id AS BIGINT) * {ITEM_SPAN} + item_id) * {CODE_SPAN} + code FROM answers "
                  "WHERE response_id BETWEEN {p} AND {p}", (low, high))
    packed = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    answers = pd.DataFrame({"response_id": packed // (ITEM_SPAN * CODE_SPAN),
                            "item_id": packed // CODE_SPAN % ITEM_SPAN, "code": packed % CODE_SPAN})
    return responses, answers


def _fetch(sql: str, params: tuple) -> list[tuple]:
    """Rows of a statement whose placeholders are written {p}, on the session's own connection."""
    conn = driver_connection()
    mark = "?" if db.engine.dialect.name == "sqlite" else "%s"
    cursor = conn.cursor()
    try:
        cursor.execute(sql.replace("{p}", mark), params)
        return cursor.fetchall()
    finally:
        cursor.close()

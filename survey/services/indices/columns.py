"""Breakdowns from the columnar blocks (`response_blocks`): every breakdown, filter and date range in well under a
second at a million responses, with the same figures as the raw path (counts.count_from_responses).

Sealed responses (id ≤ the version's mark) are read as blocks, one blob per version, month, province and seal; the
few responses since the mark (the tail) are read raw and counted the same way. Nothing runs on the submission path:
a question that finds a tail of SEAL_AT responses or more seals it first (one short write), bulk loaders call
`seal_all`. The mark is read first and only blocks sealed up to it are read, so a seal committing meanwhile never
counts a response twice or drops one. Only responses received SETTLE ago are sealed: a response whose transaction
commits after a later id was sealed would otherwise fall behind the mark (group commits last milliseconds).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import text

from survey.extensions import db
from survey.indices import Scorer, scorer_for, structure_from_definition
from survey.services.indices import blocks
from survey.services.indices.block_counts import ColumnCounts
from survey.services.indices.block_summaries import Summaries, summarise
from survey.services.indices.packed_answers import layout
from survey.services.storage.sql import _expand_lists, _pyformat, db_time, small_page_cache, stream_rows

log = logging.getLogger(__name__)
SEAL_AT = 20_000  # tail responses a question tolerates before it seals them
SETTLE = timedelta(minutes=2)
CHUNK = 100_000  # responses per block while sealing: bounds the sealer's memory
CLEAN_COLUMN = "quality_flags"  # quality.flagged.clean_where's filter: 0 = no flag
_SELECT = f"SELECT {', '.join('r.' + c for c in blocks.ROW_COLUMNS)} FROM responses r"


def count_columns(column: str | tuple[str, ...], filters, scorer: Scorer | None, known: tuple[str, ...] = (),
                  items: set[int] | None = None, key_of: np.ndarray | None = None) -> ColumnCounts:
    """Counts keyed by `column` (a response column, or a tuple of them: keys are then tuples) for `filters`
    (counts.Filters), from blocks and tail; `known` columns leave out the rows where they are missing; `items`
    (item ids) counts only those items' codes (None: every item).

    By unit over whole months (no filter but the clean view, every agency) the blocks' summaries are added up
    instead of their columns. `key_of` (unit id → key, a lookup array) counts units under another key: their
    province for the table by province."""
    if items is not None and scorer is not None:
        raise ValueError("a respondent's score needs every item of the version: count all items or none")
    version = filters.version_id
    width = len(layout(version))
    mark = _mark(version)
    if _tail_reaches(version, mark, SEAL_AT):
        seal(version)
        mark = _mark(version)
    counts = ColumnCounts(layout(version), scorer)
    skip = _other_slots(layout(version), items)
    start, end = (int(d.strftime("%Y%m%d")) for d in (filters.period.start, filters.period.end))
    units = None if filters.unit_ids is None else np.array(sorted(filters.unit_ids), dtype=np.int32)
    agencies = None if filters.agency_ids is None else np.array(sorted(filters.agency_ids), dtype=np.int32)
    where = dict(filters.where or {})
    clean = where.pop(CLEAN_COLUMN, None) == 0  # the clean view: blocks hold every response, flagged or not
    keyed = key_of if column == "unit_id" else None
    sql = ("FROM response_blocks WHERE instrument_version_id = :version AND month BETWEEN :first "
           "AND :last AND sealed_through <= :mark")
    params = {"version": version, "first": start // 100, "last": end // 100, "mark": mark}
    if filters.unit_ids is not None:
        sql += " AND root_unit_id IN :roots"
        roots = _roots()
        params["roots"] = sorted(set(roots.get(u, u) for u in filters.unit_ids))
    if summarised(column, filters) and scorer is not None and not known and items is None:
        summaries = Summaries(counts, units, keyed)
        for blob in _blobs(f"SELECT summary {sql} AND summary IS NOT NULL", params):
            summaries.add(blob)
        summaries.finish()
        sql += " AND summary IS NULL"  # blocks sealed before summaries existed: counted from their columns
    for blob in _blobs(f"SELECT data {sql}", params):
        _count_block(counts, _without(blocks.loads(blob), skip), column, start, end, units, agencies, where,
                     known=known, key_of=keyed)
    # "+ 0": SQLite would otherwise walk the version's whole date index instead of the few ids past the mark.
    tail_sql = (f"{_SELECT} WHERE r.instrument_version_id + 0 = :version AND r.id > :mark AND r.campaign_id IS NULL "
                "AND r.local_date BETWEEN :start AND :end")
    tail = {"version": version, "mark": mark, "start": filters.period.start, "end": filters.period.end}
    raw = [(tail_sql + (" AND r.quality_flags = 0" if clean else ""), 1)]
    if clean:  # the flagged responses inside the blocks are taken away again (few: ix_responses_flagged)
        raw.append((f"{_SELECT} WHERE r.instrument_version_id = :version AND r.local_date BETWEEN :start AND :end "
                    "AND r.quality_flags <> 0 AND r.id <= :mark AND r.campaign_id IS NULL", -1))
    with small_page_cache():  # flagged rows lie anywhere in the table: their pages are read once
        for sql, sign in raw:
            for part in stream_rows(sql, tail, CHUNK):
                for columns in blocks.from_rows(part, width).values():
                    _count_block(counts, _without(columns, skip), column, start, end, units, agencies, where, sign,
                                 known, keyed)
    return counts


def summarised(column, filters) -> bool:
    """True when the blocks' summaries answer: by unit, whole months, no filter but the clean view, every agency."""
    return (column == "unit_id" and filters.period.months is not None and filters.agency_ids is None
            and set(filters.where or {}) <= {CLEAN_COLUMN})


def _count_block(counts: ColumnCounts, columns: dict, column: str | tuple[str, ...], start: int, end: int, units,
                 agencies, where: dict, sign: int = 1, known: tuple[str, ...] = (),
                 key_of: np.ndarray | None = None) -> None:
    keep = blocks.mask(columns, start, end, units, agencies, where)
    for name in known:
        keep &= columns[name] >= 0  # -1: not given
    if not keep.any():
        return
    whole = bool(keep.all())  # a province-month asked whole: no copies of its columns
    names = (column,) if isinstance(column, str) else column
    inverse, radix, values = None, [], []
    for name in names:  # each column's codes, then one mixed-radix code per row for the tuple
        raw, words = blocks.values(columns, name)
        uniques, part = _codes(raw if whole else raw[keep])
        if key_of is not None and name == "unit_id":  # units under their province: several codes, one key
            uniques = key_of[uniques]
        values.append([None if u < 0 else (words[u] if words is not None else int(u)) for u in uniques.tolist()])
        radix.append(len(uniques))
        inverse = part if inverse is None else inverse * len(uniques) + part
    if len(names) == 1:
        keys = values[0]
    else:
        uniques, inverse = _codes(inverse)
        keys = _tuples_of(uniques, radix, values)
    counts.add_block(keys, inverse, columns, None if whole else keep, len(keep), sign)


def _other_slots(slots: tuple[int, ...], items: set[int] | None) -> frozenset[str]:
    """Block column names of the items not asked for (none when every item is)."""
    if items is None:
        return frozenset()
    return frozenset(f"{kind}{slot}" for slot, item in enumerate(slots) if item not in items for kind in "sm")


def _without(columns: dict, skip: frozenset[str]) -> dict:
    """The block's columns less the items not counted: a missing item column is one nobody answered."""
    return {k: v for k, v in columns.items() if k not in skip} if skip else columns


def _tuples_of(codes: np.ndarray, radix: list[int], values: list[list]) -> list[tuple]:
    """The column values behind mixed-radix codes, one tuple per code."""
    parts = []
    for size, found in zip(reversed(radix), reversed(values)):
        codes, digit = np.divmod(codes, size)
        parts.append([found[d] for d in digit.tolist()])
    return list(zip(*reversed(parts)))


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True) without a sort: the values are small integers (codes, ids)."""
    low, high = int(values.min()), int(values.max())
    if high - low > 1 << 20:
        uniques, inverse = np.unique(values, return_inverse=True)
        return uniques, inverse.reshape(-1)
    shifted = values.astype(np.int64) - low
    present = np.bincount(shifted, minlength=high - low + 1) > 0
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present) + low, rank[shifted]


def _blobs(sql: str, params: dict):
    """The blobs of a query one at a time; binary on PostgreSQL (its text protocol would send bytea as hex)."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        with small_page_cache(conn):  # each blob page is read once: 120 MB of them would stay in the pool's cache
            for part in stream_rows(sql, params, 2):
                yield from (row[0] for row in part)
        return
    sql, params = _expand_lists(sql, params)
    sql = _pyformat(sql)
    with conn.connection.driver_connection.cursor(name="survey_blocks", binary=True) as cur:
        cur.execute(sql, params)
        while part := cur.fetchmany(2):
            yield from (row[0] for row in part)


def _mark(version: int) -> int:
    found = db.session.execute(text("SELECT sealed_through FROM response_marks WHERE instrument_version_id = :v"),
                               {"v": version}).scalar()
    return int(found or 0)


def _tail_reaches(version: int, mark: int, size: int) -> bool:
    """True when `size` responses of the version or more lie past the mark (counted no further than that)."""
    # "+ 0": the id range past the mark is the way in; the version's index would walk every response it has.
    return bool(db.session.execute(text(
        "SELECT COUNT(*) FROM (SELECT 1 FROM responses WHERE id > :mark AND instrument_version_id + 0 = :v "
        "LIMIT :size) tail"), {"v": version, "mark": mark, "size": size}).scalar() >= size)


def _roots() -> dict[int, int]:
    return _roots_on(db.session.connection())


def seal(version: int, settle: timedelta = SETTLE) -> int:
    """Move the version's responses received `settle` ago and not yet sealed into blocks, in one transaction on
    its own connection (the caller's session is not touched); the number sealed, 0 when another sealer won."""
    from survey.services.responses import writelock

    engine = db.engine
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            writelock.acquire(engine.url.database)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE") if conn.dialect.name == "sqlite" else None
            return _seal_on(conn, version, settle)
        finally:
            if conn.dialect.name == "sqlite":
                writelock.release()


def _seal_on(conn, version: int, settle: timedelta) -> int:
    old = int(conn.execute(text("SELECT sealed_through FROM response_marks WHERE instrument_version_id = :v"),
                           {"v": version}).scalar() or 0)
    cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - settle
    new = conn.execute(text("SELECT MAX(id) FROM responses WHERE instrument_version_id = :v AND id > :old "
                            "AND received_at <= :cutoff"),
                       {"v": version, "old": old, "cutoff": db_time(cutoff, conn)}).scalar()
    if new is None:
        conn.rollback()
        return 0
    items, roots, sealed = tuple(_layout_on(conn, version)), _roots_on(conn), 0
    width, scorer = len(items), scorer_on(conn, version)
    sql = (f"{_SELECT} WHERE r.instrument_version_id = :v AND r.id > :old AND r.id <= :new "
           "AND r.campaign_id IS NULL ORDER BY r.id")
    for part in stream_rows(sql, {"v": version, "old": old, "new": new}, CHUNK, conn):
        for month, columns in blocks.from_rows(part, width).items():
            top = np.array([roots.get(u, u) for u in columns["unit_id"].tolist()], dtype=np.int32)
            for root in np.unique(top).tolist():
                keep = top == root
                mine = {k: (v if k.endswith("__words") else v[keep]) for k, v in columns.items()}
                write_block(conn, version, month, root, new, mine, items, scorer)
                sealed += int(keep.sum())
    if old:  # compare-and-set: a concurrent sealer that moved the mark first wins, this one rolls back
        moved = conn.execute(text("UPDATE response_marks SET sealed_through = :new WHERE instrument_version_id = :v "
                                  "AND sealed_through = :old"), {"v": version, "new": new, "old": old}).rowcount
    else:
        moved = conn.execute(text("INSERT INTO response_marks (instrument_version_id, sealed_through) "
                                  "SELECT :v, :new WHERE NOT EXISTS (SELECT 1 FROM response_marks "
                                  "WHERE instrument_version_id = :v)"), {"v": version, "new": new}).rowcount
    if moved != 1:
        conn.rollback()
        return 0
    conn.commit()
    log.info("sealed %d responses of version %d through id %d", sealed, version, new)
    return sealed


class LoadSealer:
    """Seals a bulk load from its chunks in memory, in the load's own transaction: nothing is read back. Only
    versions whose responses before the load are all sealed (no tail) are sealed this way, since their mark then
    moves to the load's last id; the others are left to `seal_all` afterwards."""

    def __init__(self) -> None:
        conn = db.session.connection()
        roots = _roots_on(conn)
        self._root = np.zeros(max(roots, default=0) + 1, dtype=np.int64)
        self._root[list(roots)] = list(roots.values())
        self._versions: dict[int, tuple | None] = {}  # version → (layout, scorer), None when it has a tail
        for version in conn.execute(text("SELECT id FROM instrument_versions")).scalars():
            # Before the load writes anything: a version with responses past its mark is not sealed here.
            tail = conn.execute(text("SELECT 1 FROM responses WHERE instrument_version_id = :v AND id > :mark "
                                     "LIMIT 1"), {"v": version, "mark": _mark(version)}).first()
            self._versions[version] = None if tail else (tuple(_layout_on(conn, version)), scorer_on(conn, version))
        self.top, self.sealed, self._loaded = 0, 0, set()

    def add(self, named: dict[str, Sequence], versions: np.ndarray) -> None:
        """A chunk just written: the values of blocks.ROW_COLUMNS and each row's version. Numbers may come as
        integer arrays with -1 for none and dates as datetime64, which spares a Python object per value."""
        conn = db.session.connection()
        ids = np.asarray(named["id"], dtype=np.int64)
        self.top = max(self.top, int(ids.max()))
        for version in np.unique(versions).tolist():
            known = self._versions.get(version)
            if known is None:
                continue
            self._loaded.add(version)
            rows = np.flatnonzero(versions == version)
            mine = {name: (values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object))[rows]
                    for name, values in named.items()}
            through = int(ids[rows].max())
            for month, columns in blocks.from_columns(mine, len(known[0])).items():
                top = self._root[columns["unit_id"]]
                for root in np.unique(top).tolist():
                    keep = top == root
                    part = {k: (v if k.endswith("__words") else v[keep]) for k, v in columns.items()}
                    write_block(conn, version, month, root, through, part, *known)
                    self.sealed += int(keep.sum())

    def finish(self) -> int:
        """Move the sealed versions' marks to the load's last id; the number of responses sealed."""
        conn = db.session.connection()
        for version in self._loaded:
            moved = conn.execute(text("UPDATE response_marks SET sealed_through = :top "
                                      "WHERE instrument_version_id = :v"), {"v": version, "top": self.top}).rowcount
            if not moved:
                conn.execute(text("INSERT INTO response_marks (instrument_version_id, sealed_through) "
                                  "VALUES (:v, :top)"), {"v": version, "top": self.top})
        return self.sealed


def write_block(conn, version: int, month: int, root: int, sealed_through: int, columns: dict[str, np.ndarray],
                items: tuple[int, ...], scorer: Scorer) -> None:
    """Store one block: its columns and their summary (block_summaries)."""
    conn.execute(text("INSERT INTO response_blocks (instrument_version_id, month, root_unit_id, sealed_through, "
                      "rows, data, summary) VALUES (:v, :m, :root, :through, :n, :data, :summary)"),
                 {"v": version, "m": month, "root": root, "through": sealed_through, "n": len(columns["id"]),
                  "data": blocks.dumps(columns), "summary": summarise(columns, items, scorer)})


def scorer_on(conn, version: int) -> Scorer:
    """The scorer of a version (keyed by item id), read on `conn`: sealers and migrations have no session."""
    definition = conn.execute(text("SELECT definition FROM instrument_versions WHERE id = :v"), {"v": version}).scalar()
    item_ids = dict(conn.execute(text("SELECT code, id FROM instrument_items WHERE version_id = :v"),
                                 {"v": version}).all())
    definition = json.loads(definition) if isinstance(definition, str) else definition
    return scorer_for(structure_from_definition(definition), item_ids)


def _layout_on(conn, version: int) -> list[int]:
    return list(conn.execute(text("SELECT id FROM instrument_items WHERE version_id = :v ORDER BY id"),
                             {"v": version}).scalars())


def _roots_on(conn) -> dict[int, int]:
    """Unit id → the id of its topmost ancestor (its province), for every unit."""
    parent = dict(conn.execute(text("SELECT id, parent_id FROM units")).all())
    roots = {}
    for unit in parent:
        node = unit
        while parent.get(node) is not None:
            node = parent[node]
        roots[unit] = node
    return roots


def seal_all(settle: timedelta = timedelta(0)) -> int:
    """Seal every version's responses (bulk loaders, `survey indices --seal`); the number sealed."""
    versions = db.session.execute(text("SELECT DISTINCT instrument_version_id FROM responses")).scalars().all()
    db.session.commit()  # the sealer writes on its own connection: let go of this session's snapshot and locks
    return sum(seal(int(v), settle) for v in versions)

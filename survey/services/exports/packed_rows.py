"""The rows of a responses export read from each response's packed answer codes, streamed a chunk at a time.

Today's path (`ResponseExport.rows_from_answers`) joins about 23 answer rows per SIPAS response; this one reads one
short row per response (its place, profile and `answer_codes`) and decodes a chunk's codes with numpy. PostgreSQL
streams them through a server-side cursor. SQLite reads windows of ids in primary-key order (NOT INDEXED: sorting a
year's rows found through the date index took its sorter and 256 MB page cache with it), with the page cache of the
connection lowered for the pass. Memory stays that of one chunk whatever the period. The CSV is made from the same
chunks (`packed_csv.py`); these rows as lists serve the XLSX writer and any other reader of `ResponseExport.rows`.

The packed codes hold codes 0–9 only (packed_answers.CODE_BITS). Every definition's codes are 0–9
(definition_check), so that is every answer any path stores; still, a response whose answers the blob cannot hold
exactly is read from the answers table instead, row for row as today's path reads it: a response with an answer
coded 10 or more (found through the partial index `ix_answers_wide_codes`, empty in practice), and one whose blob is
missing or does not fit its version's layout. Free text is never an answer row (it is a comment) and never
exported, so the blob's empty slot for a text item changes nothing.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection

from survey.extensions import db
from survey.services.indices.packed_answers import CODE_BITS, layout
from survey.services.storage.sql import fetch_all, small_page_cache, stream_rows

from survey.services.exports.responses import answer_items

if TYPE_CHECKING:
    from survey.services.exports.responses import ResponseExport

CHUNK = 5000  # responses per fetch: bounds memory whatever the export's size
WIDE = "code >= 10"  # written as the partial index's own condition, so both databases use that index
_PATTERNS = 1 << CODE_BITS
# The code of a single-answer slot: its highest code bit (today's path keeps the last of an item's answer rows, which
# come in code order), -1 for no answer.
_HIGHEST = np.array([-1] + [v.bit_length() - 1 for v in range(1, _PATTERNS)], dtype=np.int16)
_CELL = np.array([None, *range(100)], dtype=object)  # code + 1 → the cell: blank, or the code (answers hold 0–99)
_BASE = ["r.id", "r.local_date", "r.unit_id", "r.agency_id", "r.service_point_id", "r.channel", "r.procedure_code",
         "r.field_code"]


def export_sql(export: ResponseExport, dialect: str) -> tuple[list[str], list[str], dict]:
    """(columns, WHERE clauses, parameters) of the export's responses (the same filter as `export.where`); the
    second column is the month (YYYY-MM) of the local date, as the file writes it."""
    f = export.filters
    clauses = ["r.instrument_version_id = :version", "r.local_date BETWEEN :start AND :end", "r.campaign_id IS NULL"]
    params: dict[str, Any] = {"version": export.version_id, "start": export.period.start, "end": export.period.end}
    for name, column in (("units", "unit_id"), ("agencies", "agency_id"), ("only", "unit_id")):
        if f.get(name) is not None:
            clauses.append(f"r.{column} IN :{name}")
            params[name] = sorted(f[name])
    month = "to_char(r.local_date, 'YYYY-MM')" if dialect == "postgresql" else "substr(r.local_date, 1, 7)"
    base = [_BASE[0], month, *_BASE[2:]]
    return base + [f"r.{name}" for name in export.profile] + ["r.answer_codes"], clauses, params


def chunk_size(export: ResponseExport) -> int:
    """CHUNK, or fewer for a smaller export: a hundred chunks at least, so a job's progress moves by the percent."""
    return min(CHUNK, max(500, export.expected_rows // 100))


def responses(export: ResponseExport, conn: Connection) -> Iterator[list[tuple]]:
    """The export's response rows in id order, about `chunk_size` at a time, read on `conn`."""
    size = chunk_size(export)
    columns, clauses, params = export_sql(export, conn.dialect.name)
    if conn.dialect.name == "postgresql":
        yield from stream_rows(f"SELECT {', '.join(columns)} FROM responses r WHERE {' AND '.join(clauses)} "
                               "ORDER BY r.id", params, size, conn, binary=True)
        return
    span = fetch_all("SELECT MIN(r.id), MAX(r.id) FROM responses r WHERE " + " AND ".join(clauses[:2]), params,
                     conn)
    first, last = span[0] if span else (None, None)
    if first is None:
        return
    sql = (f"SELECT {', '.join(columns)} FROM responses r NOT INDEXED WHERE r.id BETWEEN :lo AND :hi AND "
           f"{' AND '.join(clauses)} ORDER BY r.id")
    pending: list[tuple] = []
    for lo in range(first, last + 1, size):
        for part in stream_rows(sql, {**params, "lo": lo, "hi": min(lo + size - 1, last)}, size, conn):
            pending += part
        if len(pending) >= size:  # a sparse export (one commune in a busy year) still decodes in full chunks
            yield pending
            pending = []
    if pending:
        yield pending


def packed_chunks(export: ResponseExport) -> Iterator[tuple[list[tuple], np.ndarray]]:
    """The export's responses a chunk at a time: their rows (id, month, unit, agency, service point, channel,
    procedure, field, profile…) and item codes (one row each, -1 blank), the same as `rows_from_answers` reads."""
    codes = ItemCodes(export)
    allowed = export.allowed
    for chunk in read_chunks(export):
        keep = [r for r in chunk if (r[2], r[3], r[4]) in allowed]
        if keep:
            yield keep, codes(keep)


def read_chunks(export: ResponseExport) -> Iterator[list[tuple]]:
    """`responses` on a connection of its own: whatever the caller's session commits meanwhile (a web page, a job's
    progress) ends neither this read nor, on PostgreSQL, its server-side cursor. (A thread reading ahead was tried:
    it took more time, not less, each side waiting for the GIL the other held.)"""
    with db.engine.connect() as conn, small_page_cache(conn):
        yield from responses(export, conn)


class ItemCodes:
    """The item codes of a chunk of response rows (one row each, -1 blank): from their blobs, and from the answers
    table for the responses whose blob cannot hold them."""

    def __init__(self, export: ResponseExport) -> None:
        self.export = export
        self.decode = _Decoder(export)
        self.wide = bool(fetch_all(f"SELECT 1 FROM answers WHERE {WIDE} LIMIT 1", {}))  # none on any real database

    def __call__(self, rows: list[tuple]) -> np.ndarray:
        codes, exact = self.decode([r[-1] for r in rows])
        redo = [] if exact is None else [i for i, ok in enumerate(exact) if not ok]
        if self.wide:
            ids = {row[0] for row in fetch_all(f"SELECT DISTINCT response_id FROM answers WHERE {WIDE} AND "
                                               "response_id BETWEEN :first AND :last",
                                               {"first": rows[0][0], "last": rows[-1][0]})}
            redo += [i for i, r in enumerate(rows) if r[0] in ids and (exact is None or exact[i])]
        if redo:  # read as today's path does, from the answers table
            for i, items in zip(redo, answer_items(self.export, [rows[i][0] for i in redo])):
                codes[i] = [-1 if v is None else v for v in items]
        return codes


def _month(value: Any) -> str:
    """YYYY-MM of a local date (text on SQLite, a date on PostgreSQL)."""
    return value[:7] if isinstance(value, str) else f"{value:%Y-%m}"


def packed_rows(export: ResponseExport) -> Iterator[list[Any]]:
    """The export's data rows as lists, numbered from 1 (XLSX, and any reader of `ResponseExport.rows`)."""
    units, agencies, points = export.places["unit"], export.places["agency"], export.places["point"]
    head, n_profile, number = [export.instrument, export.version], len(export.profile), 0
    for rows, codes in packed_chunks(export):
        for r, items in zip(rows, _CELL[codes + 1].tolist()):
            number += 1
            unit = units[r[2]]
            yield [number, *head, _month(r[1]), unit[2], unit[0], unit[1], agencies[r[3]], points[r[4]], r[5], r[6],
                   r[7], *r[8:8 + n_profile], *items]


class _Decoder:
    """Item codes of a chunk of responses from their blobs: a code, 0/1 per multi-select option, or -1 (blank)."""

    def __init__(self, export: ResponseExport) -> None:
        slots = {item_id: slot for slot, item_id in enumerate(layout(export.version_id))}
        self.width = len(slots)
        # (slot, -1) for a single-answer column, (slot, code) for a multi-select option's 0/1 column
        self.columns = [(slots[item_id], -1 if choice is None else choice)
                        for _, item_id, choice in export.item_columns]
        # The columns by kind, each kind decoded for the whole chunk at once: (columns, their slots[, codes]).
        kinds: dict[str, list[tuple[int, int, int]]] = {"single": [], "option": [], "beyond": []}
        for j, (slot, choice) in enumerate(self.columns):
            kind = "single" if choice < 0 else "option" if choice < CODE_BITS else "beyond"
            kinds[kind].append((j, slot, choice))
        self.kinds = {kind: tuple(np.array(v, dtype=np.intp).reshape(-1, 3).T) for kind, v in kinds.items()}

    def __call__(self, blobs: list[bytes | None]) -> tuple[np.ndarray, list[bool] | None]:
        """(codes, one row per blob; whether each blob holds its answers exactly, None when every one does)."""
        size, n = 2 * self.width, len(blobs)
        exact: list[bool] | None = None
        if None not in blobs and min(map(len, blobs), default=size) == max(map(len, blobs), default=size) == size:
            joined = b"".join(blobs)  # type: ignore[arg-type]  # the common case: one copy, no test per row
        else:
            empty = bytes(size)
            exact = [blob is not None and len(blob) == size for blob in blobs]
            joined = b"".join(bytes(blob) if ok else empty for blob, ok in zip(blobs, exact))  # type: ignore[arg-type]
        bits = np.frombuffer(joined, dtype="<u2").reshape(n, self.width) & (_PATTERNS - 1)
        codes = np.empty((n, len(self.columns)), dtype=np.int16)
        columns, slots, _ = self.kinds["single"]
        codes[:, columns] = _HIGHEST[bits[:, slots]]
        columns, slots, choices = self.kinds["option"]  # answered: 1 when this option was chosen, else 0
        chosen = bits[:, slots]
        codes[:, columns] = np.where(chosen == 0, -1, (chosen >> choices.astype(np.uint16)) & 1)
        columns, slots, _ = self.kinds["beyond"]  # an option the blob cannot hold: 0 once the item was answered
        codes[:, columns] = np.where(bits[:, slots] == 0, -1, 0)  # (a chosen one is in the answers table)
        return codes, exact

"""The rows of a responses export read from each response's packed answer codes, streamed a chunk at a time.

Today's path (`ResponseExport.rows_from_answers`) joins about 23 answer rows per SIPAS response; this one reads one
short row per response (its place, profile and `answer_codes`) and decodes a chunk's codes with numpy. PostgreSQL
streams them through a server-side cursor. SQLite reads windows of ids in primary-key order (NOT INDEXED: sorting a
year's rows found through the date index took its sorter and 256 MB page cache with it), with the page cache of the
connection lowered for the pass. Memory stays that of one chunk whatever the period. The CSV is written a chunk at
a time too: the place cells through the same csv writer as every export, the codes (digits or nothing, never quoted)
joined from a table of their texts, which is what brings a million rows within the 30 s target.

The packed codes hold codes 0–9 only (packed_answers.CODE_BITS). Every definition's codes are 0–9
(definition_check), so that is every answer any path stores; still, a response whose answers the blob cannot hold
exactly is read from the answers table instead, row for row as today's path reads it: a response with an answer
coded 10 or more (found through the partial index `ix_answers_wide_codes`, empty in practice), and one whose blob is
missing or does not fit its version's layout. Free text is never an answer row (it is a comment) and never
exported, so the blob's empty slot for a text item changes nothing.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Connection

from survey.extensions import db
from survey.services.exports.cells import safe_row
from survey.services.exports.writers import BOM
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
# code + 1 → the bytes of its CSV text: tens digit (0 = none) and units digit (0 = none, a blank)
_TENS = np.array([0] + [ord("0") + v // 10 if v >= 10 else 0 for v in range(100)], dtype=np.uint8)
_UNITS = np.array([0] + [ord("0") + v % 10 for v in range(100)], dtype=np.uint8)
_BASE = ["r.id", "r.local_date", "r.unit_id", "r.agency_id", "r.service_point_id", "r.channel", "r.procedure_code",
         "r.field_code"]


def export_sql(export: ResponseExport) -> tuple[list[str], list[str], dict]:
    """(columns, WHERE clauses, parameters) of the export's responses (the same filter as `export.where`)."""
    f = export.filters
    clauses = ["r.instrument_version_id = :version", "r.local_date BETWEEN :start AND :end", "r.campaign_id IS NULL"]
    params: dict[str, Any] = {"version": export.version_id, "start": export.period.start, "end": export.period.end}
    for name, column in (("units", "unit_id"), ("agencies", "agency_id"), ("only", "unit_id")):
        if f.get(name) is not None:
            clauses.append(f"r.{column} IN :{name}")
            params[name] = sorted(f[name])
    return _BASE + [f"r.{name}" for name in export.profile] + ["r.answer_codes"], clauses, params


def _responses(export: ResponseExport, conn: Connection) -> Iterator[list[tuple]]:
    """The export's response rows in id order, about CHUNK at a time, read on `conn`."""
    columns, clauses, params = export_sql(export)
    if conn.dialect.name == "postgresql":
        yield from stream_rows(f"SELECT {', '.join(columns)} FROM responses r WHERE {' AND '.join(clauses)} "
                               "ORDER BY r.id", params, CHUNK, conn)
        return
    span = fetch_all("SELECT MIN(r.id), MAX(r.id) FROM responses r WHERE " + " AND ".join(clauses[:2]), params,
                     conn)
    first, last = span[0] if span else (None, None)
    if first is None:
        return
    sql = (f"SELECT {', '.join(columns)} FROM responses r NOT INDEXED WHERE r.id BETWEEN :lo AND :hi AND "
           f"{' AND '.join(clauses)} ORDER BY r.id")
    pending: list[tuple] = []
    for lo in range(first, last + 1, CHUNK):
        for part in stream_rows(sql, {**params, "lo": lo, "hi": min(lo + CHUNK - 1, last)}, CHUNK, conn):
            pending += part
        if len(pending) >= CHUNK:  # a sparse export (one commune in a busy year) still decodes in full chunks
            yield pending
            pending = []
    if pending:
        yield pending


def packed_chunks(export: ResponseExport) -> Iterator[tuple[list[tuple], np.ndarray]]:
    """The export's responses a chunk at a time: their rows (id, local_date, unit, agency, service point, channel,
    procedure, field, profile…) and item codes (one row each, -1 blank), the same as `rows_from_answers` reads."""
    decode = _Decoder(export)
    allowed = export.allowed
    wide = bool(fetch_all(f"SELECT 1 FROM answers WHERE {WIDE} LIMIT 1", {}))  # none on any real database
    # A connection of its own: whatever the caller's session commits meanwhile (a web page, a job's progress) ends
    # neither this read nor, on PostgreSQL, its server-side cursor.
    with db.engine.connect() as conn, small_page_cache(conn):
        for chunk in _responses(export, conn):
            keep = [r for r in chunk if (r[2], r[3], r[4]) in allowed]
            if not keep:
                continue
            codes, exact = decode(keep)
            redo = [i for i, ok in enumerate(exact) if not ok]
            if wide:
                ids = {row[0] for row in fetch_all(f"SELECT DISTINCT response_id FROM answers WHERE {WIDE} AND "
                                                   "response_id BETWEEN :first AND :last",
                                                   {"first": keep[0][0], "last": keep[-1][0]})}
                redo += [i for i, r in enumerate(keep) if r[0] in ids and exact[i]]
            if redo:  # read as today's path does, from the answers table
                for i, items in zip(redo, answer_items(export, [keep[i][0] for i in redo])):
                    codes[i] = [-1 if v is None else v for v in items]
            yield keep, codes


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


class _Text(dict):
    """Cells → their CSV text, written once per distinct value by the same csv writer as every export, made safe
    first (cells.safe_cell). Forgets everything past MEMO entries, so a long tail of values cannot grow it."""

    MEMO = 100_000

    def __init__(self, encode: Callable[[Any], list[Any]]) -> None:
        super().__init__()
        self.encode = encode
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")  # csv_chunks' dialect: quoting depends on it

    def __missing__(self, key: Any) -> str:
        cells = safe_row(self.encode(key))
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow([*cells, ""])  # never a lone cell: csv quotes a lone empty one
        if len(self) >= self.MEMO:
            self.clear()
        self[key] = text = self.buffer.getvalue()[:-2]  # less the extra cell's comma and the line end
        return text


def packed_csv(export: ResponseExport, done: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The export as CSV bytes, exactly as `csv_chunks(export.columns, export.rows())` writes them, a chunk at a
    time: each line is its number, the texts of its month and of its place cells (each worked out once per distinct
    value), then its profile and item codes turned into text for the whole chunk at once; `done` hears how many
    rows are written (a job's progress)."""
    units, agencies, points = export.places["unit"], export.places["agency"], export.places["point"]
    n_profile = len(export.profile)
    lead = _Text(list)[(export.instrument, export.version)] + ","
    month = _Text(lambda day: [_month(day)])
    # (unit, agency, service point, channel, procedure, field) → ",province,unit code,unit name,…,field"
    place = _Text(lambda k: ["", units[k[0]][2], units[k[0]][0], units[k[0]][1], agencies[k[1]], points[k[2]],
                             k[3], k[4], k[5]])
    written = 0
    yield (BOM + _Text(list)[tuple(export.columns)] + "\n").encode("utf-8")
    for rows, codes in packed_chunks(export):
        if n_profile:  # profile cells are codes too (or blank): written with the items
            profile = np.array([[-1 if v is None else v for v in r[8:8 + n_profile]] for r in rows], dtype=np.int16)
            codes = np.hstack([profile, codes])
        lines = []
        for r, text in zip(rows, _code_texts(codes)):
            written += 1
            lines.append(f"{written},{lead}{month[r[1]]}{place[r[2:8]]}{text}\n")
            if done and written % 1000 == 0:
                done(written)
        yield "".join(lines).encode("utf-8")


def _code_texts(codes: np.ndarray) -> list[str]:
    """Each row's codes as CSV text, every cell after its comma, -1 blank ("" for a row of no cells)."""
    n, width = codes.shape
    if not width:
        return [""] * n
    if codes.min(initial=-1) < -1 or codes.max(initial=-1) > 99:  # nothing stored today; written plainly
        return ["".join("," if v < 0 else f",{v}" for v in row) for row in codes.tolist()]
    # Per cell a comma, then its digits (tens only from 10 on), nothing for a blank; a line end per row. Bytes
    # left 0 are dropped.
    index = (codes + 1).astype(np.intp)
    digits = 1 if codes.max(initial=-1) <= 9 else 2
    out = np.zeros((n, (1 + digits) * width + 1), dtype=np.uint8)
    out[:, 0:-1:1 + digits] = ord(",")
    if digits == 2:
        out[:, 1:-1:3] = _TENS[index]
    out[:, digits:-1:1 + digits] = _UNITS[index]
    out[:, -1] = ord("\n")
    flat = out.reshape(-1)
    return flat[flat != 0].tobytes().decode("ascii").split("\n")[:-1]


class _Decoder:
    """Item codes of a chunk of responses from their blobs: a code, 0/1 per multi-select option, or -1 (blank)."""

    def __init__(self, export: ResponseExport) -> None:
        slots = {item_id: slot for slot, item_id in enumerate(layout(export.version_id))}
        self.width = len(slots)
        # (slot, -1) for a single-answer column, (slot, code) for a multi-select option's 0/1 column
        self.columns = [(slots[item_id], -1 if choice is None else choice)
                        for _, item_id, choice in export.item_columns]

    def __call__(self, rows: list[tuple]) -> tuple[np.ndarray, list[bool]]:
        """(codes, one row per response; whether its blob holds its answers exactly)."""
        size, empty = 2 * self.width, bytes(2 * self.width)
        exact = [blob is not None and len(blob) == size for blob in (r[-1] for r in rows)]
        joined = b"".join(bytes(r[-1]) if ok else empty for r, ok in zip(rows, exact))
        bits = np.frombuffer(joined, dtype="<u2").reshape(len(rows), self.width) & (_PATTERNS - 1)
        codes = np.empty((len(rows), len(self.columns)), dtype=np.int16)
        for j, (slot, choice) in enumerate(self.columns):
            column = bits[:, slot]
            if choice < 0:
                codes[:, j] = _HIGHEST[column]
            elif choice < CODE_BITS:  # answered: 1 when this option was chosen, else 0; not answered: blank
                codes[:, j] = np.where(column == 0, -1, (column >> choice) & 1)
            else:  # an option the blob cannot hold: 0 once the item was answered (a chosen one is in the answers)
                codes[:, j] = np.where(column == 0, -1, 0)
        return codes, exact

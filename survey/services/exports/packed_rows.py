"""The rows of a responses export read from each response's packed answer codes, streamed a chunk at a time.

Today's path (`ResponseExport.rows_from_answers`) joins about 23 answer rows per SIPAS response; this one reads one
short row per response (its place, profile and `answer_codes`) through a server-side cursor on PostgreSQL and
`fetchmany` on SQLite, and decodes a chunk's codes with numpy. Memory stays that of one chunk whatever the period.

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

from survey.services.indices.packed_answers import CODE_BITS, layout
from survey.services.storage.sql import fetch_all, stream_rows

if TYPE_CHECKING:
    from survey.services.exports.responses import ResponseExport

CHUNK = 5000  # responses per fetch: bounds memory whatever the export's size
WIDE = "code >= 10"  # written as the partial index's own condition, so both databases use that index
_PATTERNS = 1 << CODE_BITS
# The code of a single-answer slot: its highest code bit (today's path keeps the last of an item's answer rows, which
# come in code order), -1 for no answer.
_HIGHEST = np.array([-1] + [v.bit_length() - 1 for v in range(1, _PATTERNS)], dtype=np.int8)
_CELL = np.array([None, *range(CODE_BITS)], dtype=object)  # -1 → blank, 0–9 → the code
_BASE = ["r.id", "r.local_date", "r.unit_id", "r.agency_id", "r.service_point_id", "r.channel", "r.procedure_code",
         "r.field_code"]


def export_sql(export: ResponseExport) -> tuple[str, dict]:
    """The SELECT of the export's responses in id order, with its parameters (the same filter as `export.where`)."""
    f = export.filters
    clauses = ["r.instrument_version_id = :version", "r.local_date BETWEEN :start AND :end", "r.campaign_id IS NULL"]
    params: dict[str, Any] = {"version": export.version_id, "start": export.period.start, "end": export.period.end}
    for name, column in (("units", "unit_id"), ("agencies", "agency_id"), ("only", "unit_id")):
        if f.get(name) is not None:
            clauses.append(f"r.{column} IN :{name}")
            params[name] = sorted(f[name])
    columns = _BASE + [f"r.{name}" for name in export.profile] + ["r.answer_codes"]
    return (f"SELECT {', '.join(columns)} FROM responses r WHERE {' AND '.join(clauses)} ORDER BY r.id", params)


def packed_rows(export: ResponseExport) -> Iterator[list[Any]]:
    """The export's data rows, numbered from 1, identical to `rows_from_answers` (tests/services/test_export_packed)."""
    from survey.services.exports.responses import answer_items

    decode = _Decoder(export)
    sql, params = export_sql(export)
    units, agencies, points = export.places["unit"], export.places["agency"], export.places["point"]
    allowed, head = export.allowed, [export.instrument, export.version]
    months: dict[Any, str] = {}
    n_profile = len(export.profile)
    wide = bool(fetch_all(f"SELECT 1 FROM answers WHERE {WIDE} LIMIT 1", {}))  # none on any real database
    number = 0
    for chunk in stream_rows(sql, params, CHUNK):
        keep = [r for r in chunk if (r[2], r[3], r[4]) in allowed]
        if not keep:
            continue
        cells, exact = decode(keep)
        redo = [i for i, ok in enumerate(exact) if not ok]
        if wide:
            ids = {row[0] for row in fetch_all(f"SELECT DISTINCT response_id FROM answers WHERE {WIDE} AND "
                                               "response_id BETWEEN :first AND :last",
                                               {"first": keep[0][0], "last": keep[-1][0]})}
            redo += [i for i, r in enumerate(keep) if r[0] in ids and exact[i]]
        if redo:  # read as today's path does, from the answers table
            for i, items in zip(redo, answer_items(export, [keep[i][0] for i in redo])):
                cells[i] = items
        for r, items in zip(keep, cells):
            number += 1
            unit = units[r[2]]
            month = months.get(r[1])
            if month is None:
                month = months[r[1]] = r[1][:7] if isinstance(r[1], str) else f"{r[1]:%Y-%m}"
            yield [number, *head, month, unit[2], unit[0], unit[1], agencies[r[3]], points[r[4]], r[5], r[6], r[7],
                   *r[8:8 + n_profile], *items]


class _Decoder:
    """Item cells of a chunk of responses from their blobs: a code, 0/1 per multi-select option, or blank."""

    def __init__(self, export: ResponseExport) -> None:
        slots = {item_id: slot for slot, item_id in enumerate(layout(export.version_id))}
        self.width = len(slots)
        # (slot, -1) for a single-answer column, (slot, code) for a multi-select option's 0/1 column
        self.columns = [(slots[item_id], -1 if choice is None else choice)
                        for _, item_id, choice in export.item_columns]

    def __call__(self, rows: list[tuple]) -> tuple[list[list[Any]], list[bool]]:
        """(cells per response, whether its blob holds its answers exactly)."""
        size, empty = 2 * self.width, bytes(2 * self.width)
        exact = [blob is not None and len(blob) == size for blob in (r[-1] for r in rows)]
        joined = b"".join(bytes(r[-1]) if ok else empty for r, ok in zip(rows, exact))
        bits = np.frombuffer(joined, dtype="<u2").reshape(len(rows), self.width) & (_PATTERNS - 1)
        codes = np.empty((len(rows), len(self.columns)), dtype=np.int8)
        for j, (slot, choice) in enumerate(self.columns):
            column = bits[:, slot]
            if choice < 0:
                codes[:, j] = _HIGHEST[column]
            elif choice < CODE_BITS:  # answered: 1 when this option was chosen, else 0; not answered: blank
                codes[:, j] = np.where(column == 0, -1, (column >> choice) & 1)
            else:  # an option the blob cannot hold: 0 once the item was answered (a chosen one is in the answers)
                codes[:, j] = np.where(column == 0, -1, 0)
        return _CELL[codes.astype(np.int16) + 1].tolist(), exact


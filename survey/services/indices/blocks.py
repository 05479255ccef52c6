"""Columnar blocks: the counted columns of many responses as numpy arrays, (de)serialised into one blob.

A block holds, per response: id, day of month, unit, agency, service point, channel, procedure, field, the profile
fields and the packed answer codes (packed_answers' layout). Texts (channel, procedure, field) are stored as indices
into a per-block dictionary; a missing value is -1. Reading a month of a province is then one blob of ~90 bytes per
response instead of a million driver rows.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from survey.models.responses import PROFILE_FIELDS
from survey.services.indices.packed_answers import CODE_BITS, unpack

# The columns read from `responses`, in this order, to build a block (the SQL names the same columns).
ROW_COLUMNS = ("id", "local_date", "unit_id", "agency_id", "service_point_id", "channel", "procedure_code",
               "field_code", *PROFILE_FIELDS, "answer_codes")
NUMBERS = ("unit_id", "agency_id", "service_point_id", *PROFILE_FIELDS)
TEXTS = ("channel", "procedure_code", "field_code")


def _days(values: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """(yyyymm, yyyymmdd) of local dates, given as dates (PostgreSQL), ISO strings (SQLite) or datetime64[D]."""
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":  # a bulk load's days: no text at all
        days = values.astype("datetime64[D]")
        year = days.astype("datetime64[Y]").astype(np.int64) + 1970
        month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
        day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
        return year * 100 + month, year * 10000 + month * 100 + day
    text = np.array([str(v)[:10] for v in values], dtype="U10")
    ymd = np.char.replace(text, "-", "").astype(np.int64) if len(text) else np.zeros(0, np.int64)
    return ymd // 100, ymd


def from_rows(rows: Sequence[tuple], width: int) -> dict[int, dict[str, np.ndarray]]:
    """Rows of ROW_COLUMNS → block columns, split by month (yyyymm → columns)."""
    if not rows:
        return {}
    return from_columns(dict(zip(ROW_COLUMNS, zip(*rows))), width)


def from_columns(named: dict[str, Sequence], width: int) -> dict[int, dict[str, np.ndarray]]:
    """The values of each of ROW_COLUMNS (a bulk load's chunk in memory) → block columns, split by month."""
    months, ymd = _days(named["local_date"])
    base: dict[str, np.ndarray] = {"id": np.asarray(named["id"], dtype=np.int64), "date": ymd.astype(np.int32)}
    for name in NUMBERS:
        small = np.int8 if name in PROFILE_FIELDS else np.int32  # profile codes are 1–99
        values = named[name]
        if isinstance(values, np.ndarray) and values.dtype.kind in "iu":  # a bulk load's codes, -1 for none
            base[name] = values.astype(small)
        else:
            base[name] = np.array([-1 if v is None else v for v in values], dtype=small)
    for name in TEXTS:
        if isinstance(named[name], np.ndarray) and named[name].dtype.kind == "U":  # a bulk load's texts, none None
            words, inverse = np.unique(named[name], return_inverse=True)
            base[name], base[name + "__words"] = inverse.reshape(-1).astype(np.int32), words
            continue
        words = sorted({v for v in named[name] if v is not None})
        index = {w: n for n, w in enumerate(words)}
        base[name] = np.array([-1 if v is None else index[v] for v in named[name]], dtype=np.int32)
        base[name + "__words"] = np.array(words, dtype=str) if words else np.zeros(0, dtype="U1")
    bits = unpack(named["answer_codes"], width)
    out = {}
    for month in np.unique(months).tolist():
        keep = months == month
        columns = {k: (v if k.endswith("__words") else v[keep]) for k, v in base.items()}
        columns.update(_slots(bits[keep]))
        out[month] = columns
    return out


def _slots(bits: np.ndarray) -> dict[str, np.ndarray]:
    """Each answered item as its own contiguous column: `sN` = code + 1 (0: unanswered) as uint8 when no response
    ticked two codes of it, else `mN` = its code bits; items nobody answered are left out."""
    out = {}
    bits = bits & ((1 << CODE_BITS) - 1)
    for slot in range(bits.shape[1]):
        column = np.ascontiguousarray(bits[:, slot])
        if not column.any():
            continue
        if (column & (column - 1)).any():  # some response has two bits: a multi-select item
            out[f"m{slot}"] = column
        else:
            code = np.zeros(len(column), dtype=np.uint8)
            answered = column != 0
            code[answered] = np.log2(column[answered]).astype(np.uint8) + 1
            out[f"s{slot}"] = code
    return out


def slot_bits(columns: dict[str, np.ndarray], slot: int, n: int) -> np.ndarray:
    """The code bits (uint16) of one item for every row of the block (zeros when the item was never answered)."""
    if f"m{slot}" in columns:
        return columns[f"m{slot}"]
    code = columns.get(f"s{slot}")
    if code is None:
        return np.zeros(n, dtype=np.uint16)
    return _BIT_OF_CODE[code]


_BIT_OF_CODE = np.array([0] + [1 << c for c in range(CODE_BITS)] + [0] * (255 - CODE_BITS), dtype=np.uint16)


def dumps(columns: dict[str, np.ndarray]) -> bytes:
    """One blob: a JSON header (name, dtype, length of each array) then the arrays' bytes, read back without a
    copy (an .npz spent more time parsing its zip and headers than counting)."""
    header = [[name, array.dtype.str, len(array)] for name, array in columns.items()]
    head = json.dumps(header).encode()
    return b"".join([len(head).to_bytes(4, "little"), head, *(array.tobytes() for array in columns.values())])


def loads(blob: bytes) -> dict[str, np.ndarray]:
    view = memoryview(blob)
    size = int.from_bytes(view[:4], "little")
    offset, out = 4 + size, {}
    for name, dtype, length in json.loads(bytes(view[4:offset])):
        kind = np.dtype(dtype)
        out[name] = np.frombuffer(view, dtype=kind, count=length, offset=offset)
        offset += kind.itemsize * length
    return out


def values(columns: dict[str, np.ndarray], name: str) -> tuple[np.ndarray, list]:
    """(codes per row, the Python value of each code) of a column; codes index the value list, -1 = None."""
    raw = columns[name]
    if name in TEXTS:
        words = columns[name + "__words"].tolist()
        return raw, words
    return raw, None  # numbers are their own values


def mask(columns: dict[str, np.ndarray], start: int, end: int, units: np.ndarray | None,
         agencies: np.ndarray | None, where: dict) -> np.ndarray:
    """Rows dated within [start, end] (yyyymmdd), in the units and agencies, holding every `where` value."""
    keep = (columns["date"] >= start) & (columns["date"] <= end)
    if units is not None:
        keep &= np.isin(columns["unit_id"], units)
    if agencies is not None:
        keep &= np.isin(columns["agency_id"], agencies)
    for name, value in where.items():
        if name in TEXTS:
            words = columns[name + "__words"].tolist()
            if value not in words:
                return np.zeros(len(keep), dtype=bool)
            keep &= columns[name] == words.index(value)
        else:
            keep &= columns[name] == int(value)  # profile codes stay within int8 (validated 1–99)
    return keep

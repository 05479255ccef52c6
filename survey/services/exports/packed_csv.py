"""The responses export as CSV bytes, a chunk of responses at a time, with numpy: what writes a million rows within
the 30 s target on a busy two-core server.

Each line is its number, its lead cells (instrument, version, month and place: the same for every response of a
month and place, so written once per distinct value by the csv writer, made safe against formulas) and its profile
and item codes (digits or nothing, never quoted). A chunk's lines are laid out as one byte matrix, one row per line,
each cell at a fixed place and 0 where it has no byte (leading zeros of the number, the short lead of a place, a
blank code), and the zeros dropped at once. Per response Python only looks up its month and place; a lead holding
a NUL byte or a code outside 0–99 (neither is stored today) is written plainly instead, a line at a time.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from itertools import chain, compress
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from survey.services.exports.cells import safe_row
from survey.services.exports.packed_rows import ItemCodes, _month, read_chunks
from survey.services.exports.writers import BOM

if TYPE_CHECKING:
    from survey.services.exports.responses import ResponseExport

_PLACE = itemgetter(slice(1, 8))  # month, unit, agency, service point, channel, procedure, field
_COMMA, _NEWLINE, _ZERO = ord(","), ord("\n"), ord("0")
_PROFILE: dict = {None: -1, **{v: v for v in range(256)}}  # a profile cell → its code, -1 blank


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


class _Leads(dict):
    """(month, unit, agency, service point, channel, procedure, field) → its line's lead (",instrument,version,
    month,province,unit code,…,field") as a row of `matrix()`, UTF-8 and padded with zeros; -1 for a withheld place.
    Started afresh past MEMO entries (between chunks), so a long tail of odd codes cannot grow it."""

    MEMO = 100_000

    def __init__(self, export: ResponseExport) -> None:
        super().__init__()
        units, agencies, points = export.places["unit"], export.places["agency"], export.places["point"]
        self.allowed = export.allowed
        self.lead = "," + _Text(list)[(export.instrument, export.version)] + ","
        self.month = _Text(lambda month: [_month(month)])
        # (unit, agency, service point, channel, procedure, field) → ",province,unit code,unit name,…,field"
        self.place = _Text(lambda k: ["", units[k[0]][2], units[k[0]][0], units[k[0]][1], agencies[k[1]],
                                      points[k[2]], k[3], k[4], k[5]])
        self.texts: list[str] = []
        self.table = np.zeros((0, 0), dtype=np.uint8)
        self.nul = False  # a lead holds a NUL byte, which the byte matrix would drop

    def __missing__(self, key: tuple) -> int:
        if key[1:4] not in self.allowed:
            self[key] = -1
            return -1
        text = self.lead + self.month[key[0]] + self.place[key[1:]]
        self.nul = self.nul or "\0" in text
        self.texts.append(text)
        self[key] = index = len(self.texts) - 1
        return index

    def forget(self) -> None:
        """Start afresh when past MEMO (only between chunks: a chunk's rows point into the table)."""
        if len(self) > self.MEMO:
            self.clear()
            self.texts.clear()
            self.table = np.zeros((0, 0), dtype=np.uint8)

    def matrix(self) -> np.ndarray:
        """Every lead so far, one row of UTF-8 bytes each, padded with zeros (grown as new leads come)."""
        built, width = self.table.shape
        if built < len(self.texts):
            new = [text.encode("utf-8") for text in self.texts[built:]]
            width = max(width, *map(len, new))
            table = np.zeros((len(self.texts), width), dtype=np.uint8)
            table[:built, :self.table.shape[1]] = self.table
            for i, data in enumerate(new, start=built):
                table[i, :len(data)] = np.frombuffer(data, dtype=np.uint8)
            self.table = table
        return self.table


def packed_csv(export: ResponseExport, done: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The export as CSV bytes, exactly as `csv_chunks(export.columns, export.rows())` writes them, a chunk of
    responses at a time; `done` hears how many rows are written (a job's progress)."""
    n_profile = len(export.profile)
    profile = itemgetter(slice(8, 8 + n_profile))
    leads = _Leads(export)
    codes_of = ItemCodes(export)
    written = 0
    yield (BOM + _Text(list)[tuple(export.columns)] + "\n").encode("utf-8")
    for chunk in read_chunks(export):
        leads.forget()
        lead = np.fromiter(map(leads.__getitem__, map(_PLACE, chunk)), dtype=np.intp, count=len(chunk))
        kept = lead >= 0
        if not kept.all():  # responses of a withheld place
            chunk, lead = list(compress(chunk, kept.tolist())), lead[kept]
        if not chunk:
            continue
        codes = codes_of(chunk)
        if n_profile:  # profile cells are codes too (or blank): written with the items
            codes = np.hstack([_profile_codes(list(map(profile, chunk)), n_profile), codes])
        yield _lines(written + 1, lead, codes, leads)
        written += len(chunk)
        if done:
            done(written)


def _profile_codes(cells: list[tuple], width: int) -> np.ndarray:
    """The profile cells of a chunk as codes, -1 blank: through a table of the usual ones (0–255), else via floats."""
    try:
        return np.fromiter(map(_PROFILE.__getitem__, chain.from_iterable(cells)), dtype=np.int16,
                           count=len(cells) * width).reshape(len(cells), width)
    except KeyError:  # a value past the table (none is stored today)
        values = np.array(cells, dtype=np.float64).reshape(len(cells), width)
        return np.nan_to_num(values, nan=-1).astype(np.int16)


def _lines(first: int, lead: np.ndarray, codes: np.ndarray, leads: _Leads) -> bytes:
    """The CSV lines numbered from `first`: each its number, its lead (a row of leads.matrix()) and its codes."""
    n, width = codes.shape
    top = int(codes.max(initial=-1))
    if leads.nul or top > 99 or codes.min(initial=-1) < -1:  # never stored today: written a line at a time
        return "".join(f"{first + i}{leads.texts[j]}" + "".join("," if v == -1 else f",{v}" for v in row) + "\n"
                       for i, (j, row) in enumerate(zip(lead.tolist(), codes.tolist()))).encode("utf-8")
    table = leads.matrix()
    places = len(str(first + n - 1))
    digits = 1 if top <= 9 else 2
    step = 1 + digits  # per cell: a comma, then its digits (tens only from 10 on), nothing for a blank
    start = places + table.shape[1]
    out = np.empty((n, start + step * width + 1), dtype=np.uint8)
    # The number, its leading zeros left out.
    numbers = np.arange(first, first + n, dtype=np.int64)[:, None]
    powers = 10 ** np.arange(places - 1, -1, -1, dtype=np.int64)
    out[:, :places] = np.where(numbers >= powers, _ZERO + numbers // powers % 10, 0)
    out[:, places:start] = table[lead]
    if width:  # bytes, not a lookup: an index array would be eight times the chunk's codes
        cells = codes.astype(np.uint8)
        out[:, start:-1:step] = _COMMA
        if digits == 2:
            out[:, start + 1:-1:step] = np.where(codes >= 10, cells // 10 + _ZERO, 0)
        out[:, start + digits:-1:step] = np.where(codes < 0, 0, (cells % 10 if digits == 2 else cells) + _ZERO)
    out[:, -1] = _NEWLINE
    flat = out.reshape(-1)
    return flat[flat != 0].tobytes()


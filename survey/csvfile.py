"""Reading an uploaded or imported CSV file, one way for every import (web and CLI): clear errors, never a traceback.

`decode` accepts UTF-8 with or without a BOM and names the line of the first byte that is not; `read_rows` parses
with Python's csv module, names the line where the file stops being CSV (a field beyond the csv module's limit, a
stray quote), refuses cells longer than MAX_CELL, an empty file, a header separated by ';' or tabs, and missing
columns. Errors are Invalid with {field, code, line, message}; the message starts with the line.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from survey.errors import Invalid

MAX_CELL = 10_000  # characters in one cell: a comment has at most 2,000
MAX_FIELD_BYTES = csv.field_size_limit()  # the csv module's own limit, left as it is (it is process-wide)


def _problem(line: int, field: str, code: str, message: str) -> dict:
    return {"field": field, "code": code, "line": line, "message": f"line {line}: {message}" if line else message}


def decode(data: bytes | str, field: str = "file") -> str:
    """UTF-8 text of a file without its BOM; Invalid naming the line of the first byte that is not UTF-8."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Invalid([_problem(line, field, "encoding", "the file is not UTF-8 text (save it as CSV UTF-8)")],
                      "The file is not UTF-8; nothing was imported") from None


def read_rows(text: str, required: Sequence[str] = (), field: str = "file", max_cell: int = MAX_CELL,
              delimiters: str = ",") -> tuple[list[str], list[tuple[int, dict]]]:
    """(header with names stripped, [(line, {column: cell})]) of a CSV text; Invalid for a file that cannot be
    imported at all. Line numbers count the header as line 1 and one line per record; cells beyond the header
    are under the key None, as csv.DictReader puts them. `delimiters` lists the separators an import accepts
    (e.g. ",;": Excel writes ';' under Vietnamese regional settings); the header line decides which one."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise Invalid([_problem(1, field, "empty", "the file is empty")], "The file is empty; nothing was imported")
    first = text.split("\n", 1)[0]
    delimiter = max(delimiters, key=first.count) if delimiters else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, dict]] = []
    header: list[str] = []
    line = 1
    try:
        for line, cells in enumerate(reader, start=1):
            long = next((n for n, cell in enumerate(cells) if len(cell) > max_cell), None)
            if long is not None:
                name = header[long] if long < len(header) else f"column {long + 1}"
                raise Invalid([_problem(line, name or field, "too_large",
                                        f"a cell of {name} has {len(cells[long]):,} characters; at most "
                                        f"{max_cell:,}")], "A cell is too large; nothing was imported")
            if line == 1:
                header = [cell.strip() for cell in cells]
                continue
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (a spreadsheet's trailing ones) are not rows
            row: dict = dict(zip(header, cells))
            if len(cells) > len(header):
                row[None] = cells[len(header):]
            rows.append((line, row))
    except csv.Error as exc:
        raise Invalid([_problem(line + 1, field, "not_csv", f"not readable as CSV ({_reason(exc)})")],
                      "The file is not a readable CSV; nothing was imported") from None
    _check_header(header, required, field)
    return header, rows


def _reason(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        return f"a cell is longer than {MAX_FIELD_BYTES:,} characters"
    return text


def _check_header(header: list[str], required: Sequence[str], field: str) -> None:
    missing = [name for name in required if name not in header]
    if not missing:
        return
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        raise Invalid([_problem(1, field, "delimiter", "columns must be separated by commas (,), not "
                                                       "semicolons or tabs")],
                      "The file is not comma-separated; nothing was imported")
    raise Invalid([_problem(1, name, "missing_column", f"column {name} is missing") for name in missing],
                  "The file lacks required columns; nothing was imported")

"""Streaming writers: CSV as UTF-8 chunks (with a BOM so Excel reads Vietnamese), XLSX via openpyxl write_only."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from survey.services.exports.cells import safe_cell, safe_row

CHUNK_BYTES = 64 * 1024
BOM = "\ufeff"


@dataclass(frozen=True)
class Sheet:
    """One table of an export: a name, a header row and rows produced lazily."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The table as CSV bytes in chunks of about 64 KiB; None is written as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    buffer.write(BOM)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def write_xlsx(target: str | IO[bytes], sheets: Iterable[Sheet]) -> None:
    """Write the sheets to an .xlsx file or binary stream; rows go to disk as they come (write-only mode)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.name[:31])  # Excel's limit on sheet names
        ws.freeze_panes = "A2"
        ws.append([_bold_cell(ws, text, bold) for text in sheet.header])
        for row in sheet.rows:
            ws.append([_text_cell(ws, value) if isinstance(value, str) else value for value in row])
    book.save(target)


def _text_cell(ws: Any, value: str) -> WriteOnlyCell:
    """A text cell that stays text: openpyxl would store a value starting with = as a formula."""
    cell = WriteOnlyCell(ws, value=safe_cell(value))
    cell.data_type = "s"
    return cell


def _bold_cell(ws: Any, value: str, font: Font) -> WriteOnlyCell:
    cell = _text_cell(ws, str(value))
    cell.font = font
    return cell

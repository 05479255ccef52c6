"""Exports as files: CSV byte streams and XLSX workbooks, the same for the CLI, the web pages and the API."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from survey.services.exports.codebook import CODEBOOK_HEADER
from survey.services.exports.index_codebook import INDEX_CODEBOOK_HEADER, index_codebook_rows
from survey.services.exports.index_rows import IndicesExport
from survey.services.exports.packed_csv import packed_csv
from survey.services.exports.responses import ResponseExport
from survey.services.exports.writers import Sheet, csv_chunks, write_xlsx

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INDEX_EMPTY = ("Không có dòng nào: không có phiếu nào trong kỳ và phạm vi đã chọn. / "
               "No rows: there are no responses for the chosen period and scope.")


def empty_note_row(header: list[str], note: str) -> list[str | None]:
    """A row whose first cell explains why the file has no data (the other cells empty)."""
    return [f"# {note}", *([None] * (len(header) - 1))]


def indices_csv(table: IndicesExport) -> Iterator[bytes]:
    """The index table as CSV chunks (a note row saying why, when it has no rows)."""
    return csv_chunks(table.header, table.rows or [empty_note_row(table.header, INDEX_EMPTY)])


def indices_xlsx(table: IndicesExport, target: str | IO[bytes]) -> None:
    """The index table and its code book (what each column means) as two sheets."""
    write_xlsx(target, [Sheet("indices", table.header, table.rows or [empty_note_row(table.header, INDEX_EMPTY)]),
                        Sheet("codebook", INDEX_CODEBOOK_HEADER, index_codebook_rows(table))])


def indices_codebook_csv(table: IndicesExport) -> Iterator[bytes]:
    """The code book of an index export as CSV."""
    return csv_chunks(INDEX_CODEBOOK_HEADER, index_codebook_rows(table))


def responses_csv(export: ResponseExport, done: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The anonymised responses as CSV chunks, read from the database as they are written; when every response is
    withheld or there is none, one note row says why instead of a bare header. `done` hears the rows written."""
    if not export.allowed:
        return csv_chunks(export.columns, [empty_note_row(export.columns, export.empty_note())])
    return packed_csv(export, done)  # the bytes csv_chunks(export.columns, export.rows()) would write, faster


def codebook_csv(export: ResponseExport) -> Iterator[bytes]:
    """The code book of a responses export as CSV."""
    return csv_chunks(CODEBOOK_HEADER, export.codebook())


def responses_xlsx(export: ResponseExport, target: str | IO[bytes]) -> None:
    """The anonymised responses and their code book as two sheets; rows stream to disk (write-only mode)."""
    rows = export.rows() if export.allowed else [empty_note_row(export.columns, export.empty_note())]
    write_xlsx(target, [Sheet("responses", export.columns, rows),
                        Sheet("codebook", CODEBOOK_HEADER, export.codebook())])


def write_stream(chunks: Iterator[bytes], target: IO[bytes]) -> None:
    """Copy CSV chunks into a binary file."""
    for chunk in chunks:
        target.write(chunk)

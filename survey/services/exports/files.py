"""Exports as files: CSV byte streams and XLSX workbooks, the same for the CLI, the web pages and the API."""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from survey.services.exports.codebook import CODEBOOK_HEADER
from survey.services.exports.index_rows import IndicesExport
from survey.services.exports.responses import ResponseExport
from survey.services.exports.writers import Sheet, csv_chunks, write_xlsx

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def indices_csv(table: IndicesExport) -> Iterator[bytes]:
    """The index table as CSV chunks."""
    return csv_chunks(table.header, table.rows)


def indices_xlsx(table: IndicesExport, target: str | IO[bytes]) -> None:
    """The index table as a one-sheet workbook."""
    write_xlsx(target, [Sheet("indices", table.header, table.rows)])


def responses_csv(export: ResponseExport) -> Iterator[bytes]:
    """The anonymised responses as CSV chunks, read from the database as they are written."""
    return csv_chunks(export.columns, export.rows())


def codebook_csv(export: ResponseExport) -> Iterator[bytes]:
    """The code book of a responses export as CSV."""
    return csv_chunks(CODEBOOK_HEADER, export.codebook())


def responses_xlsx(export: ResponseExport, target: str | IO[bytes]) -> None:
    """The anonymised responses and their code book as two sheets; rows stream to disk (write-only mode)."""
    write_xlsx(target, [Sheet("responses", export.columns, export.rows()),
                        Sheet("codebook", CODEBOOK_HEADER, export.codebook())])


def write_stream(chunks: Iterator[bytes], target: IO[bytes]) -> None:
    """Copy CSV chunks into a binary file."""
    for chunk in chunks:
        target.write(chunk)

"""Split one long table into sheets at Excel's row limit (1,048,576 rows, the header included)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from survey.services.exports.writers import Sheet

EXCEL_ROWS = 1_048_576


def split_sheets(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                 limit: int = EXCEL_ROWS) -> Iterator[Sheet]:
    """Sheets `name`, `name-2`, … each with the header and at most limit - 1 rows; one sheet for an empty table."""
    per_sheet = limit - 1
    source = iter(rows)
    number = 1
    first = next(source, None)
    if first is None:
        yield Sheet(name, header, [])
        return
    while first is not None:
        # The sheet's rows are read only while the writer fills it, so the next sheet starts where it stopped.
        yield Sheet(name if number == 1 else f"{name}-{number}", header,
                    chain([first], islice(source, per_sheet - 1)))
        number += 1
        first = next(source, None)

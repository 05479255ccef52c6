"""Issue 19 item 19: an export with every response withheld says why; index exports carry a code book."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from survey.services.access.scope import OPERATOR
from survey.services.exports.files import (indices_codebook_csv, indices_csv, indices_xlsx, responses_csv)
from survey.services.exports.index_codebook import index_codebook_rows
from survey.services.exports.index_rows import IndicesExport
from survey.services.exports.responses import response_export


def _text(chunks) -> str:
    return b"".join(chunks).decode("utf-8-sig")


def test_empty_response_export_has_a_note_row(app):
    export = response_export(OPERATOR, "KIOSK-QUICK", "2026")
    lines = _text(responses_csv(export)).splitlines()
    assert len(lines) == 2 and lines[1].startswith("# ")
    assert "There are no responses for the chosen period and scope." in lines[1]


def test_withheld_note_names_counts():
    export = type("E", (), {"withheld_responses": 7, "withheld_groups": 2, "min_n": 30})()
    from survey.services.exports.responses import ResponseExport

    note = ResponseExport.empty_note(export)
    assert "7 responses at 2 place(s) with fewer than 30 responses are withheld" in note and "7 phiếu" in note


def test_index_codebook_explains_every_column():
    table = IndicesExport({}, ["instrument", "unit_code", "index", "A1.pct", "A1.n", "A1.1.1.pct", "A1.1.1.mean",
                               "B1.share_3"], [])
    rows = {r[0]: r for r in index_codebook_rows(table)}
    assert set(rows) == set(table.header)
    assert rows["A1.1.1.pct"][2] == "Share satisfied (%) of item A1.1.1"
    assert rows["A1.n"][2] == "Number of responses of component A1"
    assert rows["A1.1.1.pct"][1] == "Tỷ lệ hài lòng (%) của câu A1.1.1"
    csv_text = _text(indices_codebook_csv(table))
    assert csv_text.splitlines()[0] == "column,meaning_vi,meaning_en" and "A1.1.1.mean" in csv_text
    assert _text(indices_csv(table)).splitlines()[1].startswith("# ")
    out = io.BytesIO()
    indices_xlsx(table, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["indices", "codebook"]
    assert [c.value for c in book["codebook"][1]] == ["column", "meaning_vi", "meaning_en"]
    assert book["codebook"].max_row == len(table.header) + 1

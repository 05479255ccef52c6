"""The secondary weighted index wherever the published one is read (issue 19 item 3): the API without
`province=`, the CLI table and CSV, the CSV/XLSX export and the overview, each labelled secondary.
Golden: commune c1 is 55.56 % unweighted and 75 % weighted (tests/services/test_weights.py works it by hand)."""
from __future__ import annotations

import csv
import io
import re

from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.indices.weights import import_margins
from tests.fixtures.factories import HOME_PROVINCE
from tests.fixtures.weights_data import MARGINS
from tests.web.test_dashboard import body

Q = "instrument=SIPAS-1001&period=2026"


def _margins() -> None:
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()


def test_api_weights_rows_without_a_province_argument(profiled_data, client, login_as):  # noqa: F811
    c1, c2, _c3 = profiled_data
    _margins()
    login_as("homeaffairs")
    got = client.get(f"/api/v1/indices?{Q}&by=commune&weighted=1")
    rows = {r["unit_code"]: r for r in got.get_json()["rows"]}
    assert rows[c1]["weighted"] == {"index": 75.0, "n_weighted_cells": 2}
    assert rows[c2]["weighted"] is None  # nobody there gave sex and age band


def test_cli_table_and_csv_print_the_weighted_column(profiled_data, runner):  # noqa: F811
    c1 = profiled_data[0]
    _margins()
    table = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026", "--weighted"])
    assert table.exit_code == 0, table.output
    assert "weighted" in table.output.splitlines()[2]
    line = next(text for text in table.output.splitlines() if c1 in text)
    assert re.search(r"55\.56 .*75\.00", line), line
    plain = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026"])
    assert "weighted" not in plain.output
    got = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026", "--weighted",
                              "--format", "csv"])
    rows = {r["unit_code"]: r for r in csv.DictReader(io.StringIO(got.output))}
    assert rows[c1]["weighted.index"] == "75.0" and rows[c1]["index"] == "55.56"


def test_the_export_carries_the_weighted_columns(profiled_data, client, login_as):  # noqa: F811
    c1 = profiled_data[0]
    _margins()
    login_as("homeaffairs")
    got = client.get(f"/reports/export/indices?{Q}&by=commune&province=22&format=csv")
    rows = {r["unit_code"]: r for r in csv.DictReader(io.StringIO(got.get_data(as_text=True)))}
    assert rows[c1]["weighted.index"] == "75.0" and rows[c1]["weighted.n_weighted_cells"] == "2"
    xlsx = client.get(f"/reports/export/indices?{Q}&by=commune&province=22&format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0]
    header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
    row = next(v for v in values if v[header.index("unit_code")] == c1)
    assert row[header.index("weighted.index")] == 75.0


def test_the_overview_shows_the_weighted_index_as_secondary(profiled_data, client, login_as):  # noqa: F811
    c1 = profiled_data[0]
    _margins()
    login_as("homeaffairs")
    page = body(client.get(f"/dashboard/?{Q}"))
    head = re.search(r'id="province-weighted" data-weighted="([^"]+)">([^<]+)<', page)
    assert head and head.group(1) == "75.0" and head.group(2).endswith("(chỉ số phụ): 75,0")
    assert re.search(rf'data-unit="{c1}"[^>]*data-index="55.56"', page)
    assert 'data-weighted="75.0">75,0<' in page and "Gia quyền (phụ)" in page

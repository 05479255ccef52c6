"""`survey report` and `survey export`: files written, the whole province with progress, audit entries."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pypdf
import pytest
from sqlalchemy import select

from survey.cli.common import actor
from survey.extensions import db
from survey.models import AuditEntry
from tests.fixtures.factories import HOME_PROVINCE
from tests.services.report_data import A_NOW, build


@pytest.fixture
def data(app, make_service_point):
    return build(make_service_point)


def test_report_for_one_unit_writes_a_pdf(runner, data, tmp_path):
    out = tmp_path / "a.pdf"
    result = runner.invoke(args=["report", "--unit", data.commune_a, "--period", "2026-Q1", "--lang", "en",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(out).pages)
    assert "75.0%" in text and "Overall satisfaction index" in text
    assert db.session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "report.download")).all() == [actor()]


def test_report_for_a_whole_province_writes_every_unit_into_a_zip(runner, data, tmp_path):
    out = tmp_path / "all.zip"
    result = runner.invoke(args=["report", "--province", HOME_PROVINCE, "--period", "2026-Q1", "--instrument",
                                 "KIOSK-QUICK", "--all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert names[0] == f"province-{HOME_PROVINCE}-2026-Q1.pdf"
    assert {f"commune-{data.commune_a}-2026-Q1.pdf", f"commune-{data.commune_b}-2026-Q1.pdf",
            f"agency-{data.agency_a}-2026-Q1.pdf"} <= set(names)
    assert f"{len(names)} PDF files" in result.output
    pdf = zipfile.ZipFile(out).read(f"commune-{data.commune_a}-2026-Q1.pdf")
    assert "75,0%" in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_report_into_a_folder_and_usage_errors(runner, data, tmp_path):
    result = runner.invoke(args=["report", "--province", HOME_PROVINCE, "--period", "2026-Q1", "--instrument",
                                 "KIOSK-QUICK", "--all", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"commune-{data.commune_a}-2026-Q1.pdf").is_file()
    assert runner.invoke(args=["report", "--period", "2026", "-o", "x.pdf"]).exit_code == 2
    assert runner.invoke(args=["report", "--unit", data.commune_a, "--all", "--period", "2026",
                               "-o", "x.pdf"]).exit_code == 2
    missing = runner.invoke(args=["report", "--unit", "99999", "--period", "2026", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "99999" in missing.output


def test_exports_from_the_command_line(runner, data, tmp_path):
    indices = tmp_path / "indices.csv"
    result = runner.invoke(args=["export", "indices", "--instrument", "KIOSK-QUICK", "--period", "2026-Q1",
                                 "--province", HOME_PROVINCE, "-o", str(indices)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(indices, dtype={"unit_code": str}).set_index("unit_code")
    assert frame.at[data.commune_a, "index"] == pytest.approx(75.0) and pd.isna(frame.at[data.commune_b, "index"])
    book = tmp_path / "responses.xlsx"
    result = runner.invoke(args=["export", "responses", "--instrument", "KIOSK-QUICK", "--period", "2026-Q1",
                                 "-o", str(book)])
    assert result.exit_code == 0, result.output
    assert "10 responses withheld in 1 groups" in result.output
    sheet = openpyxl.load_workbook(book, read_only=True)["responses"]
    assert sum(1 for _ in sheet.iter_rows()) == 1 + len(A_NOW)
    bad = runner.invoke(args=["export", "responses", "--instrument", "KIOSK-QUICK", "--period", "2026-Q1",
                              "-o", str(tmp_path / "x.txt")])
    assert bad.exit_code == 2

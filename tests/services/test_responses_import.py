"""CSV import of paper questionnaires: all rows or none, a report that names each bad row and why; the CLI."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid
from survey.extensions import db
from survey.models import Answer, Comment, Response
from survey.services.responses.csv_import import ImportRejected, import_responses_csv


def count(model=Response) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def point(make_service_point):
    return make_service_point(code="SP-PAPER")


def csv_text(*rows: str, header: str = "instrument,service_point,submitted_at,Q,R,COMMENT") -> str:
    return "\n".join((header, *rows)) + "\n"


def test_valid_file_imports_every_row_with_its_answers(app, point):
    text = csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,5,,",
                    "KIOSK-QUICK,SP-PAPER,05/01/2026,2,1;3,Chờ lâu",
                    "KIOSK-QUICK,SP-PAPER,2026-01-06T08:15:00+07:00,1,2 4 7,")
    report = import_responses_csv(text)
    db.session.commit()
    assert [r.status for r in report.rows] == ["stored"] * 3
    assert count() == 3 and count(Answer) == 1 + 3 + 4 and count(Comment) == 1
    rows = db.session.scalars(select(Response).order_by(Response.id)).all()
    assert {r.channel for r in rows} == {"paper"}
    assert str(rows[1].local_date) == "2026-01-05"


def test_reimporting_the_same_file_stores_nothing_twice(app, point):
    text = csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,5,,", "KIOSK-QUICK,SP-PAPER,2026-01-05,5,,")
    import_responses_csv(text)
    db.session.commit()
    again = import_responses_csv(text)
    assert [r.status for r in again.rows] == ["already_stored"] * 2
    assert count() == 2  # two identical paper forms are two responses; the file twice is still two


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_rows(app, point):
    text = csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,5,,",
                    "KIOSK-QUICK,SP-PAPER,2026-01-05,7,,",
                    "KIOSK-QUICK,NOWHERE,2026-01-05,4,,",
                    "KIOSK-QUICK,SP-PAPER,2026-01-05,4,1,")
    with pytest.raises(ImportRejected) as caught:
        import_responses_csv(text)
    db.session.rollback()
    report = caught.value.report
    assert [r.status for r in report.rows] == ["valid", "error", "error", "error"]  # checked, never written
    lines: dict[int, list] = {}
    for e in caught.value.errors:
        lines.setdefault(e["line"], []).append((e["field"], e["code"]))
        assert e["message"].startswith(f"line {e['line']}:")
    assert set(lines) == {3, 4, 5}
    assert ("answers.Q", "out_of_scale") in lines[3]
    assert lines[4] == [("service_point", "unknown")] and lines[5] == [("answers.R", "routed_out")]
    assert count() == 0 and count(Answer) == 0


def test_sipas_rows_put_profile_columns_in_the_respondent(app, point):
    header = "id,instrument,service_point,submitted_at,channel,sex,age_band,X.5,A2.1.1,A2.5.1,COMMENT"
    text = csv_text("1b4e28ba-2fa1-4d2e-8c3b-6f0f1e2d3c4b,SIPAS-1001,SP-PAPER,2026-02-01,interview,2,4,1,5,3,Tốt",
                    header=header)
    report = import_responses_csv(text)
    db.session.commit()
    assert report.rows[0].id == "1b4e28ba-2fa1-4d2e-8c3b-6f0f1e2d3c4b"
    stored = db.session.scalar(select(Response))
    assert (stored.sex, stored.age_band, stored.channel) == (2, 4, "interview")


def test_missing_header_and_duplicate_dossier_in_one_file(app, point):
    with pytest.raises(Invalid) as caught:
        import_responses_csv("a,b\n1,2\n")
    assert "header" in str(caught.value.errors)
    header = "instrument,service_point,submitted_at,dossier,Q"
    text = csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,000.21.22.H49-250701-0001,5",
                    "KIOSK-QUICK,SP-PAPER,2026-01-05,000.21.22.H49-250701-0001,4", header=header)
    with pytest.raises(ImportRejected) as rejected:
        import_responses_csv(text)
    db.session.rollback()
    assert [e["line"] for e in rejected.value.errors] == [3]
    assert rejected.value.errors[0]["code"] == "dossier_rated"
    assert count() == 0


def test_cli_imports_and_reports(app, runner, point, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,5,,", "KIOSK-QUICK,SP-PAPER,2026-01-05,2,1,"),
                    encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "nothing was stored" in result.output and count() == 0
    result = runner.invoke(args=["responses", "import", str(good), "-v"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 rows: 2 stored" in result.output and "line 2: stored" in result.output
    db.session.rollback()
    assert count() == 2
    from survey.models import AuditEntry

    assert db.session.query(AuditEntry).filter_by(action="responses.import").one().details["rows"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,5,,", "KIOSK-QUICK,SP-PAPER,2026-13-05,5,,"),
                   encoding="utf-8")
    result = runner.invoke(args=["responses", "import", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output and "nothing was imported" in result.output
    db.session.rollback()
    assert count() == 2


def test_rows_are_checked_before_any_write(app, point, monkeypatch):
    # The write lock is taken only once every row passed: a big bad file never blocks the kiosks' submissions.
    from survey.services.responses import csv_import

    writes = []
    monkeypatch.setattr(csv_import, "begin_write", lambda: writes.append(1))
    with pytest.raises(ImportRejected):
        import_responses_csv(csv_text("KIOSK-QUICK,SP-PAPER,2026-01-05,5,,", "KIOSK-QUICK,SP-PAPER,2026-01-05,6,,"))
    assert writes == []

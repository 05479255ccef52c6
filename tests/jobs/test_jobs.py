"""Jobs end to end through the web screens: a province ZIP and a large responses export, progress seen only by the
requester's scope, results kept and purged, errors in the reader's language, XLSX split at the row limit."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Job, ServicePoint
from survey.models.base import utcnow
from survey.services.access.scope import scope_for
from survey.services.exports import packed_rows
from survey.services.jobs import runner, store
from survey.services.jobs.spreadsheet import split_sheets
from tests.fixtures.factories import FOREIGN_PROVINCE, HOME_PROVINCE
from tests.jobs.support import client_for, run_queued, use_backend
from tests.services import report_data


@pytest.fixture
def backend(app, monkeypatch, tmp_path):
    """Results in this test's folder; the runner each database is tested with."""
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    return use_backend(app, monkeypatch)


def _start(client, data: dict) -> str:
    """POST the form; the job's page is where it redirects."""
    response = client.post("/jobs/", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def _watch(monkeypatch, requester, outsider, public_id_box: list) -> list[int]:
    """Each progress write is read back at once by the requester (same figure) and refused to the outsider."""
    seen: list[int] = []
    original = store.beat

    def beat(job_id, progress=None, steps=None):
        original(job_id, progress, steps)
        if progress is None:
            return
        public_id = public_id_box[0]
        status = requester.get(f"/jobs/{public_id}/status")
        assert status.status_code == 200
        assert status.json["state"] == "running" and status.json["progress"] == progress
        assert outsider.get(f"/jobs/{public_id}/status").status_code == 404
        seen.append(progress)

    monkeypatch.setattr(store, "beat", beat)
    return seen


def _submit_captured(monkeypatch) -> list:
    """Keep the future of what the view submits (None on RQ)."""
    futures: list = []
    original = runner.submit
    monkeypatch.setattr(runner, "submit", lambda job: futures.append(original(job)) or futures[-1])
    return futures


def test_province_zip_job(app, backend, make_user, make_service_point, monkeypatch):
    data = report_data.build(make_service_point)
    requester = make_user("homeaffairs", HOME_PROVINCE)
    colleague = make_user("homeaffairs", HOME_PROVINCE)
    outsider = make_user("homeaffairs", FOREIGN_PROVINCE)
    manager = make_user("manager", data.commune_a)
    mine, theirs = client_for(app, requester), client_for(app, outsider)
    futures, box = _submit_captured(monkeypatch), []
    seen = _watch(monkeypatch, mine, theirs, box)
    monkeypatch.setattr(store.secrets, "token_hex", lambda n: "a" * 24)  # the id is known before it runs
    box.append("a" * 24)

    public_id = _start(mine, {"kind": "province_zip", "province": HOME_PROVINCE, "period": "2026-Q1",
                              "instrument": "KIOSK-QUICK", "lang": "vi"})
    assert public_id == box[0]
    run_queued(app, futures[0])

    # Progress was written once per PDF (the province report, 2 communes, 2 agencies; 100 only with the file),
    # and read back each time.
    assert seen == [20, 40, 60, 80, 99]
    status = mine.get(f"/jobs/{public_id}/status").json
    assert status["state"] == "done" and status["progress"] == 100
    db.session.rollback()
    recorded = db.session.scalar(select(Job.progress_steps).where(Job.public_id == public_id))
    assert recorded == [20, 40, 60, 80, 99, 100]  # the job store keeps every value the bar could show
    body = mine.get(status["download"])
    assert body.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(body.data)).namelist()
    point_b = db.session.scalar(select(ServicePoint).where(ServicePoint.code == data.point_b))
    assert sorted(names) == sorted([f"province-{HOME_PROVINCE}-2026-Q1.pdf", f"commune-{data.commune_a}-2026-Q1.pdf",
                                    f"commune-{data.commune_b}-2026-Q1.pdf", f"agency-{data.agency_a}-2026-Q1.pdf",
                                    f"agency-{point_b.agency.code}-2026-Q1.pdf"])
    assert zipfile.ZipFile(io.BytesIO(body.data)).read(names[0]).startswith(b"%PDF")
    # Same scope sees it; another province, a commune's manager: 404 on every address of the job.
    assert client_for(app, colleague).get(f"/jobs/{public_id}").status_code == 200
    for other in (theirs, client_for(app, manager)):
        for suffix in ("", "/status", "/download"):
            assert other.get(f"/jobs/{public_id}{suffix}").status_code == 404
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.download")).one()
    assert entry.actor == requester.email and entry.object == HOME_PROVINCE and entry.details["files"] == 5


def test_province_zip_refused_at_once_outside_scope(app, backend, make_user, make_service_point):
    report_data.build(make_service_point)
    outsider = client_for(app, make_user("homeaffairs", FOREIGN_PROVINCE))
    response = outsider.post("/jobs/", data={"kind": "province_zip", "province": HOME_PROVINCE, "period": "2026-Q1"})
    assert response.status_code == 404
    bad = client_for(app, make_user("homeaffairs", HOME_PROVINCE)).post(
        "/jobs/", data={"kind": "province_zip", "province": HOME_PROVINCE, "period": "2026-Q9"})
    assert bad.status_code == 422
    assert db.session.scalar(select(Job.id)) is None


def _demo(n: int) -> None:
    from survey.services.operations.demo import build_organisation, generate_responses

    build_organisation(HOME_PROVINCE)
    generate_responses(HOME_PROVINCE, n, seed=7, instrument="KIOSK-QUICK")
    db.session.commit()


def test_large_responses_export_job(app, backend, make_user, monkeypatch):
    """A responses export read in a hundred chunks: progress by the percent, each value read back by the requester
    and refused to an outsider, every row written or withheld, numbered on across chunks. (Chunks of 50 rows: 5000
    responses cross as many chunks as 100,000 do at the size chunk_size picks for them, below.)"""
    monkeypatch.setattr(packed_rows, "CHUNK", 50)
    _demo(5000)
    requester = make_user("homeaffairs", HOME_PROVINCE)
    mine, theirs = client_for(app, requester), client_for(app, make_user("manager", FOREIGN_PROVINCE))
    futures, box = _submit_captured(monkeypatch), ["b" * 24]
    seen = _watch(monkeypatch, mine, theirs, box)
    monkeypatch.setattr(store.secrets, "token_hex", lambda n: "b" * 24)
    total = db.session.scalar(select(db.func.count()).select_from(db.metadata.tables["responses"]))

    public_id = _start(mine, {"kind": "responses_export", "instrument": "KIOSK-QUICK", "period": "2020..2030",
                              "format": "csv"})
    run_queued(app, futures[0])

    assert len(seen) >= 90 and seen == sorted(seen) and seen[-1] >= 98
    status = mine.get(f"/jobs/{public_id}/status").json
    assert status["state"] == "done", status
    rows = list(csv.reader(io.StringIO(mine.get(status["download"]).data.decode("utf-8-sig"))))
    job = db.session.scalar(select(Job))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert len(rows) - 1 + entry.details["withheld"] == total == 5000
    assert rows[0][:3] == ["row", "instrument", "version"] and rows[-1][0] == str(len(rows) - 1)
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(rows))]
    assert job.expires_at is not None


@pytest.mark.parametrize("responses", [100_000, 1_000_000])
def test_a_large_export_is_read_in_a_hundred_chunks_or_more(responses):
    """What lets a job's progress move by the percent at the real chunk size."""
    assert responses / packed_rows.chunk_size(SimpleNamespace(expected_rows=responses)) >= 100


def test_xlsx_split_at_row_limit(app, backend, make_user, make_service_point, monkeypatch):
    report_data.build(make_service_point)  # commune A: 72 responses at point A; B (10) is withheld under 30
    monkeypatch.setitem(app.config, "XLSX_MAX_ROWS", 31)  # 30 rows under each header
    monkeypatch.setitem(app.config, "MIN_N", 30)
    mine = client_for(app, make_user("homeaffairs", HOME_PROVINCE))
    futures = _submit_captured(monkeypatch)
    public_id = _start(mine, {"kind": "responses_export", "instrument": "KIOSK-QUICK", "period": "2025..2026",
                              "format": "xlsx"})
    run_queued(app, futures[0])
    body = mine.get(f"/jobs/{public_id}/download")
    book = load_workbook(io.BytesIO(body.data), read_only=True)
    assert book.sheetnames == ["responses", "responses-2", "responses-3", "codebook"]
    sizes = [len(list(book[name].iter_rows())) for name in book.sheetnames[:3]]
    assert sizes == [31, 31, 13]  # 72 rows: 30 + 30 + 12, each sheet with its header
    assert [c.value for c in next(book["responses-3"].iter_rows())][0] == "row"
    assert next(book["responses-3"].iter_rows(min_row=2))[0].value == 61


def test_split_sheets_edges():
    assert [list(s.rows) for s in split_sheets("t", ["h"], [], 3)] == [[]]
    sheets = [(s.name, list(s.rows)) for s in split_sheets("t", ["h"], [[1], [2], [3], [4]], 3)]
    assert sheets == [("t", [[1], [2]]), ("t-2", [[3], [4]])]


def test_failed_job_error_in_readers_language_and_purge(app, backend, make_user):
    user = make_user("homeaffairs", HOME_PROVINCE)
    mine = client_for(app, user)
    # An RQ worker's job (a web process's own is "server restarted": tests/jobs/test_jobs_restart.py).
    job = runner.prepare(scope_for(user), "check", {"seconds": "0"}, user.email, user.id, runner="rq")
    long_ago = utcnow() - timedelta(hours=2)
    job.state, job.started_at, job.heartbeat_at = "running", long_ago, long_ago
    db.session.commit()
    vi = mine.get(f"/jobs/{job.public_id}/status?lang=vi").json
    assert vi["state"] == "failed" and vi["error"].startswith("Tiến trình chạy công việc này đã dừng")
    en = mine.get(f"/jobs/{job.public_id}/status?lang=en").json
    assert en["error"].startswith("The worker running this job stopped before it finished")
    page = mine.get(f"/jobs/{job.public_id}?lang=en").get_data(as_text=True)
    assert "The worker running this job stopped" in page
    # Kept for JOB_RESULT_HOURS, then purged with its file by the CLI.
    db.session.refresh(job)
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "purge"])
    assert result.exit_code == 0 and "1 expired job(s) deleted" in result.output
    assert db.session.scalar(select(Job.id)) is None


def test_a_job_stays_its_requesters_when_legacy_units_join_their_scope(app, make_user):
    """Scopes grow when the legacy list is imported (a commune's scope opens the old units wholly inside it): the
    requester keeps the job; a colleague of another role or a narrower scope still does not see it."""
    from tests.fixtures.factories import commune_codes
    from survey.services.organisation.legacy import import_legacy_csv

    home, other = commune_codes(HOME_PROVINCE, 2)
    requester = make_user("manager", unit=home)
    job = store.create_job(scope_for(requester), "check", {"seconds": "0"}, requester.email, requester.id)
    db.session.commit()
    import_legacy_csv("province_code,province_name,district_code,district_name,commune_code,commune_name,"
                      f"successor_codes\n{HOME_PROVINCE},Tỉnh,998,Huyện cũ,99801,Xã cũ,{home}\n")
    db.session.commit()
    grown = scope_for(requester)
    assert set(job.scope["unit_ids"]) < grown.unit_ids  # the scope did grow
    assert store.get_job(grown, job.public_id).id == job.id
    assert not store.visible(scope_for(make_user("viewer", unit=home)), job)
    assert not store.visible(scope_for(make_user("manager", unit=other)), job)
    assert store.visible(scope_for(make_user("manager", unit=HOME_PROVINCE)), job)  # sees the commune already
    assert not store.visible(scope_for(make_user("manager", unit=FOREIGN_PROVINCE)), job)

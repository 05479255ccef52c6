"""Large paper-CSV imports and backups run as jobs from the browser: progress, a result (the import report, the
backup file) seen only by the requester's scope, errors in the reader's language; on SQLite with the in-process
runner and on PostgreSQL with RQ on Redis."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AuditEntry, Job, Response
from survey.services.jobs import runner, store
from tests.fixtures.factories import FOREIGN_PROVINCE, HOME_PROVINCE, commune_codes
from tests.jobs.support import client_for, run_queued, use_backend

HEADER = "instrument,service_point,submitted_at,Q,R"


@pytest.fixture
def backend(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setitem(app.config, "PAPER_IMPORT_JOB_ROWS", 5)  # "a few thousand" in production; 5 here
    return use_backend(app, monkeypatch)


def _submitted(monkeypatch) -> list:
    futures: list = []
    original = runner.submit
    monkeypatch.setattr(runner, "submit", lambda job: futures.append(original(job)) or futures[-1])
    return futures


def _progress(monkeypatch) -> list[int]:
    seen: list[int] = []
    original = store.beat
    monkeypatch.setattr(store, "beat", lambda job_id, progress=None, steps=None: (
        original(job_id, progress, steps), progress is not None and seen.append(progress)))
    return seen


def _progress_aside(app, client, monkeypatch) -> list[int]:
    """The job page's progress each time the work kept a value aside (SQLite, while it stores), read meanwhile
    by a request of its own."""
    shown: list[int] = []
    original = store.beat_aside

    def beat_aside(stem: str, progress: int, steps: list[int]) -> None:
        original(stem, progress, steps)
        with app.app_context():  # another session, as the browser's poll has: the rows are not committed yet
            status = client.get(f"/jobs/{stem}/status").json
        assert status["state"] == "running" and status["progress"] == progress, (status, progress)
        shown.append(status["progress"])

    monkeypatch.setattr(store, "beat_aside", beat_aside)
    return shown


def _upload(client, rows: list[str]):
    body = ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
    return client.post("/paper/import", data={"file": (io.BytesIO(body), "phieu.csv"), "channel": "paper"})


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def test_a_large_paper_import_runs_as_a_job_seen_only_in_its_scope(app, backend, make_user, make_service_point,
                                                                   monkeypatch):
    home, other = commune_codes(HOME_PROVINCE, 2)
    point = make_service_point(unit=home, code="SP-BIG")
    clerk = make_user("clerk", unit=home)
    mine = client_for(app, clerk)
    futures, seen = _submitted(monkeypatch), _progress(monkeypatch)
    aside = _progress_aside(app, mine, monkeypatch)

    small = _upload(mine, [f"KIOSK-QUICK,{point.code},2026-01-05,4,"] * 5)  # at the threshold: inline, as before
    assert small.status_code == 200 and "5" in small.get_data(as_text=True) and not futures and _count() == 5

    rows = [f"KIOSK-QUICK,{point.code},2026-01-0{1 + i},{1 + i % 5},{'1;2' if i % 5 < 2 else ''}" for i in range(8)]
    started = _upload(mine, rows)
    assert started.status_code == 303 and "/jobs/" in started.headers["Location"]
    public_id = started.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert _count() == 5  # nothing imported by the request itself
    run_queued(app, futures[0])

    # Checked row by row (the first 70 %), then stored row by row: on SQLite, whose write lock the storing holds,
    # those values go beside the results, where the job's page read them while it ran.
    assert seen == sorted(seen) and len(seen) >= 6 and seen[-1] >= (60 if backend == "thread" else 70)
    steps = db.session.scalar(select(Job.progress_steps).where(Job.public_id == public_id))
    assert steps == sorted(steps) and steps[-1] == 100 and len([v for v in steps if 70 < v < 100]) >= 5, steps
    if backend == "thread":
        assert aside and aside == sorted(aside) and aside[0] == 70 and aside[-1] > 90, aside
    assert not list(store.results_dir().glob("*.progress"))  # gone once the end is written
    status = mine.get(f"/jobs/{public_id}/status?lang=en").json
    assert status["state"] == "done" and status["progress"] == 100 and status["report"], status
    assert _count() == 13
    page = mine.get(status["report"] + "&lang=en").get_data(as_text=True)
    assert "8 questionnaires imported." in page and page.count("stored") >= 8
    report = list(csv.DictReader(io.StringIO(mine.get(status["download"]).data.decode("utf-8-sig"))))
    assert [r["status"] for r in report] == ["stored"] * 8 and [r["line"] for r in report] == [str(n) for n in
                                                                                             range(2, 10)]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "responses.import")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.actor == clerk.email and entry.object == "phieu.csv" and entry.details["stored"] == 8
    assert entry.details["job"] == public_id
    # The upload itself is gone; the report stays for JOB_RESULT_HOURS.
    assert not list(store.results_dir().glob("upload-*.csv"))
    # Another commune's clerk, another province's: the job, its file and its report are 404.
    for outsider in (make_user("clerk", unit=other), make_user("homeaffairs", FOREIGN_PROVINCE)):
        client = client_for(app, outsider)
        for url in (f"/jobs/{public_id}", f"/jobs/{public_id}/status", f"/jobs/{public_id}/download",
                    f"/paper/import?job={public_id}"):
            assert client.get(url).status_code == 404, (outsider.role, url)


def test_a_rejected_large_import_stores_nothing_and_keeps_its_report(app, backend, make_user, make_service_point,
                                                                     monkeypatch):
    home = commune_codes(HOME_PROVINCE, 1)[0]
    point = make_service_point(unit=home, code="SP-BAD")
    mine = client_for(app, make_user("clerk", unit=home))
    futures = _submitted(monkeypatch)
    rows = [f"KIOSK-QUICK,{point.code},2026-01-05,4,"] * 6 + [f"KIOSK-QUICK,{point.code},2026-01-05,8,"]
    public_id = _upload(mine, rows).headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    run_queued(app, futures[0])

    en = mine.get(f"/jobs/{public_id}/status?lang=en").json
    assert en["state"] == "failed" and en["error"].startswith("Nothing was imported: 1 of 7 rows are invalid.")
    vi = mine.get(f"/jobs/{public_id}/status?lang=vi").json
    assert vi["error"].startswith("Chưa nhập phiếu nào: 1 trong 7 dòng không hợp lệ.")
    assert en["download"] and en["report"] and _count() == 0
    page = mine.get(f"/paper/import?job={public_id}&lang=vi").get_data(as_text=True)
    assert "Chưa nhập phiếu nào" in page and "8 không phải là mã trả lời của câu hỏi này" in page
    report = list(csv.DictReader(io.StringIO(mine.get(en["download"]).data.decode("utf-8-sig"))))
    refused = [(r["line"], r["code"]) for r in report if r["status"] == "error"]
    assert ("8", "out_of_scale") in refused and {line for line, _ in refused} == {"8"}
    assert [r["status"] for r in report if r["line"] != "8"] == ["valid"] * 6
    # The downloaded report words its problems as the screen does: the reader's language (Vietnamese after the
    # page above), English when asked for the file; asking for the file leaves the reader's language alone.
    worded = {}
    for lang in ("", "?lang=en", ""):
        rows = csv.DictReader(io.StringIO(mine.get(en["download"] + lang).data.decode("utf-8-sig")))
        worded.setdefault(lang, []).append([r["message"] for r in rows if r["status"] == "error"])
    assert worded[""] == [["Q: 8 không phải là mã trả lời của câu hỏi này", "Q phải được trả lời"]] * 2, worded
    assert worded["?lang=en"] == [["Q: 8 is not an answer code of this question", "Q must be answered"]], worded
    assert db.session.scalar(select(Job.error_code)) == "import_rejected"


def test_backup_job_in_a_provinces_own_database(app, backend, make_user, make_service_point, make_agency,
                                                monkeypatch):
    home = commune_codes(HOME_PROVINCE, 1)[0]
    make_service_point(unit=home)
    requester = make_user("homeaffairs", HOME_PROVINCE)
    mine = client_for(app, requester)
    futures, seen = _submitted(monkeypatch), _progress(monkeypatch)
    response = mine.post("/jobs/", data={"kind": "backup"})
    assert response.status_code == 303
    public_id = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    run_queued(app, futures[0])

    status = mine.get(f"/jobs/{public_id}/status").json
    assert status["state"] == "done" and status["name"].startswith("survey-backup-") and seen == sorted(seen)
    archive = zipfile.ZipFile(io.BytesIO(mine.get(status["download"]).data))
    manifest = json.loads(archive.read("manifest.json"))
    tables = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert tables["users"] == 1 and tables["service_points"] == 1 and "tables/responses.jsonl" in archive.namelist()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "backup")).one()
    assert entry.actor == requester.email and entry.object == status["name"] and entry.details["job"] == public_id
    for role in ("manager", "viewer"):  # same units, another role: not theirs
        assert client_for(app, make_user(role, HOME_PROVINCE)).get(f"/jobs/{public_id}/download").status_code == 404

    # A manager may not back up; nor may Home Affairs once the server holds another province's data.
    assert client_for(app, make_user("manager", HOME_PROVINCE)).post("/jobs/", data={"kind": "backup"}) \
        .status_code == 403
    make_agency(unit=FOREIGN_PROVINCE, kind="department", name="Sở Nội vụ")
    refused = mine.post("/jobs/?lang=en", data={"kind": "backup"})
    assert refused.status_code == 403 and "also holds data outside your units" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_cli_starts_a_paper_import_job_from_a_file(app, make_service_point, monkeypatch, tmp_path):
    """`survey jobs start paper_import -p path=FILE` (in this process without Redis); a bad file says why."""
    monkeypatch.setitem(app.config, "JOBS_DIR", str(tmp_path / "jobs"))
    monkeypatch.setitem(app.config, "REDIS_URL", "")
    point = make_service_point(unit=commune_codes(HOME_PROVINCE, 1)[0])
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text("\n".join([HEADER] + [f"KIOSK-QUICK,{point.code},2026-01-05,5,"] * 3) + "\n", "utf-8")
    bad.write_text("instrument,service_point,submitted_at,Q\n", "utf-8")
    cli = app.test_cli_runner()
    done = cli.invoke(args=["jobs", "start", "paper_import", "-p", f"path={good}", "-o", str(tmp_path / "r.csv")])
    assert done.exit_code == 0, done.output
    assert _count() == 3 and (tmp_path / "r.csv").read_text("utf-8-sig").count("stored") == 3
    refused = cli.invoke(args=["jobs", "start", "paper_import", "-p", f"path={bad}"])
    assert refused.exit_code == 1 and "Nothing was imported: the file cannot be read" in refused.output
    assert db.session.scalar(select(Job.runner).order_by(Job.id.desc()).limit(1)) == "cli"

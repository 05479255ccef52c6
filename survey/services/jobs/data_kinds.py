"""Jobs that read or write the data itself: a large paper-CSV import, and a backup of the whole database.

A paper import over a few thousand rows (PAPER_IMPORT_JOB_ROWS) is kept as an upload in the results folder and
imported by a job with the requester's scope, all or nothing as inline; its result is the row report (a CSV that the
paper import screen shows in the reader's language), kept for a failed import too. A backup from the browser is Home
Affairs' only when the database holds nothing outside their scope (a province's own server): the file holds every
table, accounts and audit log included.
"""
from __future__ import annotations

import csv
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from sqlalchemy import select

from survey.errors import Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models.base import utcnow
from survey.services.access import audit
from survey.services.access.scope import Scope, require
from survey.services.exports.cells import FORMULA_STARTS
from survey.services.exports.writers import csv_chunks
from survey.services.jobs import store
from survey.services.jobs.context import Context, JobFailed, Kind, Result

UPLOAD = re.compile(r"upload-[0-9a-f]{32}\.csv")
REPORT_COLUMNS = ["line", "id", "status", "field", "code", "item", "value", "message"]
PROGRESS_CHECK = 70.0  # checking every row is most of an import; storing them the rest


# --- paper imports ----------------------------------------------------------------------------------------------

def row_count(text: str) -> int:
    """How many rows a paper CSV holds (0 when it cannot be read: the inline import then says why)."""
    from survey.csvfile import read_rows

    try:
        return len(read_rows(text, delimiters=",;")[1])
    except Invalid:
        return 0


def stage_upload(text: str) -> str:
    """Keep an uploaded CSV in the results folder until its job reads it; the name to pass as the job's upload."""
    name = f"upload-{secrets.token_hex(16)}.csv"
    (store.results_dir() / name).write_text(text, encoding="utf-8")
    return name


def _check_import(scope: Scope, params: Mapping[str, str]) -> dict:
    require(scope, "responses.enter")
    upload = str(params.get("upload") or "")
    if not UPLOAD.fullmatch(upload) or not (store.results_dir() / upload).is_file():
        raise Invalid([{"field": "upload", "code": "unknown", "message": "upload the CSV file again"}])
    channel = str(params.get("channel") or "paper")
    if channel not in ("paper", "interview"):
        raise Invalid([{"field": "channel", "code": "unknown", "message": "channel must be paper or interview"}])
    return {"file": str(params.get("file") or "")[:200], "channel": channel, "upload": upload,
            "rows": int(str(params.get("rows") or "0")) if str(params.get("rows") or "0").isdigit() else 0}


def _run_import(ctx: Context) -> Result:
    from survey.services.responses.csv_import import ImportRejected, ImportReport, RowResult, import_responses_csv

    source = ctx.folder / ctx.params["upload"]
    name = f"bao-cao-nhap-{ctx.stem[:8]}.csv"
    try:
        text = source.read_text(encoding="utf-8")
        sqlite = db.engine.dialect.name == "sqlite"

        def progress(pct: float) -> None:
            # Storing holds SQLite's write lock: a progress write on its own connection would wait for the commit,
            # so from then on it goes beside the results, where the job's page reads it too.
            ctx.progress(pct, locked=sqlite and pct >= PROGRESS_CHECK)

        try:
            report = import_responses_csv(text, ctx.scope, ctx.params["channel"], progress=progress)
        except ImportRejected as exc:
            db.session.rollback()
            target = _write_report(ctx, exc.report)
            bad = exc.report.count("error")
            raise JobFailed("import_rejected", exc.message, target.name, name, bad=bad,
                            rows=len(exc.report.rows)) from None
        except Invalid as exc:  # the file as a whole (header, encoding, size): its problems as the report
            db.session.rollback()
            rows = [RowResult(int(e.get("line") or 1), "", "error", [e]) for e in exc.errors]
            target = _write_report(ctx, ImportReport(rows))
            raise JobFailed("import_file_refused", exc.message, target.name, name, bad=len(rows), rows=0) from None
        stored = report.count("stored")
        audit.record(ctx.actor, "responses.import", ctx.params["file"], rows=len(report.rows), stored=stored,
                     job=ctx.stem)
        db.session.commit()  # the rows and their audit entry together; the runner then records the outcome
    finally:
        source.unlink(missing_ok=True)
    target = _write_report(ctx, report)
    return Result(target.name, name, {"rows": len(report.rows), "stored": stored})


def report_csv(report, message: Callable[[dict], str] | None = None) -> Iterator[bytes]:
    """The row report as CSV chunks: one line per problem (or per row without one); `message` words each problem
    (the reader's language; the service's English message without it, as the stored file keeps it)."""
    lines = []
    for row in report.rows:
        for error in row.errors or [{}]:
            text = (message(error) if message else error.get("message", "")) if error else ""
            lines.append([row.line, row.id, row.status, error.get("field", ""), error.get("code", ""),
                          error.get("item", ""), error.get("value", ""), text])
    return csv_chunks(REPORT_COLUMNS, lines)


def _write_report(ctx: Context, report) -> Path:
    """The row report as the job's file, in English: the paper import screen and its download word it anew."""
    target = ctx.path(".csv")
    with target.open("wb") as out:
        for chunk in report_csv(report):
            out.write(chunk)
    return target


def import_report(scope: Scope, public_id: str):
    """(the import job, its row report as an ImportReport) for the paper import screen; NotFound for a job this
    caller may not see, one of another kind, or one without a report yet."""
    from survey.services.responses.csv_import import ImportReport, RowResult

    path, _ = store.result_file(scope, public_id)
    job = store.get_job(scope, public_id)
    if job.kind != "paper_import":
        raise NotFound("unknown_job", f"There is no import job {public_id}", job=public_id)
    rows: dict[int, RowResult] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for cells in csv.DictReader(handle):
            cells = {k: _plain(v) for k, v in cells.items()}
            line = int(cells["line"])
            row = rows.setdefault(line, RowResult(line, cells["id"], cells["status"]))
            if cells["code"]:
                row.errors.append({k: cells[k] for k in ("field", "code", "item", "value", "message")})
    return job, ImportReport(list(rows.values()))


def _plain(value: str | None) -> str:
    """A report cell as written before csv_chunks quoted a formula start."""
    value = value or ""
    return value[1:] if value.startswith("'") and value[1:2] in FORMULA_STARTS else value


# --- backups ----------------------------------------------------------------------------------------------------

def _check_backup(scope: Scope, params: Mapping[str, str]) -> dict:
    require(scope, "backup.run")
    if not scope.is_operator:
        _whole_database_within(scope)
    return {}


def _whole_database_within(scope: Scope) -> None:
    """Forbidden unless every row tied to a unit lies in the caller's units (a backup holds every table)."""
    from survey.models import Base

    refused = Forbidden("backup_other_units", "This database also holds data outside your units; the operator "
                        "backs it up with `survey backup`")
    if scope.unit_ids is None or scope.agency_ids is not None:
        raise refused
    mine = sorted(scope.unit_ids)
    for table in Base.metadata.sorted_tables:
        if table.name in ("units", "unit_successions"):
            continue  # the reference list of every unit, public
        for column in table.columns:
            if any(fk.column.table.name == "units" for fk in column.foreign_keys):
                if db.session.scalar(select(column).where(column.is_not(None), column.not_in(mine)).limit(1)):
                    raise refused


def _run_backup(ctx: Context) -> Result:
    from survey.services.operations.backup import dump, tables
    from survey.services.operations.manifest import open_archive, read_manifest, verify_files

    total = max(1, sum(db.session.scalar(select(db.func.count()).select_from(t)) or 0 for t in tables()))
    db.session.rollback()  # the counts only size the progress bar; the dump reads its own snapshot
    done = [0]

    def tick(rows: int) -> None:
        done[0] += rows
        ctx.progress(95 * done[0] / total)

    target = ctx.path(".zip")
    try:
        with target.open("wb") as out:
            counts = dump(out, tick=tick)
        with target.open("rb") as written, open_archive(written) as archive:
            verify_files(archive, read_manifest(archive))  # every table's file reads back whole
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    name = f"survey-backup-{utcnow():%Y%m%d-%H%M}.zip"
    return Result(target.name, name, {"file": name, "tables": len(counts), "rows": sum(counts.values()),
                                      "bytes": target.stat().st_size})


DATA_KINDS: dict[str, Kind] = {
    "paper_import": Kind(_check_import, _run_import, None),
    "backup": Kind(_check_backup, _run_backup, ("backup", "file")),
}

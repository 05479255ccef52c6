"""Import paper questionnaires from CSV: one response per row, all or nothing, with a row-by-row report."""
from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from survey.csvfile import read_rows
from survey.errors import Conflict, Forbidden, Invalid
from survey.extensions import db
from survey.instruments.types import REGISTRY
from survey.services.responses.catalog import find_version, load_version
from survey.services.responses.envelope import FIELDS, INSTRUMENT_CODE, LOCAL_TZ, paper_time
from survey.services.responses.record import prepare_response, store_prepared
from survey.services.responses.store import begin_write
from survey.services.access.scope import Scope, require
from survey.services.campaigns.answers import Completion
from survey.services.campaigns.paper_csv import campaign_row, store_campaign_row

META = tuple(f for f in FIELDS if f not in ("answers", "respondent"))
MAX_ROWS = 100_000
NAMESPACE = uuid.UUID("6f1c1f5e-58b8-4d8e-9a8e-2f0d3c6a7b21")  # ids of rows without one: file hash + line
LIST_SPLIT = re.compile(r"[;,\s]+")


@dataclass
class RowResult:
    """What happened to one CSV row (line numbers count the header as line 1)."""

    line: int
    id: str
    status: str  # valid (checked, not yet written) | stored | already_stored | error
    errors: list[dict] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of an import; `ok` is False when any row failed, and then nothing was stored."""

    rows: list[RowResult]

    @property
    def ok(self) -> bool:
        """True when every row is valid."""
        return all(r.status != "error" for r in self.rows)

    def count(self, status: str) -> int:
        """Rows with this status."""
        return sum(1 for r in self.rows if r.status == status)

    def errors(self) -> list[dict]:
        """Every row error as {line, field, code, message}, the message naming its line."""
        return [{**e, "line": r.line, "message": f"line {r.line}: {e['message']}"} for r in self.rows for e in r.errors]


# A date as people type it: 2026-03-01, or day first (01/03/2026, 1-3-2026, 01.03.2026), a time optional.
DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _date(value: str) -> str:
    """A paper date (YYYY-MM-DD or DD/MM/YYYY: local midnight, see paper_time; with a time: that local time) or an
    ISO time, as ISO 8601 with an offset; anything else passes through so validation names it."""
    try:
        return paper_time(datetime.strptime(value, "%Y-%m-%d").date())
    except ValueError:
        pass
    found = DAY_FIRST.match(value)
    if found is None:
        return value
    day, month, year, hour, minute, second = (int(g) if g else None for g in found.groups())
    try:
        if hour is None:
            return paper_time(date(year, month, day))
        return datetime(year, month, day, hour, minute, second or 0, tzinfo=LOCAL_TZ).isoformat(timespec="seconds")
    except ValueError:  # 31/02/2026, 25:00
        return value


def _cell(value: str, qtype_name: str | None) -> Any:
    """A cell as the answer its question type expects: a code, a list of codes, or text; odd input passes through
    so validation names the problem."""
    if qtype_name is None or not REGISTRY[qtype_name].tallied:
        return value
    if REGISTRY[qtype_name].multiple:
        parts = [p for p in LIST_SPLIT.split(value) if p]
        return [int(p) if p.isdigit() and len(p) < 4 else p for p in parts]
    return int(value) if value.isdigit() and len(value) < 4 else value


def row_payload(row: dict[str, str], line: int, file_hash: str, default_channel: str) -> dict[str, Any]:
    """The API payload of one CSV row (cells trimmed; empty cells are unanswered)."""
    cells = {k.strip(): (v or "").strip() for k, v in row.items() if k and k.strip()}
    payload: dict[str, Any] = {k: cells[k] for k in META if cells.get(k)}
    payload.setdefault("id", str(uuid.uuid5(NAMESPACE, f"{file_hash}:{line}")))
    payload.setdefault("channel", default_channel)
    if "version" in payload:
        payload["version"] = int(payload["version"]) if payload["version"].isdigit() else payload["version"]
    if "submitted_at" in payload:
        payload["submitted_at"] = _date(payload["submitted_at"])
    defn = _definition(payload.get("instrument", ""), payload.get("version"))
    answers, respondent = {}, {}
    for key, value in cells.items():
        if key in META or not value:
            continue
        code = key.removeprefix("respondent.").removeprefix("answers.")
        item = defn.item(code) if defn is not None and defn.has_item(code) else None
        target = respondent if (item is not None and item.profile) or key.startswith("respondent.") else answers
        target[code] = _cell(value, item.type if item is not None else None)
    payload["answers"] = answers
    if respondent:
        payload["respondent"] = respondent
    return payload


def _definition(code: str, number: Any):
    code = code.strip().upper()
    if not INSTRUMENT_CODE.match(code):
        return None
    found = find_version(code, number if isinstance(number, int) else None)
    return load_version(code, found[0], found[1], found[3], found[4]).definition if found else None


def import_responses_csv(text: str, scope: Scope | None = None, default_channel: str = "paper",
                         progress: Callable[[float], None] | None = None) -> ImportReport:
    """Record every row; the report lists each row's outcome. Any bad row: Invalid listing every problem (the
    caller rolls back, so nothing is imported). `progress` hears 0–100 (checking is the first 70, a job's bar)."""
    if scope is not None:
        require(scope, "responses.enter")
    text = text.lstrip("\ufeff")
    file_hash = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    header, rows = read_rows(text, delimiters=",;")  # ';' is what Excel writes under Vietnamese settings
    if not {"instrument", "questionnaire"} & set(header):  # a campaign file needs only its questionnaire column
        raise Invalid([{"field": "header", "code": "missing_column", "line": 1,
                        "message": "line 1: the header needs at least the columns instrument, service_point, "
                                   "submitted_at and one column per item code"}], "The CSV header is incomplete")
    report, prepared = ImportReport([]), {}
    # First check every row without writing (no write lock held while a big file is read), then write them all
    # in the caller's transaction; a dossier repeated inside the file is caught while writing.
    step = max(1, len(rows) // 100)  # about one report per percent
    for number, (line, row) in enumerate(rows):
        if progress and number % step == 0:
            progress(70 * number / len(rows))
        if len(report.rows) >= MAX_ROWS:
            report.rows.append(RowResult(line, "", "error", [{"field": "file", "code": "too_many_rows",
                                                              "message": f"at most {MAX_ROWS} rows per file"}]))
            break
        if None in row:  # more cells than header columns
            report.rows.append(RowResult(line, "", "error", [{"field": "row", "code": "extra_cells",
                                                              "message": "more cells than header columns"}]))
            continue
        payload = row_payload(row, line, file_hash, default_channel)
        result = RowResult(line, str(payload.get("id", "")), "valid")
        try:
            if (row.get("questionnaire") or "").strip():  # a campaign's questionnaire (services/campaigns/paper_csv)
                prepared[line] = campaign_row(row, payload, scope)
                report.rows.append(result)
                continue
            prepared[line] = prepare_response(payload, channel=payload.get("channel"), scope=scope)
        except Invalid as exc:
            result.status, result.errors = "error", [_with_value(e, row) for e in exc.errors]
        except (Forbidden, Conflict) as exc:  # Conflict: a closed campaign's questionnaire
            result.status, result.errors = "error", [{"field": exc.code, "code": exc.code, "message": exc.message}]
        report.rows.append(result)
    if not report.rows:
        raise Invalid([{"field": "file", "code": "empty", "line": 1, "message": "the file has no rows"}],
                      "Nothing to import")
    if report.ok:
        begin_write()  # before the first savepoint: on SQLite a savepoint must not open the transaction itself
        for number, result in enumerate(report.rows):
            if progress and number % step == 0:
                progress(70 + 30 * number / len(report.rows))
            _store_row(result, prepared[result.line])
    if not report.ok:
        raise ImportRejected(report)
    return report


def _with_value(error: dict, row: dict) -> dict:
    """The error with the item code and the cell it is about, so a screen can say it in the reader's language."""
    name = str(error.get("field", ""))
    item = name.split(".", 1)[1] if name.startswith(("answers.", "respondent.")) else None
    cells = {str(k).strip(): (v or "").strip() for k, v in row.items() if isinstance(k, str)}
    value = cells.get(name) or (cells.get(item) if item else None) or ""
    return {**error, "item": item or "", "value": value[:60]}


def _store_row(result: RowResult, prepared) -> None:
    try:
        with db.session.begin_nested():
            recorded = store_campaign_row(prepared) if isinstance(prepared, Completion) else store_prepared(prepared)
        result.id, result.status = recorded.client_id, "stored" if recorded.created else "already_stored"
    except Conflict as exc:
        result.status, result.errors = "error", [{"field": exc.code, "code": exc.code, "message": exc.message}]


class ImportRejected(Invalid):
    """An import with at least one bad row: nothing is stored; `report` says which rows and why."""

    def __init__(self, report: ImportReport) -> None:
        bad = sum(1 for r in report.rows if r.status == "error")
        super().__init__(report.errors(), f"{bad} of {len(report.rows)} rows are invalid; nothing was imported")
        self.report = report

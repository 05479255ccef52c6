"""Writing a validated response: one write transaction, plain SQL (storage.sql), the unique client id settling races."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection

from survey.database import open_transaction
from survey.errors import Conflict
from survey.extensions import db
from survey.models.base import utcnow
from survey.models.responses import PROFILE_FIELDS
from survey.services.storage.sql import db_time, fetch_one, insert_returning, insert_rows
from survey.services.responses import writelock


@dataclass(frozen=True)
class StoredAnswer:
    """One answer row: an item and one code."""

    item_id: int
    code: int


@dataclass
class StoredResponse:
    """A flushed response row with its answers, as the tally hook reads it (the columns of `Response`)."""

    id: int
    client_id: str
    content_hash: str
    instrument_version_id: int
    service_point_id: int
    unit_id: int
    agency_id: int
    device_id: int | None
    channel: str
    submitted_at: datetime
    local_date: date
    received_at: datetime
    procedure_code: str | None = None
    field_code: str | None = None
    dossier_code: str | None = None
    counter: str | None = None
    officer: str | None = None
    profile: dict[str, int] = field(default_factory=dict)
    answers: list[StoredAnswer] = field(default_factory=list)
    answer_codes: bytes = b""  # the answers packed for raw breakdowns (packed_answers)
    quality_flags: int = 0  # reason bits a response earns on its own (survey.indices.quality)

    def __getattr__(self, name: str):
        # Profile columns (sex, age_band, …) read like the model's attributes.
        profile = self.__dict__.get("profile", {})
        if name in profile:
            return profile[name]
        from survey.models.responses import PROFILE_FIELDS

        if name in PROFILE_FIELDS:
            return None
        raise AttributeError(name)


def begin_write() -> Connection:
    """Open the write transaction now (its connection); on SQLite queue for the write lock, then BEGIN IMMEDIATE.

    pysqlite begins transactions lazily, so a SAVEPOINT could open the transaction itself and its RELEASE would
    commit; and a read before the write could leave a stale snapshot that cannot be upgraded (SQLITE_BUSY).
    """
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        writelock.acquire(conn.engine.url.database)
        open_transaction(immediate=True, conn=conn)
    return conn


# Statements built once; the per-submission ones are plain SQL for the driver (storage.sql: SQLAlchemy's own cost per
# statement is as large as SQLite's).
_EXISTING = "SELECT id, content_hash FROM responses WHERE client_id = :client_id"
_ANSWER_COLUMNS = ("response_id", "item_id", "code")
_COMMENT_COLUMNS = ("response_id", "item_id", "text", "status", "created_at")
ROW_COLUMNS = ("client_id", "content_hash", "instrument_version_id", "service_point_id", "unit_id", "agency_id",
               "device_id", "channel", "submitted_at", "local_date", "received_at", "procedure_code", "field_code",
               "dossier_code", "counter", "officer", "answer_codes", "quality_flags")
_TIMES = ("submitted_at", "local_date", "received_at")
RESPONSE_COLUMNS = ROW_COLUMNS + PROFILE_FIELDS


def existing(client_id: str, digest: str, conn: Connection | None = None) -> int | None:
    """The id of the response stored under this client id with the same content; Conflict if the content differs."""
    row = fetch_one(_EXISTING, {"client_id": client_id}, conn)
    if row is None:
        return None
    if row[1] != digest:
        raise Conflict("id_reused", f"Response {client_id} was already stored with different content", id=client_id)
    return row[0]


def insert_responses(rows: list[StoredResponse], conn: Connection) -> None:
    """Insert response rows in one statement, skipping each whose client id (or dossier on its channel) is taken:
    an inserted row gets its new id, a skipped one id 0.

    ON CONFLICT DO NOTHING settles a race without an exception, so no savepoint is needed on either database;
    PostgreSQL waits for a concurrent insert of the same key to commit, then reports the conflict. Of several rows
    with one client id, only the first with its content can have been inserted (rows are taken in order)."""
    values = []
    for row in rows:
        value = {k: getattr(row, k) for k in ROW_COLUMNS}
        for name in _TIMES:
            value[name] = db_time(value[name], conn)
        values.append({**value, **dict.fromkeys(PROFILE_FIELDS), **row.profile})
    inserted = {(client_id, digest): new_id for new_id, client_id, digest in
                insert_returning("responses", RESPONSE_COLUMNS, values, "ON CONFLICT DO NOTHING",
                                 "id, client_id, content_hash", conn)}
    for row in rows:
        row.id = inserted.pop((row.client_id, row.content_hash), 0)


def insert_children(stored: list[tuple[StoredResponse, list[tuple[int, str]]]], conn: Connection) -> None:
    """Insert the answers and comments of response rows just inserted, one statement for each table."""
    insert_rows("answers", _ANSWER_COLUMNS, [{"response_id": row.id, "item_id": a.item_id, "code": a.code}
                                             for row, _ in stored for a in row.answers], conn=conn)
    now = db_time(utcnow(), conn)
    insert_rows("comments", _COMMENT_COLUMNS, [{"response_id": row.id, "item_id": item_id, "text": text,
                                                "status": "new", "created_at": now}
                                               for row, comments in stored for item_id, text in comments], conn=conn)

"""Backup: every table of one consistent snapshot as JSON lines in a zip, with a manifest saying what it holds.

Layout: `manifest.json` (format, schema revision, creation time, database kind, and per table its file, columns,
row count and sha256) and `tables/<name>.jsonl` (one JSON array per row, values in the manifest's column order;
dates and times as ISO 8601 text, naive UTC; bytes as base64). Every table is read inside one transaction that sees
one committed state (REPEATABLE READ on PostgreSQL, a read transaction on SQLite's WAL), so a response written
while the backup runs is in the file with all its answers or not at all. Rows are streamed, never held.
Restoring lives in `restore.py`, reading and checking the file in `manifest.py`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import Connection, Table, inspect, select, text

from survey.database import open_transaction
from survey.extensions import db
from survey.models import Base
from survey.models.base import utcnow
from survey.services.operations.manifest import FORMAT, FORMAT_VERSION, table_file

BATCH = 5000
Progress = Callable[[str, int], None]


def tables() -> list[Table]:
    """Every application table, parents before children (the order rows are dumped and restored in)."""
    return list(Base.metadata.sorted_tables)


def schema_revision(conn: Connection | None = None) -> str:
    """The database's Alembic revision ("" when it was never migrated)."""
    conn = conn or db.session.connection()
    if not inspect(conn).has_table("alembic_version"):
        return ""
    return ",".join(sorted(conn.scalars(text("SELECT version_num FROM alembic_version"))))


@contextmanager
def snapshot() -> Iterator[Connection]:
    """A connection of its own whose every read sees the same committed state, rolled back at the end."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        with engine.connect().execution_options(**options) as conn, conn.begin() as transaction:
            yield conn
            transaction.rollback()
        return
    with engine.connect() as conn:
        # pysqlite runs a SELECT outside any transaction, each with its own snapshot: BEGIN first, so the first
        # read fixes one WAL snapshot for all of them (writers go on committing beside it).
        open_transaction(conn=conn)
        try:
            yield conn
        finally:
            conn.rollback()


def dump(target: BinaryIO, progress: Progress | None = None,
         tick: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write every table of one snapshot into a zip (a file object opened for binary writing); rows per table.
    `progress` hears of each table when it is written, `tick` of each batch of rows (a job's progress bar)."""
    counts: dict[str, int] = {}
    entries = []
    with snapshot() as conn, zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                                             allowZip64=True) as archive:
        revision = schema_revision(conn)  # the first read: on SQLite it fixes the snapshot
        for table in tables():
            name = table_file(table.name)
            digest, rows, size = hashlib.sha256(), 0, 0
            with archive.open(name, "w", force_zip64=True) as out:
                for chunk in _lines(conn, table):
                    digest.update(chunk)
                    out.write(chunk)
                    lines = chunk.count(b"\n")
                    rows += lines
                    size += len(chunk)
                    if tick:
                        tick(lines)
            counts[table.name] = rows
            entries.append({"name": table.name, "file": name, "columns": [c.name for c in table.columns],
                            "rows": rows, "bytes": size, "sha256": digest.hexdigest()})
            if progress:
                progress(table.name, rows)
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "revision": revision,
                    "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                    "database": conn.dialect.name, "tables": entries}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return counts


def _lines(conn: Connection, table: Table) -> Iterator[bytes]:
    """The table's rows in primary-key order as JSON lines, a batch at a time (a server-side cursor on PostgreSQL)."""
    stmt = select(*table.columns).order_by(*table.primary_key.columns)
    result = conn.execution_options(yield_per=BATCH).execute(stmt)
    for partition in result.partitions():
        yield "".join(json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":")) + "\n"
                      for row in partition).encode("utf-8")


def _encode(value: Any) -> Any:
    """A JSON-ready value: dates and times as ISO 8601 text, bytes as base64, everything else as it is."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(value).decode("ascii")
    return value

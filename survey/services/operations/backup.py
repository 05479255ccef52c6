"""Backup and restore: a portable zip of every table as JSON lines, restorable on SQLite or PostgreSQL.

Layout: `manifest.json` (format, schema revision, tables in dependency order with their columns and row
counts) and `tables/<name>.jsonl` (one JSON array per row, values in the manifest's column order; dates and
times as ISO 8601 text, naive UTC; bytes as base64). Rows are streamed both ways, so a province's years of
responses never sit in memory. A restore goes into an empty database migrated to the same revision, in one transaction.
"""
from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import Date, DateTime, LargeBinary, Table, bindparam, func, inspect, select, text

from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.models import Base
from survey.models.base import utcnow

FORMAT = "survey-backup"
FORMAT_VERSION = 1
BATCH = 5000
Progress = Callable[[str, int], None]


def tables() -> list[Table]:
    """Every application table, parents before children (the order rows are dumped and restored in)."""
    return list(Base.metadata.sorted_tables)


def schema_revision() -> str:
    """The database's Alembic revision ("" when it was never migrated)."""
    if not inspect(db.session.connection()).has_table("alembic_version"):
        return ""
    return ",".join(sorted(db.session.scalars(text("SELECT version_num FROM alembic_version"))))


def dump(target: BinaryIO, progress: Progress | None = None) -> dict[str, int]:
    """Write every table into a zip (a file object opened for binary writing); returns rows per table."""
    counts: dict[str, int] = {}
    entries = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for table in tables():
            columns = [c.name for c in table.columns]
            with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
                counts[table.name] = 0
                for row in _stream(table):
                    out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False, separators=(",", ":")))
                    out.write("\n")
                    counts[table.name] += 1
                out.flush()
                out.detach()
            entries.append({"name": table.name, "columns": columns, "rows": counts[table.name]})
            if progress:
                progress(table.name, counts[table.name])
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "revision": schema_revision(),
                    "created_at": utcnow().isoformat(timespec="seconds") + "Z",
                    "source": db.engine.dialect.name, "tables": entries}
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    return counts


def restore(source: BinaryIO, progress: Progress | None = None) -> dict[str, int]:
    """Load a backup into this empty, migrated database; returns rows per table. The caller commits."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise Invalid([{"field": "file", "code": "not_a_backup", "message": "the file is not a backup (zip)"}]) from None
    with archive:
        manifest = _manifest(archive)
        _check_target(manifest)
        known = {t.name: t for t in tables()}
        counts = {}
        for entry in manifest["tables"]:
            counts[entry["name"]] = _load_table(archive, known[entry["name"]], entry)
            if progress:
                progress(entry["name"], counts[entry["name"]])
    _sync_sequences()
    return counts


def _stream(table: Table) -> Iterator[tuple]:
    """The table's rows in primary-key order, fetched in batches (server-side cursor on PostgreSQL)."""
    stmt = select(*table.columns).order_by(*table.primary_key.columns).execution_options(yield_per=BATCH)
    result = db.session.connection().execute(stmt)
    for partition in result.partitions():
        yield from partition


def _encode(value: Any) -> Any:
    """A JSON-ready value: dates and times as ISO 8601 text, bytes as base64, everything else as it is."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(value).decode("ascii")
    return value


def _manifest(archive: zipfile.ZipFile) -> dict:
    """The backup's manifest, checked to be ours and complete."""
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise Invalid([{"field": "file", "code": "not_a_backup",
                        "message": "the file has no readable manifest.json: not a survey backup"}]) from None
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise Invalid([{"field": "file", "code": "unknown_format",
                        "message": f"unsupported backup format {manifest.get('format')} "
                                   f"v{manifest.get('format_version')}"}])
    known = {t.name: t for t in tables()}
    for entry in manifest["tables"]:
        table = known.get(entry["name"])
        missing = set(entry["columns"]) - {c.name for c in table.columns} if table is not None else {"*"}
        if missing:
            raise Invalid([{"field": "file", "code": "unknown_table",
                            "message": f"table {entry['name']} ({', '.join(sorted(missing))}) is not in this schema"}])
    return manifest


def _check_target(manifest: dict) -> None:
    """Refuse anything but an empty database migrated to the backup's revision."""
    revision = schema_revision()
    if not revision:
        raise Conflict("not_migrated", "The database has no schema: run `survey db upgrade` first, then restore")
    if revision != manifest["revision"]:
        raise Conflict("revision_mismatch", f"The backup is at schema revision {manifest['revision']} but this "
                       f"database is at {revision}: migrate one of them to the other's revision first",
                       backup=manifest["revision"], database=revision)
    for table in tables():
        if db.session.execute(select(text("1")).select_from(table).limit(1)).first() is not None:
            raise Conflict("not_empty", f"The database is not empty (table {table.name} has rows): restore only "
                           "into a new, empty database after `survey db upgrade`", table=table.name)


def _load_table(archive: zipfile.ZipFile, table: Table, entry: dict) -> int:
    """Insert one table's rows in batches; self-references are set afterwards (parents may come later)."""
    columns = entry["columns"]
    decoders = [_decoder(table.columns[name]) for name in columns]
    self_refs = [name for name in columns if any(fk.column.table is table for fk in table.columns[name].foreign_keys)]
    key = table.primary_key.columns.keys()
    deferred: list[dict] = []
    batch, count = [], 0
    with archive.open(f"tables/{table.name}.jsonl") as raw:
        for line in io.TextIOWrapper(raw, encoding="utf-8"):
            row = {name: decode(value) for name, decode, value in zip(columns, decoders, json.loads(line))}
            for name in self_refs:
                if row[name] is not None:
                    deferred.append({"_key": [row[k] for k in key], "_col": name, "_value": row[name]})
                    row[name] = None
            batch.append(row)
            if len(batch) >= BATCH:
                count += _insert(table, batch)
                batch = []
    count += _insert(table, batch)
    _set_self_references(table, deferred)
    if count != entry["rows"]:
        raise Invalid([{"field": "file", "code": "truncated",
                        "message": f"table {table.name}: {count} rows read, the manifest says {entry['rows']}"}])
    return count


def _insert(table: Table, rows: list[dict]) -> int:
    """One multi-row INSERT of a batch."""
    if rows:
        db.session.execute(table.insert(), rows)
    return len(rows)


def _set_self_references(table: Table, deferred: list[dict]) -> None:
    """Fill parent links (units → province, agency → parent agency) once every row of the table exists."""
    if not deferred:
        return
    (key,) = table.primary_key.columns  # self-referencing tables have a single id column
    for name in {d["_col"] for d in deferred}:
        rows = [{"_k": d["_key"][0], "_v": d["_value"]} for d in deferred if d["_col"] == name]
        stmt = table.update().where(key == bindparam("_k")).values({name: bindparam("_v")})
        for start in range(0, len(rows), BATCH):
            db.session.execute(stmt, rows[start:start + BATCH])


def _decoder(column) -> Callable[[Any], Any]:
    """How to turn a JSON value back into the column's Python type."""
    if isinstance(column.type, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(column.type, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(column.type, LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    return lambda v: v


def _sync_sequences() -> None:
    """On PostgreSQL, move each id sequence past the restored ids so new rows get fresh ones."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in tables():
        if "id" not in table.columns or len(table.primary_key.columns) != 1:
            continue
        sequence = db.session.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if sequence:
            top = db.session.scalar(select(func.max(table.c.id)))
            db.session.execute(text("SELECT setval(:s, :v, :called)"),
                               {"s": sequence, "v": top or 1, "called": top is not None})

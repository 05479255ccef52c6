"""Restore: load a checked backup into an empty database of either kind, in one transaction, through the bulk paths.

Before any row is written the file is checked whole (manifest, tables, sha256 and row counts: `manifest.py`) and
the database must be empty and at the backup's schema revision. Rows then go in by COPY on PostgreSQL (its foreign
keys dropped for the load) and executemany on SQLite (its foreign keys deferred to the commit); each value is
checked against its column on the way, and every foreign key is checked by a query before the caller commits.
Any refusal raises before the commit, so the caller's rollback leaves the database as it was: empty.
"""
from __future__ import annotations

import base64
import binascii
import json
import sqlite3
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import (JSON, Boolean, Date, DateTime, Float, Integer, LargeBinary, String, Table, and_, func, select,
                        text)
from sqlalchemy.exc import DBAPIError

from survey.errors import Conflict
from survey.extensions import db
from survey.services.operations.backup import Progress, schema_revision, tables
from survey.services.operations.manifest import check_tables, open_archive, read_manifest, refuse, verify_files
from survey.services.responses.store import begin_write
from survey.services.storage.sql import bulk_insert, foreign_keys_dropped, sync_sequence

try:
    from psycopg import Error as PostgresError
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite-only installs still restore
    PostgresError = sqlite3.Error  # type: ignore[misc,assignment]

DRIVER_ERRORS = (sqlite3.Error, PostgresError, DBAPIError)


def restore(source: BinaryIO, progress: Progress | None = None) -> dict[str, int]:
    """Load a backup into this empty, migrated database; rows per table. The caller commits (or rolls back)."""
    with open_archive(source) as archive:
        manifest = read_manifest(archive)
        postgres = db.engine.dialect.name == "postgresql"
        begin_write()  # on SQLite: the write lock and BEGIN IMMEDIATE, so the emptiness checked below stays true
        _check_target(manifest)
        check_tables(manifest, tables())
        verify_files(archive, manifest)
        known = {t.name: t for t in tables()}
        counts: dict[str, int] = {}
        try:
            with ExitStack() as keys:
                if postgres:
                    keys.enter_context(foreign_keys_dropped(*known))  # re-added, so re-checked, on leaving
                else:
                    db.session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")  # till the commit
                for entry in manifest["tables"]:
                    counts[entry["name"]] = _load_table(archive, known[entry["name"]], entry, postgres)
                    if progress:
                        progress(entry["name"], counts[entry["name"]])
                for table in tables():
                    _check_foreign_keys(table)
        except DRIVER_ERRORS as error:  # re-adding a key or constraint on PostgreSQL (duplicate answers, say)
            raise refuse("constraint_violated", f"the restored rows break a constraint: {_first_line(error)}") from None
    for table in tables():
        key = list(table.primary_key.columns)
        if len(key) == 1 and key[0].name == "id" and isinstance(key[0].type, Integer):
            sync_sequence(table.name)
    return counts


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


def _load_table(archive: zipfile.ZipFile, table: Table, entry: dict, postgres: bool) -> int:
    """Bulk-insert one table's file, each value checked against its column; the number of rows."""
    name, columns = entry["file"], entry["columns"]
    decoders = [_decoder(table.columns[c], postgres) for c in columns]
    loaded = [0]

    def rows() -> Iterator[tuple]:
        with archive.open(name) as raw:
            for number, line in enumerate(raw, 1):
                try:
                    values = json.loads(line)
                except ValueError:
                    raise refuse("bad_line", f"{name}, line {number}: not a JSON row", name) from None
                if not isinstance(values, list) or len(values) != len(columns):
                    raise refuse("bad_line", f"{name}, line {number}: not a row of the {len(columns)} columns "
                                 f"{', '.join(columns)}", name)
                yield tuple(_decoded(decoders, columns, values, name, number))
                loaded[0] += 1

    try:
        bulk_insert(table.name, columns, rows())
    except DRIVER_ERRORS as error:
        raise refuse("rejected_row", f"{name}: the database refused a row: {_first_line(error)}", name) from None
    if loaded[0] != entry["rows"]:  # a last line without its newline escapes the count of verify_files
        raise refuse("row_count_mismatch", f"{name}: {loaded[0]} rows, manifest.json says {entry['rows']}", name)
    return loaded[0]


def _decoded(decoders: list, columns: list[str], values: list, name: str, number: int) -> Iterator[Any]:
    for column, decode, value in zip(columns, decoders, values):
        try:
            yield decode(value)
        except (ValueError, TypeError, binascii.Error) as exc:
            raise refuse("bad_value", f"{name}, line {number}, column {column}: {exc}", name) from None


def _decoder(column, postgres: bool) -> Callable[[Any], Any]:
    """Check a JSON value against the column and turn it into what the driver stores (SQLite: text for times)."""
    kind = column.type
    if isinstance(kind, DateTime):
        convert = _naive_utc if postgres else lambda v: _naive_utc(v).isoformat(" ", "microseconds")
        expected = str
    elif isinstance(kind, Date):
        convert = date.fromisoformat if postgres else lambda v: date.fromisoformat(v).isoformat()
        expected = str
    elif isinstance(kind, LargeBinary):
        convert, expected = (lambda v: base64.b64decode(v, validate=True)), str
    elif isinstance(kind, JSON):
        convert, expected = (lambda v: json.dumps(v, ensure_ascii=False)), object
    elif isinstance(kind, Boolean):
        convert, expected = (lambda v: v if postgres else int(v)), bool
    elif isinstance(kind, Float):
        convert, expected = float, (int, float)
    elif isinstance(kind, Integer):
        convert, expected = int, int
    elif isinstance(kind, String):
        length = kind.length

        def convert(v: str) -> str:
            if length is not None and len(v) > length:
                raise ValueError(f"longer than {length} characters")
            return v
        expected = str
    else:  # a column type this module does not know: pass the value through
        return lambda v: v
    nullable = column.nullable

    def decode(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            if isinstance(kind, JSON):
                return "null"  # SQLAlchemy stores None in a required JSON column as JSON's null
            raise ValueError("empty, but the column requires a value")
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            raise TypeError(f"{value!r} is not a {kind}")
        return convert(value)
    return decode


def _naive_utc(value: str) -> datetime:
    """A stored time: naive UTC, as every time column holds it (SQLite keeps SQLAlchemy's text form of it)."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        raise ValueError(f"{value!r} carries a time zone; the backup holds naive UTC times")
    return moment


def _check_foreign_keys(table: Table) -> None:
    """Refuse rows whose foreign key points at no row (an anti-join per key), naming the table, key and an example."""
    for fk in table.foreign_key_constraints:
        parent = fk.referred_table.alias("parent")
        pairs = [(element.parent, parent.c[element.column.name]) for element in fk.elements]
        first_child, first_parent = pairs[0]
        stmt = (select(func.count(), func.min(first_child))
                .select_from(table.outerjoin(parent, and_(*[c == p for c, p in pairs])))
                .where(*[c.is_not(None) for c, _ in pairs], first_parent.is_(None)))
        broken, example = db.session.execute(stmt).one()
        if broken:
            keys = ", ".join(c.name for c, _ in pairs)
            raise refuse("foreign_key", f"table {table.name}: {broken} row(s) whose {keys} has no row in "
                         f"{fk.referred_table.name} (e.g. {first_child.name} = {example}); the backup is not "
                         "consistent", f"tables/{table.name}.jsonl")


def _first_line(error: BaseException) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]

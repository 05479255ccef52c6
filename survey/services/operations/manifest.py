"""Reading a backup file and checking it is whole: its manifest, the tables it must hold, each file's sha256 and rows.

These checks need no database, so `survey backup` runs them on the file it just wrote and `survey restore` runs
them before it writes anything. Every problem is an Invalid naming the file and what is wrong with it.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterable
from typing import BinaryIO

from sqlalchemy import Table

from survey.errors import Invalid

FORMAT = "survey-backup"
FORMAT_VERSION = 2  # 2: per-table file and sha256, the database kind; version 1 files carry no checksums
READ_CHUNK = 1 << 20
_ENTRY_KEYS = {"name": str, "file": str, "columns": list, "rows": int, "sha256": str}


def refuse(code: str, message: str, field: str = "file") -> Invalid:
    """The error a refused backup raises: one entry naming the file (or the manifest) and the problem."""
    return Invalid([{"field": field, "code": code, "message": message}])


def table_file(name: str) -> str:
    """The archive path of a table's rows."""
    return f"tables/{name}.jsonl"


def open_archive(source: BinaryIO) -> zipfile.ZipFile:
    """The backup as a zip; Invalid when it is not one (or its end, holding the zip's directory, is cut off)."""
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise refuse("not_a_backup", "the file is not a backup: not a zip file, or a zip that was cut off") from None


def read_manifest(archive: zipfile.ZipFile) -> dict:
    """The backup's manifest, checked to be ours, of a known format version, and well formed."""
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise refuse("not_a_backup", "the file has no manifest.json: not a survey backup") from None
    except (ValueError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        raise refuse("bad_manifest", "manifest.json is damaged (not readable JSON)", "manifest.json") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refuse("not_a_backup", "manifest.json is not the manifest of a survey backup", "manifest.json")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise refuse("unknown_format", f"backup format version {manifest.get('format_version')!r} is not supported "
                     f"(this version reads {FORMAT_VERSION}; older files carry no checksums: take a new backup)",
                     "manifest.json")
    entries = manifest.get("tables")
    if not isinstance(entries, list) or not isinstance(manifest.get("revision"), str) or not all(
            isinstance(e, dict) and all(isinstance(e.get(k), t) for k, t in _ENTRY_KEYS.items()) for e in entries):
        raise refuse("bad_manifest", "manifest.json is incomplete: it must list each table with its file, "
                     "columns, rows and sha256", "manifest.json")
    return manifest


def check_tables(manifest: dict, schema: Iterable[Table]) -> None:
    """Every table of the schema is in the manifest with exactly its columns, and nothing else is."""
    listed = {e["name"]: e for e in manifest["tables"]}
    if len(listed) != len(manifest["tables"]):
        raise refuse("bad_manifest", "manifest.json lists a table twice", "manifest.json")
    schema = {t.name: t for t in schema}
    missing = sorted(set(schema) - set(listed))
    if missing:
        raise refuse("missing_table", f"manifest.json lacks table(s) {', '.join(missing)}: the backup is incomplete "
                     "or was edited, and restoring it would lose their rows", "manifest.json")
    unknown = sorted(set(listed) - set(schema))
    if unknown:
        raise refuse("unknown_table", f"manifest.json lists table(s) {', '.join(unknown)}, which this schema does "
                     "not have", "manifest.json")
    for name, entry in listed.items():
        columns = [c.name for c in schema[name].columns]
        if sorted(entry["columns"]) != sorted(columns) or len(set(entry["columns"])) != len(columns):
            raise refuse("columns_differ", f"table {name}: the backup's columns ({', '.join(entry['columns'])}) are "
                         f"not this schema's ({', '.join(columns)})", "manifest.json")
        if entry["file"] != table_file(name):
            raise refuse("bad_manifest", f"table {name}: its file should be {table_file(name)}, not {entry['file']}",
                         "manifest.json")


def verify_files(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Each table file is present, unharmed, and has the sha256 and row count the manifest gives it."""
    for entry in manifest["tables"]:
        name = entry["file"]
        digest, rows = hashlib.sha256(), 0
        try:
            with archive.open(name) as raw:
                while chunk := raw.read(READ_CHUNK):
                    digest.update(chunk)
                    rows += chunk.count(b"\n")
        except KeyError:
            raise refuse("missing_file", f"{name} is missing from the backup", name) from None
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            raise refuse("damaged_file", f"{name} is damaged in the zip ({exc})", name) from None
        if digest.hexdigest() != entry["sha256"]:
            raise refuse("checksum_mismatch", f"{name}: its sha256 is not the one in manifest.json: the file was "
                         "changed or damaged after the backup was taken", name)
        if rows != entry["rows"]:
            raise refuse("row_count_mismatch", f"{name}: {rows} rows, manifest.json says {entry['rows']}", name)

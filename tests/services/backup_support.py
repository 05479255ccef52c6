"""Shared by the backup tests: empty target databases of either kind, table snapshots, and rewriting a backup file."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.services.operations import backup
from tests.fixtures.scratch_db import create_database, drop_database


def other_kind(app) -> str:
    """The database kind the app does not run on."""
    return "sqlite" if db.engine.dialect.name == "postgresql" else "postgresql"


@pytest.fixture
def empty_database(request, tmp_path):
    """Factory: a new app on a new, empty database of the given kind, migrated to head."""
    from flask_migrate import upgrade

    from survey.app import create_app

    made = []

    def make(kind: str):
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'restore-{len(made)}-{kind}.db'}"
        else:
            if not request.config.pg_available:
                pytest.skip("PostgreSQL is not available")
            url = create_database("survey_restore")
            made.append(url)
        target = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                             "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        target.instance_path = str(tmp_path)
        with target.app_context():
            upgrade()
            db.session.remove()
        return target

    yield make
    for url in made:
        drop_database(url)


def snapshot(skip: dict[str, set[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of every table in primary-key order (the columns in `skip[table]` left out)."""
    skip = skip or {}
    out = {}
    for table in backup.tables():
        columns = [c for c in table.columns if c.name not in skip.get(table.name, set())]
        out[table.name] = [tuple(r) for r in db.session.execute(select(*columns).order_by(*table.primary_key.columns))]
    return out


def row_counts() -> dict[str, int]:
    """Rows per table of the current app's database."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in backup.tables()}


def rewrite(data: bytes, edit: Callable[[str, bytes], bytes | None], resign: bool = False) -> bytes:
    """A copy of a backup with each member passed through `edit` (None drops it); with `resign`, the manifest's
    sha256 and row counts are recomputed to match, as a careful forger would."""
    changed: dict[str, bytes] = {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        manifest = json.loads(src.read("manifest.json"))
        for info in src.infolist():
            if info.filename == "manifest.json":
                continue
            body = edit(info.filename, src.read(info))
            if body is not None:
                dst.writestr(info.filename, body)
                changed[info.filename] = body
        if resign:
            for entry in manifest["tables"]:
                body = changed.get(entry["file"])
                if body is not None:
                    entry["sha256"], entry["rows"] = hashlib.sha256(body).hexdigest(), body.count(b"\n")
        manifest = edit("manifest.json", json.dumps(manifest).encode())
        if manifest is not None:
            dst.writestr("manifest.json", manifest)
    return out.getvalue()

"""Migrations: one head, an empty database upgrades to head, and the models do not drift from them."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect

from survey.extensions import db
from survey.models import Base
from survey.services.storage.partitions import include_name


def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def test_there_is_a_single_head(app):
    assert len(_scripts().get_heads()) == 1


def test_empty_database_was_upgraded_to_head(app):
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    assert current == _scripts().get_current_head()
    assert set(Base.metadata.tables) <= set(inspect(db.engine).get_table_names())


def test_models_match_migrations(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                         "include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_database_with_data_upgrades_from_the_first_revision(tmp_path):
    """Batch-mode table rebuilds must not trip over foreign keys once rows reference each other."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from survey.app import create_app
    from survey.services.instruments.versions import load_official_instruments
    from survey.services.organisation.units import load_current_units

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}", "TESTING": True})
    with app.app_context():
        upgrade(revision="0001")
        load_current_units("22")
        db.session.execute(text(
            "INSERT INTO instruments (code, name_vi, name_en, kind, official) VALUES ('X', 'X', 'X', 'kiosk', 1)"))
        db.session.execute(text(
            "INSERT INTO instrument_versions (instrument_id, version, status, method_version, definition, "
            "definition_hash, created_at) SELECT id, 1, 'draft', 'm', '{}', 'h', '2026-01-01' FROM instruments"))
        db.session.commit()
        upgrade()
        with db.engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == _scripts().get_current_head()
            assert conn.execute(text("SELECT count(*) FROM instrument_versions")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        load_official_instruments()
        db.session.commit()
        db.engine.dispose()

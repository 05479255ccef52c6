"""Migrations: one head, an empty database upgrades to head, and the models do not drift from them."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import inspect

from survey.extensions import db
from survey.models import Base


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
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []

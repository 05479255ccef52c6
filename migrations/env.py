"""Alembic environment: the app's engine and metadata, batch mode so SQLite can alter tables."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def _db():
    return current_app.extensions["migrate"].db


def run_migrations_offline():
    """Emit SQL for the configured URL without a connection."""
    url = _db().engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=_db().metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations on the app's engine."""
    def process_revision_directives(context, revision, directives):
        # An empty autogenerate makes no file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # The tallies' monthly partitions (PostgreSQL, migration 0020) are not models: autogenerate must not drop them.
    from survey.services.storage.partitions import include_name
    conf_args.setdefault("include_name", include_name)
    with _db().engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds a table by copy-drop-rename; with foreign keys on, dropping a table that
            # others reference fails once it holds data. Off for the migration (outside any transaction).
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end SQLAlchemy's autobegun transaction so Alembic owns the next one
        context.configure(connection=connection, target_metadata=_db().metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            # The connection goes back to the pool: whoever uses it next must have foreign keys enforced again.
            connection.commit()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

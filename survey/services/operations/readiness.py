"""What /readyz asks the database: whether it answers, and the migration revision it is at."""
from __future__ import annotations

from sqlalchemy import text

from survey.extensions import db


def database_dialect() -> str:
    """Run the cheapest statement on a connection of its own; the dialect's name, or raises when unreachable."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return db.engine.dialect.name


def migration_revisions() -> list[str]:
    """The Alembic revisions the database is at (empty when it was never migrated or does not answer)."""
    try:
        with db.engine.connect() as conn:
            return sorted(row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version")))
    except Exception:  # noqa: BLE001 - no alembic_version table (never migrated) or no database
        return []

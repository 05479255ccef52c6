"""monthly partitions of the roll-up tallies on PostgreSQL

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-12 00:00:00

On PostgreSQL `answer_tallies` and `score_tallies` become tables partitioned by RANGE (month): one partition per
month (`answer_tallies_202607` holds month 202607) and a DEFAULT partition for a month whose partition does not
exist yet (the submission path never creates one; `survey partitions` does, nightly). Their month is already in
the primary key and nothing refers to them, so the schema does not change. Rows already stored are moved into the
partitions of their months. SQLite has no partitioning and is left as it is. Why these two tables and not
`responses` or `answers`: docs/architecture.md, "National scale".
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0017'
branch_labels = None
depends_on = None

TABLES = {
    "answer_tallies": ("instrument_version_id, month, unit_id, service_point_id, agency_id, channel, item_id",
                       "ix_answer_tallies_version_month"),
    "score_tallies": ("instrument_version_id, month, unit_id, service_point_id, agency_id, channel, component",
                      "ix_score_tallies_version_month"),
}


def _next_month(month: int) -> int:
    return month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1


def _rebuild(table: str, partitioned: bool) -> None:
    """Copy `table` into a new table of the same columns, keys and index, partitioned by month or plain."""
    key, index = TABLES[table]
    conn = op.get_bind()
    old = f"{table}_before_0020"
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    op.execute(f"ALTER INDEX pk_{table} RENAME TO pk_{old}")
    op.execute(f"ALTER INDEX {index} RENAME TO ix_{old}")
    foreign = conn.exec_driver_sql(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'f' ORDER BY conname", (old,)).all()
    tail = " PARTITION BY RANGE (month)" if partitioned else ""
    op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS){tail}")
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    for name, definition in foreign:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    op.execute(f"CREATE INDEX {index} ON {table} (instrument_version_id, month)")
    if partitioned:
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
        months = conn.exec_driver_sql(f"SELECT DISTINCT month FROM {old} ORDER BY month").scalars().all()
        for month in months:
            op.execute(f"CREATE TABLE {table}_{month} PARTITION OF {table} "
                       f"FOR VALUES FROM ({month}) TO ({_next_month(month)})")
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    op.execute(f"DROP TABLE {old}")
    op.execute(f"ANALYZE {table}")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        _rebuild(table, partitioned=True)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        _rebuild(table, partitioned=False)

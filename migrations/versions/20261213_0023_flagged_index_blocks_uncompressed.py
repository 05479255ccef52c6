"""flagged responses indexed; columnar blocks stored uncompressed on PostgreSQL

Revision ID: 0023
Revises: 0020
Create Date: 2026-12-13 09:00:00

Every index table says how many flagged responses each row holds (methodology §9). Without an index that count
read every response of the period (1.7 s for a province-year on SQLite, 0.3 s on PostgreSQL, on every question);
`ix_responses_flagged` is a partial index of the few responses with a quality flag, so the count reads only them.
Writing a response with no flag does not touch it.

`response_blocks.data` is stored EXTERNAL on PostgreSQL (out of line, not compressed): pglz shrank the blocks
about four times but decompressing them took the server 0.3–0.6 s for every question that reads a province-year.
The blocks already written are rewritten once, uncompressed (about 120 bytes a response). SQLite never compresses.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0020'
branch_labels = None
depends_on = None

FLAGGED = sa.text('quality_flags <> 0')


def upgrade():
    op.create_index('ix_responses_flagged', 'responses', ['instrument_version_id', 'local_date'], unique=False,
                    sqlite_where=FLAGGED, postgresql_where=FLAGGED)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE response_blocks ALTER COLUMN data SET STORAGE EXTERNAL")
        op.execute("UPDATE response_blocks SET data = data || ''::bytea")  # a new value: stored the new way


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE response_blocks ALTER COLUMN data SET STORAGE EXTENDED")
        op.execute("UPDATE response_blocks SET data = data || ''::bytea")  # compressed again
    op.drop_index('ix_responses_flagged', table_name='responses', sqlite_where=FLAGGED, postgresql_where=FLAGGED)

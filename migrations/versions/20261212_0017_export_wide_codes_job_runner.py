"""answers the packed codes cannot hold, indexed; which runner a job was handed to

Revision ID: 0017
Revises: 0018
Create Date: 2026-12-12 09:00:00

`ix_answers_wide_codes` is a partial index of the answers coded 10 or more (none in practice: every definition's
codes are 0–9), so the streamed responses export finds in one indexed look-up the responses it must read from the
answers table instead of their packed codes. Building it reads the answers table once.

`jobs.runner` says who holds a queued job: "thread" (the web process's own pool, lost if that process stops),
"cli" (a `survey jobs start` process) or "rq" (Redis, whose workers take it whenever they can). Jobs queued
before this revision keep NULL and are left alone.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('runner', sa.String(length=10), nullable=True))
    op.create_index('ix_answers_wide_codes', 'answers', ['response_id'], unique=False,
                    sqlite_where=sa.text('code >= 10'), postgresql_where=sa.text('code >= 10'))


def downgrade():
    op.drop_index('ix_answers_wide_codes', table_name='answers',
                  sqlite_where=sa.text('code >= 10'), postgresql_where=sa.text('code >= 10'))
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('runner')

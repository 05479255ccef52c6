"""agencies and service points can be deactivated (never deleted: responses point at them)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing row stays active; the server default fills them in one statement.
    for table in ('agencies', 'service_points'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    for table in ('service_points', 'agencies'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('active')

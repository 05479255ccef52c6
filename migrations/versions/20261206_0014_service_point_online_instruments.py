"""service point online instruments: which questionnaires a service point's QR code offers (issue 19.6)

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: no list means the site's default online instrument (SIPAS-1001), as before.
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_instruments', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.drop_column('online_instruments')

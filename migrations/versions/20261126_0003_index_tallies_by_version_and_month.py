"""index tallies by version and month

Every index query reads one instrument version over a month range from the roll-up tallies; their primary keys
start with item_id / component, so without these indexes each query would scan the tallies of every instrument
and year.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 18:12:05.584627

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('answer_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_answer_tallies_version_month', ['instrument_version_id', 'month'], unique=False)
    with op.batch_alter_table('score_tallies', schema=None) as batch_op:
        batch_op.create_index('ix_score_tallies_version_month', ['instrument_version_id', 'month'], unique=False)


def downgrade():
    with op.batch_alter_table('score_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_score_tallies_version_month')
    with op.batch_alter_table('answer_tallies', schema=None) as batch_op:
        batch_op.drop_index('ix_answer_tallies_version_month')

"""response blocks: a columnar copy of the responses (numpy columns per version, month and province)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 00:00:00

A derived copy read by every breakdown the roll-ups cannot answer (survey.services.indices.columns); the responses
stay the record. The tables start empty: the first question seals what is there (or run `survey indices --seal`).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'response_blocks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instrument_version_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('root_unit_id', sa.Integer(), nullable=False),
        sa.Column('sealed_through', sa.BigInteger(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_versions.id'],
                                name=op.f('fk_response_blocks_instrument_version_id_instrument_versions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_response_blocks')),
    )
    op.create_index('ix_response_blocks_version_month', 'response_blocks',
                    ['instrument_version_id', 'month', 'root_unit_id'])
    op.create_table(
        'response_marks',
        sa.Column('instrument_version_id', sa.Integer(), nullable=False),
        sa.Column('sealed_through', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_versions.id'],
                                name=op.f('fk_response_marks_instrument_version_id_instrument_versions')),
        sa.PrimaryKeyConstraint('instrument_version_id', name=op.f('pk_response_marks')),
    )


def downgrade():
    op.drop_table('response_marks')
    op.drop_index('ix_response_blocks_version_month', table_name='response_blocks')
    op.drop_table('response_blocks')

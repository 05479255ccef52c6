"""quality flags on responses, opening hours of service points, quality settings, targets, publications

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-05 03:30:00

`responses.quality_flags` is a bitmask of reason codes (survey.indices.quality), 0 for every existing row until
`survey quality scan` reads them. Adding columns needs no table rebuild on SQLite (ALTER TABLE ADD COLUMN), so the
partial unique index on dossier codes is left alone.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quality_flags', sa.SmallInteger(), server_default='0', nullable=False))
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opening_hours', sa.String(length=200), nullable=True))
    op.create_table('quality_settings',
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('burst_count', sa.Integer(), nullable=False),
    sa.Column('burst_minutes', sa.Integer(), nullable=False),
    sa.Column('fast_seconds_per_item', sa.Float(), nullable=False),
    sa.Column('straight_min_items', sa.Integer(), nullable=False),
    sa.Column('comment_repeats', sa.Integer(), nullable=False),
    sa.Column('default_hours', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('burst_count >= 1 AND burst_minutes >= 1 AND straight_min_items >= 2 '
                       'AND comment_repeats >= 2 AND fast_seconds_per_item >= 0',
                       name=op.f('ck_quality_settings_ranges')),
    sa.ForeignKeyConstraint(['province_id'], ['units.id'], name=op.f('fk_quality_settings_province_id_units')),
    sa.PrimaryKeyConstraint('province_id', name=op.f('pk_quality_settings'))
    )
    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('instrument_code', sa.String(length=40), nullable=False),
    sa.Column('component', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('set_by', sa.String(length=80), nullable=True),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 100', name=op.f('ck_targets_value')),
    sa.CheckConstraint('(unit_id IS NULL) <> (agency_id IS NULL)', name=op.f('ck_targets_subject')),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_targets_agency_id_agencies')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_targets_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        for column in ('unit_id', 'agency_id'):  # one target per subject, year, instrument and component
            batch_op.create_index(f'uq_targets_{column[:-3]}', [column, 'year', 'instrument_code', 'component'],
                                  unique=True, sqlite_where=sa.text(f'{column} IS NOT NULL'),
                                  postgresql_where=sa.text(f'{column} IS NOT NULL'))
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('instrument_code', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=30), nullable=False),
    sa.Column('published_by', sa.String(length=80), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['units.id'], name=op.f('fk_publications_province_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('province_id', 'instrument_code', 'period', name='uq_publications_key')
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_province_id'), ['province_id'], unique=False)


def downgrade():
    op.drop_table('publications')
    op.drop_table('targets')
    op.drop_table('quality_settings')
    with op.batch_alter_table('service_points', schema=None) as batch_op:
        batch_op.drop_column('opening_hours')
    # Dropping a column rebuilds `responses` on SQLite: keep the partial dossier index out of the rebuild (0009).
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('uq_responses_dossier_channel')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('quality_flags')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('uq_responses_dossier_channel', ['dossier_code', 'channel'], unique=True,
                              sqlite_where=sa.text('dossier_code IS NOT NULL'),
                              postgresql_where=sa.text('dossier_code IS NOT NULL'))

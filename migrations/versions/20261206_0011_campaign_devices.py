"""campaign tablets (a device bound to a campaign instead of a service point) and the Ministry's official figures

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:00:00

An interviewer's tablet (`survey devices add --campaign CODE`) submits campaign questionnaires, which have no
service point: `devices.service_point_id` becomes nullable, `devices.campaign_id` is added, and a CHECK keeps
every device bound to exactly one of the two (every existing device has a service point and no campaign).
`official_figures` holds the Ministry's published SIPAS figures (methodology §8), each with its source.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.alter_column('service_point_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_devices_campaign_id_campaigns'), 'campaigns', ['campaign_id'],
                                    ['id'])
        batch_op.create_index(batch_op.f('ix_devices_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_check_constraint(
            'bound', '(service_point_id IS NULL) <> (campaign_id IS NULL)')
    op.create_table('official_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('unit_code', sa.String(length=20), nullable=False),
    sa.Column('unit_name', sa.String(length=200), nullable=False),
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 100', name=op.f('ck_official_figures_value')),
    sa.CheckConstraint("level IN ('national', 'province')", name=op.f('ck_official_figures_level')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_figures')),
    sa.UniqueConstraint('year', 'unit_code', 'measure', name='uq_official_figures_year_unit_measure')
    )


def downgrade():
    op.drop_table('official_figures')
    op.execute("DELETE FROM devices WHERE campaign_id IS NOT NULL")
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_devices_bound'), type_='check')
        batch_op.drop_index(batch_op.f('ix_devices_campaign_id'))
        batch_op.drop_constraint(batch_op.f('fk_devices_campaign_id_campaigns'), type_='foreignkey')
        batch_op.alter_column('service_point_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('campaign_id')

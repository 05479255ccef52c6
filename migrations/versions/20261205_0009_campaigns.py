"""sample-survey campaigns: village frame, campaigns, questionnaires; campaign responses without a service point

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 00:00:00

Campaign responses (methodology §7) live in `responses` with `campaign_id` set and no service point or agency;
a CHECK keeps every other response as it was (both set). The SQLite batch rebuild of `responses` would reflect
the partial unique index on dossier codes without its WHERE clause, so it is dropped and created again by hand.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('frame_villages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('commune_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('population >= 1', name=op.f('ck_frame_villages_population')),
    sa.ForeignKeyConstraint(['commune_id'], ['units.id'], name=op.f('fk_frame_villages_commune_id_units')),
    sa.ForeignKeyConstraint(['province_id'], ['units.id'], name=op.f('fk_frame_villages_province_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_frame_villages')),
    sa.UniqueConstraint('province_id', 'code', name='uq_frame_villages_province_code')
    )
    with op.batch_alter_table('frame_villages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frame_villages_commune_id'), ['commune_id'], unique=False)

    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('instrument_version_id', sa.Integer(), nullable=False),
    sa.Column('fieldwork_from', sa.Date(), nullable=False),
    sa.Column('fieldwork_to', sa.Date(), nullable=False),
    sa.Column('villages_per_commune', sa.Integer(), nullable=False),
    sa.Column('people_per_village', sa.Integer(), nullable=False),
    sa.Column('communes', sa.JSON(), nullable=True),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'drawn', 'fieldwork', 'closed')", name=op.f('ck_campaigns_status')),
    sa.CheckConstraint('fieldwork_to >= fieldwork_from', name=op.f('ck_campaigns_fieldwork')),
    sa.CheckConstraint('villages_per_commune >= 1 AND people_per_village >= 1', name=op.f('ck_campaigns_design')),
    sa.ForeignKeyConstraint(['instrument_version_id'], ['instrument_versions.id'],
                            name=op.f('fk_campaigns_instrument_version_id_instrument_versions')),
    sa.ForeignKeyConstraint(['province_id'], ['units.id'], name=op.f('fk_campaigns_province_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('code', name=op.f('uq_campaigns_code'))
    )

    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('uq_responses_dossier_channel')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.alter_column('service_point_id', existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column('agency_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_responses_campaign_id_campaigns'), 'campaigns', ['campaign_id'],
                                    ['id'])
        batch_op.create_check_constraint(
            'service_point', 'campaign_id IS NOT NULL OR (service_point_id IS NOT NULL AND agency_id IS NOT NULL)')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('uq_responses_dossier_channel', ['dossier_code', 'channel'], unique=True,
                              sqlite_where=sa.text('dossier_code IS NOT NULL'),
                              postgresql_where=sa.text('dossier_code IS NOT NULL'))

    op.create_table('campaign_questionnaires',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('village_probability', sa.Float(), nullable=False),
    sa.Column('person_probability', sa.Float(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('base_weight', sa.Float(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=True),
    sa.Column('outcome_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('issued', 'completed', 'refused', 'not_reached', 'ineligible')",
                       name=op.f('ck_campaign_questionnaires_status')),
    sa.CheckConstraint('village_probability > 0 AND village_probability <= 1 AND person_probability > 0 '
                       'AND person_probability <= 1', name=op.f('ck_campaign_questionnaires_probabilities')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                            name=op.f('fk_campaign_questionnaires_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'],
                            name=op.f('fk_campaign_questionnaires_response_id_responses')),
    sa.ForeignKeyConstraint(['village_id'], ['frame_villages.id'],
                            name=op.f('fk_campaign_questionnaires_village_id_frame_villages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_questionnaires')),
    sa.UniqueConstraint('code', name=op.f('uq_campaign_questionnaires_code')),
    sa.UniqueConstraint('response_id', name=op.f('uq_campaign_questionnaires_response_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_campaign_questionnaires_token_hash'))
    )
    with op.batch_alter_table('campaign_questionnaires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_questionnaires_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    op.drop_table('campaign_questionnaires')
    op.execute("DELETE FROM answers WHERE response_id IN (SELECT id FROM responses WHERE campaign_id IS NOT NULL)")
    op.execute("DELETE FROM responses WHERE campaign_id IS NOT NULL")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index('uq_responses_dossier_channel')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('ck_responses_service_point', type_='check')
        batch_op.drop_constraint('fk_responses_campaign_id_campaigns', type_='foreignkey')
        batch_op.alter_column('agency_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('service_point_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('campaign_id')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index('uq_responses_dossier_channel', ['dossier_code', 'channel'], unique=True,
                              sqlite_where=sa.text('dossier_code IS NOT NULL'),
                              postgresql_where=sa.text('dossier_code IS NOT NULL'))
    op.drop_table('campaigns')
    op.drop_table('frame_villages')

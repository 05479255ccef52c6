"""jobs, scheduled report subscriptions and sendings, alert rules and alerts; users.lang for e-mails

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('requester_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.JSON(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('lang', sa.String(length=5), nullable=False),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('result_path', sa.String(length=500), nullable=True),
        sa.Column('result_name', sa.String(length=200), nullable=True),
        sa.Column('error_code', sa.String(length=60), nullable=True),
        sa.Column('error_params', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_jobs_state')),
        sa.CheckConstraint('progress BETWEEN 0 AND 100', name=op.f('ck_jobs_progress')),
        sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_jobs_requester_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
        sa.UniqueConstraint('public_id', name=op.f('uq_jobs_public_id')),
    )
    op.create_index('ix_jobs_state', 'jobs', ['state'])
    op.create_index('ix_jobs_expires_at', 'jobs', ['expires_at'])
    op.create_table(
        'report_subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=60), nullable=False),
        sa.Column('instrument', sa.String(length=40), nullable=False),
        sa.Column('frequency', sa.String(length=10), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("frequency IN ('monthly', 'quarterly')", name=op.f('ck_report_subscriptions_frequency')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_subscriptions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_subscriptions')),
        sa.UniqueConstraint('user_id', 'target', 'instrument', 'frequency',
                            name=op.f('uq_report_subscriptions_user_id_target_instrument_frequency')),
    )
    op.create_index(op.f('ix_report_subscriptions_user_id'), 'report_subscriptions', ['user_id'])
    op.create_table(
        'report_sendings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('sent_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['subscription_id'], ['report_subscriptions.id'],
                                name=op.f('fk_report_sendings_subscription_id_report_subscriptions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_sendings')),
        sa.UniqueConstraint('subscription_id', 'period', name=op.f('uq_report_sendings_subscription_id_period')),
    )
    op.create_table(
        'alert_rules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('low_ratings', 'kiosk_silent', 'outbox_growing', 'comment_words')",
                           name=op.f('ck_alert_rules_kind')),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_alert_rules_unit_id_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_rules')),
    )
    op.create_index(op.f('ix_alert_rules_unit_id'), 'alert_rules', ['unit_id'])
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rule_id', sa.Integer(), nullable=False),
        sa.Column('subject', sa.String(length=60), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('notified_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_by', sa.String(length=200), nullable=True),
        sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_alerts_state')),
        sa.ForeignKeyConstraint(['rule_id'], ['alert_rules.id'], name=op.f('fk_alerts_rule_id_alert_rules'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_alerts_unit_id_units')),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_alerts_agency_id_agencies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
    )
    op.create_index(op.f('ix_alerts_rule_id'), 'alerts', ['rule_id'])
    # One open episode per rule and subject (a partial unique index on both databases).
    op.create_index('uq_alerts_open', 'alerts', ['rule_id', 'subject'], unique=True,
                    sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lang', sa.String(length=5), server_default='vi', nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('lang')
    op.drop_index('uq_alerts_open', table_name='alerts')
    op.drop_index(op.f('ix_alerts_rule_id'), table_name='alerts')
    op.drop_table('alerts')
    op.drop_index(op.f('ix_alert_rules_unit_id'), table_name='alert_rules')
    op.drop_table('alert_rules')
    op.drop_table('report_sendings')
    op.drop_index(op.f('ix_report_subscriptions_user_id'), table_name='report_subscriptions')
    op.drop_table('report_subscriptions')
    op.drop_index('ix_jobs_expires_at', table_name='jobs')
    op.drop_index('ix_jobs_state', table_name='jobs')
    op.drop_table('jobs')

"""report settings: document number, place, signer and recipients of a province's official reports

Revision ID: 0013
Revises: 0016
Create Date: 2026-12-05 00:00:00

One row per province, written from the Home Affairs settings screen and printed on the unit and provincial
PDFs (Decree 30/2020/NĐ-CP: number, place before the date, recipients, signature block).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('signer_title', sa.String(length=200), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['province_id'], ['units.id'], name=op.f('fk_report_settings_province_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_settings')),
    sa.UniqueConstraint('province_id', name=op.f('uq_report_settings_province_id'))
    )


def downgrade():
    op.drop_table('report_settings')

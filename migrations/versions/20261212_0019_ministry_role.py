"""ministry role: national accounts that read every province and write nothing

Revision ID: 0019
Revises: 0012
Create Date: 2026-12-12 00:00:00

A `ministry` account has no home unit or agency (its reach is every province); every province role still needs
one. The two check constraints of `users` are replaced; no row changes (no ministry account exists before).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0012'
branch_labels = None
depends_on = None

ROLES_BEFORE = "role IN ('homeaffairs', 'manager', 'clerk', 'viewer')"
SCOPED_BEFORE = "unit_id IS NOT NULL OR agency_id IS NOT NULL"
ROLES_AFTER = "role IN ('homeaffairs', 'manager', 'clerk', 'viewer', 'ministry')"
SCOPED_AFTER = ("(role = 'ministry' AND unit_id IS NULL AND agency_id IS NULL) OR "
                "(role <> 'ministry' AND (unit_id IS NOT NULL OR agency_id IS NOT NULL))")


def _replace(roles: str, scoped: str) -> None:
    # Batch mode rebuilds the table on SQLite (it cannot alter a CHECK); PostgreSQL drops and adds in place.
    with op.batch_alter_table('users', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.drop_constraint(op.f('ck_users_scoped'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_role'), roles)
        batch_op.create_check_constraint(op.f('ck_users_scoped'), scoped)


def upgrade():
    _replace(ROLES_AFTER, SCOPED_AFTER)


def downgrade():
    # Ministry accounts cannot exist before this revision; they are not deleted silently (their audit trail and
    # jobs name them): the operator removes them first.
    found = op.get_bind().execute(sa.text("SELECT count(*) FROM users WHERE role = 'ministry'")).scalar()
    if found:
        raise RuntimeError(f"{found} ministry account(s) exist: remove them before downgrading below 0019")
    _replace(ROLES_BEFORE, SCOPED_BEFORE)

"""instrument owner and immutable published versions

A province's own instrument records the province that owns it. Triggers make a published (or retired) version
immutable in the database itself, whatever code runs: its definition, hash, number, method and the rows of its
sections and items cannot change, and it cannot return to draft.
NOTE for later SQLite batch migrations of instrument_versions / instrument_items / instrument_sections: batch
mode recreates the table and drops its triggers; recreate them (tests/services/test_instruments_service.py
proves the guard at head).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 17:57:20.361225

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

MESSAGE = "instrument version is published: its definition is immutable"
PARTS = ("instrument_items", "instrument_sections")

SQLITE_VERSION_TRIGGER = f"""
CREATE TRIGGER instrument_versions_immutable BEFORE UPDATE ON instrument_versions
FOR EACH ROW WHEN OLD.status <> 'draft' AND (
    NEW.definition IS NOT OLD.definition OR NEW.definition_hash IS NOT OLD.definition_hash
    OR NEW.version IS NOT OLD.version OR NEW.instrument_id IS NOT OLD.instrument_id
    OR NEW.method_version IS NOT OLD.method_version OR NEW.status = 'draft')
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
"""

SQLITE_PART_TRIGGER = """
CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table}
FOR EACH ROW WHEN (SELECT status FROM instrument_versions WHERE id = OLD.version_id) <> 'draft'
BEGIN SELECT RAISE(ABORT, '{message}'); END
"""

PG_FUNCTIONS = f"""
CREATE FUNCTION instrument_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' AND (
        NEW.definition::text IS DISTINCT FROM OLD.definition::text
        OR NEW.definition_hash IS DISTINCT FROM OLD.definition_hash OR NEW.version IS DISTINCT FROM OLD.version
        OR NEW.instrument_id IS DISTINCT FROM OLD.instrument_id
        OR NEW.method_version IS DISTINCT FROM OLD.method_version OR NEW.status = 'draft') THEN
        RAISE EXCEPTION '{MESSAGE} (version id %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION instrument_part_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT status FROM instrument_versions WHERE id = OLD.version_id) <> 'draft' THEN
        RAISE EXCEPTION '{MESSAGE} (version id %)', OLD.version_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def upgrade():
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_instruments_owner_unit_id_units'), 'units', ['owner_unit_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_instruments_owner'), 'NOT official OR owner_unit_id IS NULL')

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTIONS)
        op.execute("CREATE TRIGGER instrument_versions_immutable BEFORE UPDATE ON instrument_versions "
                   "FOR EACH ROW EXECUTE FUNCTION instrument_version_immutable()")
        for table in PARTS:
            op.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION instrument_part_immutable()")
    else:
        op.execute(SQLITE_VERSION_TRIGGER)
        for table in PARTS:
            op.execute(SQLITE_PART_TRIGGER.format(table=table, message=MESSAGE))


def downgrade():
    for table in ("instrument_versions", *PARTS):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS instrument_version_immutable(); "
                   "DROP FUNCTION IF EXISTS instrument_part_immutable()")
    with op.batch_alter_table('instruments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_instruments_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_instruments_owner_unit_id_units'), type_='foreignkey')
        batch_op.drop_column('owner_unit_id')

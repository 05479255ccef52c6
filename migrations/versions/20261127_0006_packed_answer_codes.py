"""packed answer codes: each response's answers as one short blob, for breakdowns the roll-ups cannot answer

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 00:00:00

The layout is survey.services.indices.packed_answers': one little-endian uint16 per item of the response's instrument
version in item-id order, bit c set when code c (0–9) was answered. It is written out here rather than
imported, so this migration keeps meaning what it meant when it ran.

It rewrites every response row once, in the upgrade's transaction (about 45 s per million responses on SQLite,
80 s on PostgreSQL, holding the responses table): run it outside opening hours; kiosks keep their responses in
their outboxes meanwhile.
"""
import logging
import sys
from array import array

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BATCH = 5000
log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_codes', sa.LargeBinary(), nullable=True))
    _backfill(op.get_bind())


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('answer_codes')


def _backfill(conn):
    """Pack the stored answers of every response, a batch of responses at a time."""
    versions = conn.execute(sa.text("SELECT DISTINCT instrument_version_id FROM responses")).scalars().all()
    update = sa.text("UPDATE responses SET answer_codes = :codes WHERE id = :id")
    done = 0
    for version in versions:
        slots = {item: n for n, item in enumerate(conn.execute(
            sa.text("SELECT id FROM instrument_items WHERE version_id = :v ORDER BY id"), {"v": version}).scalars())}
        ids = conn.execute(sa.text("SELECT id FROM responses WHERE instrument_version_id = :v ORDER BY id"),
                           {"v": version}).scalars().all()
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            packed = {rid: array("H", bytes(2 * len(slots))) for rid in chunk}
            # Exactly this chunk's answers: an id range could span millions of another version's rows.
            answers = conn.execute(sa.text("SELECT response_id, item_id, code FROM answers WHERE response_id IN :ids")
                                   .bindparams(sa.bindparam("ids", expanding=True)), {"ids": chunk})
            for rid, item, code in answers:
                if item in slots and 0 <= code < 10:
                    packed[rid][slots[item]] |= 1 << code
            if sys.byteorder == "big":
                for codes in packed.values():
                    codes.byteswap()
            conn.execute(update, [{"id": rid, "codes": codes.tobytes()} for rid, codes in packed.items()])
            done += len(chunk)
            if done % 100_000 < BATCH:
                log.info("packed the answers of %d responses", done)

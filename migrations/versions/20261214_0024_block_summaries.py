"""columnar blocks carry a summary: code counts and score sums per unit

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-14 09:00:00

Tables by province, district or commune over whole months add up each block's summary (services/indices/
block_summaries.py) instead of the monthly tallies: at 10,000,000 national responses the national table by
province summed 8.1M tally rows a year (5.2 s); the summaries of a year are a few hundred small blobs. Sealing
writes the summary with its block; the blocks sealed before are summarised here, from their own columns (the
responses are not read again). A block left without a summary is still counted from its columns.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response_blocks') as batch:
        batch.add_column(sa.Column('summary', sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':  # read whole and often: stored uncompressed, as the blocks' data
        op.execute("ALTER TABLE response_blocks ALTER COLUMN summary SET STORAGE EXTERNAL")
    summarise_blocks(bind)


def summarise_blocks(bind) -> int:
    """Give every block without a summary its summary, one block at a time; the number summarised."""
    from survey.services.indices import blocks, columns
    from survey.services.indices.block_summaries import summarise

    todo = bind.execute(sa.text("SELECT id, instrument_version_id FROM response_blocks WHERE summary IS NULL "
                                "ORDER BY instrument_version_id, id")).all()
    layouts: dict = {}
    for block_id, version in todo:
        if version not in layouts:
            items = tuple(bind.execute(sa.text("SELECT id FROM instrument_items WHERE version_id = :v ORDER BY id"),
                                       {"v": version}).scalars())
            layouts[version] = (items, columns.scorer_on(bind, version))
        items, scorer = layouts[version]
        data = bind.execute(sa.text("SELECT data FROM response_blocks WHERE id = :id"), {"id": block_id}).scalar()
        bind.execute(sa.text("UPDATE response_blocks SET summary = :s WHERE id = :id"),
                     {"s": summarise(blocks.loads(bytes(data)), items, scorer), "id": block_id})
    return len(todo)


def downgrade():
    with op.batch_alter_table('response_blocks') as batch:
        batch.drop_column('summary')

"""Migration 0024 (block summaries): upgrading summarises the blocks already sealed, from their own columns, to
the summaries sealing writes; downgrading drops them and keeps the blocks; the figures never change."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from survey.extensions import db


def _summaries(conn) -> dict[int, bytes | None]:
    return {r.id: None if r.summary is None else bytes(r.summary)
            for r in conn.execute(text("SELECT id, summary FROM response_blocks"))}


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0024_summarises_the_sealed_blocks_both_ways(backend, tmp_path, request):
    from flask_migrate import downgrade, upgrade

    from survey.app import create_app
    from survey.services.indices.columns import seal_all
    from survey.services.indices.compute import compute_indices
    from survey.services.instruments.versions import load_official_instruments
    from survey.services.operations.demo import build_organisation, generate_responses
    from survey.services.organisation.units import load_current_units
    from tests.fixtures.scratch_db import create_database, drop_database

    if backend == "postgresql" and not request.config.pg_available:
        pytest.skip("PostgreSQL is not available")
    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else create_database("survey_m0024")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    try:
        with app.app_context():
            upgrade()
            load_current_units("22")
            load_official_instruments()
            build_organisation("22")
            generate_responses("22", 400, seed=3, end=datetime(2026, 7, 1))
            db.session.commit()
            assert seal_all(timedelta(0)) == 400

            def figures():
                return [compute_indices("SIPAS-1001", "2026", by=by, province="22", min_n=1,
                                        now=datetime(2026, 7, 2)).document for by in ("commune", "province")]

            sealed, before = _summaries(db.session.connection()), figures()
            db.session.commit()
            assert sealed and all(sealed.values())
            downgrade(revision="0023")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM response_blocks")).scalar() == len(sealed)
            upgrade()
            assert _summaries(db.session.connection()) == sealed  # the backfill: what sealing wrote
            assert figures() == before
            db.session.commit()
            db.engine.dispose()
    finally:
        if backend == "postgresql":
            drop_database(url)

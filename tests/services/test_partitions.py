"""Monthly tally partitions (PostgreSQL, migration 0020): rows land in their month's partition (or the default one
until it exists), moving them changes no figure, and the migration upgrades and downgrades with the data kept."""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest
from sqlalchemy import text

from survey.extensions import db
from survey.services.access.scope import Scope
from survey.services.indices.compute import compute_indices
from survey.services.storage import partitions
from tests.fixtures.indices_data import sipas_answers, submit

NATIONAL = Scope("ministry", None, None)
QUESTIONS = [  # (period, by, province, where): the roll-ups, the columnar blocks, filters and days
    ("2026-Q1", "province", None, None), ("2026-Q1", "commune", "22", None), ("2026-Q1", "channel", "01", None),
    ("2026-Q1", "sex", "79", None), ("2026-01-10..2026-03-05", "province", None, None),
    ("2026-02", "province", None, {"channel": "paper"}),
]


def _answers() -> list:
    return [compute_indices("SIPAS-1001", period, by=by, province=province, where=where, min_n=10,
                            scope=NATIONAL).document["rows"] for period, by, province, where in QUESTIONS]


def _placement() -> list[tuple[str, int]]:
    """(partition, month) of every tally row."""
    where = "tableoid::regclass::text" if db.engine.dialect.name == "postgresql" else "'sqlite'"
    return [tuple(row) for table in partitions.PARTITIONED for row in db.session.execute(text(
        f"SELECT DISTINCT {where}, month FROM {table}")).all()]


@pytest.fixture
def no_month_partitions(app):
    """The session's database keeps tables between tests (they are emptied, not dropped): start with no month."""
    for table, months in partitions.existing().items() if partitions.enabled() else ():
        for month in months:
            db.session.execute(text(f"DROP TABLE {table}_{month}"))
    db.session.commit()


def test_months_and_names():
    assert partitions.next_month(202612) == 202701 and partitions.next_month(202601) == 202602
    assert partitions.months_ahead(date(2026, 11, 20), 3) == [202611, 202612, 202701, 202702]
    assert partitions.is_partition("answer_tallies_202607") and partitions.is_partition("score_tallies_default")
    assert not partitions.is_partition("answer_tallies") and not partitions.is_partition("answers_202607")


def test_rows_move_to_their_month_and_every_question_answers_the_same(no_month_partitions, national_dataset):
    before = _answers()
    postgres = db.engine.dialect.name == "postgresql"
    assert partitions.enabled() is postgres
    if postgres:  # nothing made the months yet: the submissions went to the default partitions
        assert {name for name, _ in _placement()} == {"answer_tallies_default", "score_tallies_default"}
    made = partitions.ensure_current(ahead=1, today=date(2026, 3, 15))
    db.session.commit()
    if not postgres:
        assert made == [] and partitions.summary() == []
        assert _answers() == before
        return
    assert made == [f"{table}_{month}" for table in partitions.PARTITIONED for month in (202601, 202602, 202603,
                                                                                         202604)]
    assert all(name == f"{name.rsplit('_', 1)[0]}_{month}" for name, month in _placement())
    for table in partitions.PARTITIONED:
        assert db.session.execute(text(f"SELECT count(*) FROM {table}_default")).scalar() == 0
    assert _answers() == before
    assert partitions.ensure_current(ahead=1, today=date(2026, 3, 15)) == []  # idempotent


def test_a_submission_lands_in_its_months_partition(no_month_partitions, make_service_point):
    point = make_service_point().code
    partitions.ensure_months([202604])
    db.session.commit()
    submit(point, sipas_answers(np.random.default_rng(1), 4.0), "2026-04-12T09:30:00+07:00")
    submit(point, sipas_answers(np.random.default_rng(2), 4.0), "2026-05-12T09:30:00+07:00")
    db.session.commit()
    placed = set(_placement())
    if db.engine.dialect.name == "postgresql":
        assert placed == {("answer_tallies_202604", 202604), ("answer_tallies_default", 202605),
                          ("score_tallies_202604", 202604), ("score_tallies_default", 202605)}
        assert [name for name, _, _ in partitions.summary()] == [
            "answer_tallies_202604", "answer_tallies_default", "score_tallies_202604", "score_tallies_default"]
    else:
        assert {month for _, month in placed} == {202604, 202605}


def _tally_rows(conn) -> list[tuple]:
    return [sorted((tuple(row) for row in conn.execute(text(f"SELECT * FROM {table}")).all()), key=str)
            for table in partitions.PARTITIONED]


def partitions_of(conn, table: str) -> list[str]:
    return list(conn.execute(text("SELECT inhrelid::regclass::text FROM pg_inherits "
                                  "WHERE inhparent = CAST(:t AS regclass)"), {"t": table}).scalars())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0020_keeps_the_tallies_both_ways(backend, tmp_path, request):
    from flask_migrate import downgrade, upgrade

    from survey.app import create_app
    from survey.services.instruments.versions import load_official_instruments
    from survey.services.operations.demo import build_organisation, generate_responses
    from survey.services.organisation.units import load_current_units
    from tests.fixtures.scratch_db import create_database, drop_database

    if backend == "postgresql" and not request.config.pg_available:
        pytest.skip("PostgreSQL is not available")
    url = f"sqlite:///{tmp_path / 'm.db'}" if backend == "sqlite" else create_database("survey_m0020")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    try:
        with app.app_context():
            upgrade(revision="0017")
            load_current_units("22")
            load_official_instruments()
            build_organisation("22")
            generate_responses("22", 400, seed=3, end=datetime(2026, 7, 1))
            db.session.commit()
            with db.engine.connect() as conn:
                stored = _tally_rows(conn)
            assert len(stored[0]) > 100 and len(stored[1]) > 100
            upgrade()
            with db.engine.connect() as conn:
                assert _tally_rows(conn) == stored
                if backend == "postgresql":
                    for table in partitions.PARTITIONED:  # every row in its own month's partition
                        assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE tableoid::regclass::text "
                                                 f"<> '{table}_' || month")).scalar() == 0
                    assert len(partitions_of(conn, "answer_tallies")) >= 13  # 12 months and the default
            downgrade(revision="0017")
            with db.engine.connect() as conn:
                assert _tally_rows(conn) == stored
                if backend == "postgresql":
                    assert conn.execute(text("SELECT relkind FROM pg_class WHERE relname = 'answer_tallies'")
                                        ).scalar() == "r"
                    assert partitions_of(conn, "answer_tallies") == []
            upgrade()
            with db.engine.connect() as conn:
                assert _tally_rows(conn) == stored
            db.engine.dispose()
    finally:
        if backend == "postgresql":
            drop_database(url)


def test_the_command_makes_this_months_partitions_and_lists_them(no_month_partitions, runner):
    result = runner.invoke(args=["partitions", "--ahead", "2", "--list"])
    assert result.exit_code == 0, result.output
    if db.engine.dialect.name != "postgresql":
        assert "nothing to do" in result.output
        return
    months = partitions.months_ahead(date.today(), 2)
    assert "6 partitions made" in result.output and f"answer_tallies_{months[-1]}" in result.output
    assert "score_tallies_default" in result.output
    assert runner.invoke(args=["partitions", "--ahead", "-1"]).exit_code == 2  # bad input: a clear error

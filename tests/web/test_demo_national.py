"""`survey demo --national`: N responses over the 34 provinces in one bulk load, with keys, indexes, roll-ups,
monthly partitions and columnar blocks as a response-by-response load would leave them."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, text

from survey.extensions import db
from survey.models import Base, Response, Unit
from survey.services.access.scope import Scope
from survey.services.indices.columns import seal_all
from survey.services.indices.compute import compute_indices
from survey.services.indices.tallies import rebuild_tallies
from survey.services.storage import partitions
from tests.fixtures.tallies import stored_tallies


def _constraints() -> set[str]:
    """Names of the indexes and constraints of the tables the load writes (PostgreSQL)."""
    tables = ["responses", "answers", "comments", "answer_tallies", "score_tallies"]
    return set(db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = ANY(:t)"),
                                  {"t": tables})) | set(db.session.scalars(text(
                                      "SELECT conname FROM pg_constraint WHERE conrelid = ANY(CAST(:t AS regclass[]))"),
                                      {"t": tables}))


def test_a_national_load_spreads_over_every_province_and_leaves_the_schema_whole(runner):
    postgres = db.engine.dialect.name == "postgresql"
    before = _constraints() if postgres else set()
    result = runner.invoke(args=["demo", "--national", "--responses", "3400", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "34 provinces" in result.output and "3400 sealed" in result.output
    assert db.session.scalar(select(func.count(Response.id))) == 3400
    province = func.coalesce(Unit.parent_id, Unit.id)
    per_province = dict(db.session.execute(select(province, func.count(Response.id)).join(
        Unit, Unit.id == Response.unit_id).group_by(province)).all())
    assert len(per_province) == 34 and min(per_province.values()) >= 20
    if postgres:
        assert _constraints() == before  # every key, unique constraint and index dropped for the load is back
        for table in partitions.PARTITIONED:
            assert db.session.scalar(text(f"SELECT count(*) FROM {table}_default")) == 0
        assert db.session.scalar(text("SELECT count(*) FROM answers a LEFT JOIN responses r ON r.id = a.response_id "
                                      "WHERE r.id IS NULL")) == 0
    loaded = stored_tallies()
    ministry = Scope("ministry", None, None)
    document = compute_indices("SIPAS-1001", _year(), by="province", scope=ministry, min_n=5).document
    raw = compute_indices("SIPAS-1001", _year(), by="province", scope=ministry, min_n=5, source="responses").document
    assert len(document["rows"]) == 34 and document["rows"] == raw["rows"]
    rebuild_tallies()
    db.session.commit()
    assert stored_tallies() == loaded


def _year() -> str:
    """The 12 months the demo spans end today: the period from its first to its last day."""
    first, last = db.session.execute(select(func.min(Response.local_date), func.max(Response.local_date))).one()
    return f"{first.isoformat()}..{last.isoformat()}"


def test_the_national_load_refuses_bad_combinations(runner):
    for args in (["demo", "--responses", "10"], ["demo", "--national", "--province", "22", "--responses", "10"],
                 ["demo", "--national", "--instrument", "KIOSK-QUICK", "--responses", "10"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 2 and ("--national" in result.output), result.output
    assert db.session.scalar(select(func.count(Response.id))) == 0
    assert "responses" in Base.metadata.tables


def test_the_blocks_sealed_from_the_load_in_memory_are_those_a_seal_reads_back(runner):
    result = runner.invoke(args=["demo", "--national", "--responses", "3400", "--seed", "5"])
    assert result.exit_code == 0, result.output
    ministry, now = Scope("ministry", None, None), datetime.now(timezone.utc)

    def figures():
        shape = db.session.execute(text("SELECT instrument_version_id, month, root_unit_id, SUM(rows) "
                                        "FROM response_blocks GROUP BY 1, 2, 3")).all()
        return sorted(tuple(r) for r in shape), [
            compute_indices("SIPAS-1001", period, by=by, province=province, scope=ministry, min_n=1,
                            now=now).document
            for period in (_year(), _year()[:4])  # days (the blocks' columns), a year's months (their summaries)
            for by, province in (("province", None), ("sex", None), ("commune", "01"), ("age_band", "01"))]

    from_memory = figures()
    marks = db.session.execute(text("SELECT instrument_version_id, sealed_through FROM response_marks")).all()
    assert len(marks) == 2 and {m for _, m in marks} == {db.session.scalar(select(func.max(Response.id)))}
    db.session.execute(text("DELETE FROM response_blocks"))
    db.session.execute(text("DELETE FROM response_marks"))
    db.session.commit()
    assert seal_all() == 3400  # read back from the responses, as before
    assert figures() == from_memory

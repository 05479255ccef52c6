"""The columnar blocks give every breakdown, filter, combination of filters, date range and the clean view exactly
the figures of the raw path (the packed codes streamed from `responses`), whether the responses are sealed into
blocks, still in the tail, or both: every figure of the document (index, components, items, assessment shares, n,
intervals, suppression, flagged counts), and the table's unrounded frames to 1e-9."""
from __future__ import annotations

import importlib.util
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from survey.extensions import db
from survey.models.responses import PROFILE_FIELDS
from survey.services.indices.cells import BY_COLUMN, choice_names
from survey.services.access.scope import Scope
from survey.services.indices.columns import seal, seal_all
from survey.services.access.scope import OPERATOR
from survey.services.indices.compute import compute_indices
from survey.services.indices.weighted import WEIGHTED_BREAKDOWNS
from survey.services.indices.weights import import_margins
from survey.services.instruments.versions import current_version
from survey.services.responses import record_response
from tests.fixtures.factories import HOME_PROVINCE, commune_codes
from tests.fixtures.indices_data import sipas_answers
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
PERIODS = ("2026-Q1", "2026-02", "2026-01-10..2026-03-05", "2026-02-28..2026-02-28")
CHANNELS = ("paper", "interview", "online")


def submit_random(rng: np.random.Generator, points: list[str], n: int, definition: dict) -> None:
    profile_codes = {name: [int(c) for c in choice_names(definition, name, 0) if c.isdigit()]
                     for name in PROFILE_FIELDS}
    for i in range(n):
        respondent = {name: int(rng.choice(codes)) for name, codes in profile_codes.items()
                      if codes and rng.random() < 0.8}
        extra = {}
        if rng.random() < 0.5:
            extra["procedure"] = str(rng.choice(["1.001234", "2.000111", "1.009999"]))
        if rng.random() < 0.6:
            extra["field"] = str(rng.choice(["TP", "DD-1", "HT_2"]))
        day = datetime(2026, 1, 1, 9, tzinfo=timezone.utc) + timedelta(days=int(rng.integers(0, 90)))
        body = {"id": str(uuid.uuid4()), "instrument": "SIPAS-1001", "version": 1,
                "service_point": points[int(rng.integers(0, len(points)))], "submitted_at": day.isoformat(),
                "answers": sipas_answers(rng, float(rng.uniform(2.8, 4.4))), "respondent": respondent, **extra}
        try:
            record_response(body, channel=CHANNELS[i % 3], now=NOW)
        except Exception as e:
            raise AssertionError(getattr(e, "errors", e)) from None
    db.session.commit()


def flag_some(rng: np.random.Generator, share: float) -> None:
    """Give a random share of the responses a quality flag (as `survey quality scan` would)."""
    ids = db.session.execute(text("SELECT id FROM responses ORDER BY id")).scalars().all()
    for response_id in ids:
        if rng.random() < share:
            db.session.execute(text("UPDATE responses SET quality_flags = :f WHERE id = :id"),
                               {"f": int(rng.choice([1, 2, 4, 5])), "id": response_id})
    db.session.commit()


@pytest.fixture
def mixed(app, make_service_point, make_agency):
    """150 random responses in three communes and the provincial centre, about one in five flagged; the first
    100 sealed into blocks."""
    rng = np.random.default_rng(11)
    communes = commune_codes(HOME_PROVINCE, 3)
    points = [make_service_point(unit=c).code for c in communes]
    department = make_agency(unit=HOME_PROVINCE, name="Sở Tư pháp")
    points.append(make_service_point(unit=HOME_PROVINCE, agency=department.code).code)
    definition = current_version("SIPAS-1001", 1).definition
    submit_random(rng, points, 100, definition)
    assert seal_all(settle=timedelta(0)) == 100
    submit_random(rng, points, 50, definition)  # the tail
    flag_some(rng, 0.2)
    return definition


def same(by: str, period: str, where: dict | None = None, quality: str = "all", weighted: bool = False) -> None:
    kwargs = {"province": HOME_PROVINCE, "min_n": 1, "version": 1, "where": where, "now": NOW, "quality": quality,
              "weighted": weighted}
    raw = compute_indices("SIPAS-1001", period, by, source="responses", **kwargs)
    columns = compute_indices("SIPAS-1001", period, by, source="columns", **kwargs)
    assert raw.source == "responses" and columns.source == "columns"
    assert columns.document == raw.document, (by, period, where, quality)
    for frame, keys in (("cells", ["cell"]), ("components", ["cell", "component"]), ("items", ["cell", "item"])):
        # unrounded, in one order (rows come in the order keys were met): score sums come from histograms
        new, old = (getattr(result.table, frame).astype({"cell": str}).sort_values(keys).reset_index(drop=True)
                    for result in (columns, raw))
        pd.testing.assert_frame_equal(new, old, rtol=1e-9, obj=f"{frame} {by} {period} {where} {quality}")


def filter_sets(definition: dict) -> list[dict]:
    """Every filter alone (one value each, and a value nobody has), then combinations of two and three."""
    wheres = [{"channel": "online"}, {"procedure": "1.001234"}, {"field": "DD-1"}, {"field": "no such"}]
    for name in PROFILE_FIELDS:
        codes = [int(c) for c in choice_names(definition, name, 0) if c.isdigit()]
        if codes:
            wheres.append({name: codes[0]})
    return wheres + [{"channel": "paper", "sex": 1}, {"procedure": "2.000111", "field": "TP", "channel": "interview"},
                     {"age_band": 2, "education": 3}, {"channel": "online", "field": "HT_2", "area": 1}]


def test_every_breakdown_and_period_gives_the_raw_paths_figures(mixed):
    # Each breakdown with a calendar period and a day range (whole months of blocks, or days cut out of them), the
    # four periods in turn: each meets half the breakdowns (all sixteen × four took 15 s a database).
    assert len(BY_COLUMN) % len(PERIODS) == 0
    for n, by in enumerate(BY_COLUMN):
        for period in (PERIODS[n % 4], PERIODS[(n + 2) % 4]):
            same(by, period)


def test_every_filter_and_combination_under_breakdowns_in_turn_gives_the_raw_paths_figures(mixed):
    bys, wheres = list(BY_COLUMN), filter_sets(mixed)
    assert 2 * len(wheres) >= len(bys)
    for n, where in enumerate(wheres):  # two breakdowns each, in turn: every breakdown meets filters
        for by in (bys[(2 * n + k) % len(bys)] for k in range(2)):
            same(by, "2026-01-10..2026-03-05", where)


def test_the_clean_view_gives_the_raw_paths_figures_for_every_breakdown(mixed):
    flagged = db.session.execute(text("SELECT COUNT(*) FROM responses WHERE quality_flags <> 0")).scalar()
    assert flagged > 10  # flagged responses both sealed and in the tail are left out
    for n, by in enumerate(BY_COLUMN):  # half the breakdowns over a quarter, half over a day range
        same(by, ("2026-Q1", "2026-02-03..2026-03-17")[n % 2], quality="clean")
    for where in ({"channel": "online"}, {"sex": 1, "field": "TP"}):
        same("commune", "2026-Q1", where, quality="clean")


def test_weighted_figures_from_the_blocks_are_the_raw_paths(mixed):
    # Margins for every sex × age band, so each place's strata are weighted; the weighted figure of each row is
    # part of the document `same` compares.
    margins = "sex,age_band,population\n" + "".join(f"{s},{a},{100 * s + 7 * a}\n" for s in (1, 2)
                                                     for a in range(1, 6))
    import_margins(OPERATOR, HOME_PROVINCE, margins)
    for by in WEIGHTED_BREAKDOWNS:
        same(by, "2026-Q1", weighted=True)
        same(by, "2026-01-10..2026-03-05", {"channel": "online", "education": 3}, weighted=True)
        same(by, "2026-02", quality="clean", weighted=True)
    found = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, min_n=1, version=1, weighted=True,
                            now=NOW).document["rows"]
    assert any(row["weighted"] for row in found)  # the comparison was not between two empty figures


def test_the_figures_hold_whether_responses_are_sealed_or_in_the_tail(mixed):
    before = compute_indices("SIPAS-1001", "2026-Q1", "age_band", HOME_PROVINCE, min_n=1, version=1, now=NOW,
                             source="columns").document
    version = current_version("SIPAS-1001", 1).id
    assert seal(version, timedelta(0)) == 50  # the tail goes into blocks
    assert seal(version, timedelta(0)) == 0  # nothing left to seal
    after = compute_indices("SIPAS-1001", "2026-Q1", "age_band", HOME_PROVINCE, min_n=1, version=1, now=NOW,
                            source="columns").document
    assert after == before and after["rows"][0]["n"] > 0
    tail = db.session.execute(text("SELECT COUNT(*) FROM responses WHERE id > "
                                   "(SELECT sealed_through FROM response_marks)")).scalar()
    assert tail == 0


def test_responses_received_lately_wait_for_the_next_seal(mixed):
    version = current_version("SIPAS-1001", 1).id
    assert seal(version) == 0  # received just now: within SETTLE, so left in the tail
    same("sex", "2026-Q1")


def test_the_default_path_reads_the_blocks_for_what_the_roll_ups_cannot_answer(mixed):
    days = compute_indices("SIPAS-1001", "2026-01-10..2026-03-05", "commune", HOME_PROVINCE, version=1, now=NOW)
    by_sex = compute_indices("SIPAS-1001", "2026-Q1", "sex", HOME_PROVINCE, version=1, now=NOW)
    by_commune = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, version=1, now=NOW)
    clean = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, version=1, now=NOW, quality="clean")
    by_agency = compute_indices("SIPAS-1001", "2026-Q1", "agency", HOME_PROVINCE, version=1, now=NOW)
    online = compute_indices("SIPAS-1001", "2026-Q1", "commune", HOME_PROVINCE, version=1, now=NOW,
                             where={"channel": "online"})
    # by unit over whole months: the blocks' summaries; by agency or with a channel filter: the tallies
    assert (days.source, by_sex.source, by_commune.source, clean.source) == ("columns",) * 4
    assert (by_agency.source, online.source) == ("tallies", "tallies")


def _migration_0024():
    path = next(Path(__file__).resolve().parents[2].glob("migrations/versions/*_0024_*.py"))
    spec = importlib.util.spec_from_file_location("migration_0024", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sealing_writes_each_blocks_summary_and_the_backfill_makes_the_same_one(mixed):
    conn = db.session.connection()
    sealed = {r.id: bytes(r.summary) for r in conn.execute(text("SELECT id, summary FROM response_blocks"))}
    assert sealed and all(sealed.values())
    conn.execute(text("UPDATE response_blocks SET summary = NULL"))
    assert _migration_0024().summarise_blocks(conn) == len(sealed)  # a full rebuild, from the blocks' columns
    rebuilt = {r.id: bytes(r.summary) for r in conn.execute(text("SELECT id, summary FROM response_blocks"))}
    assert rebuilt == sealed
    db.session.rollback()


def test_blocks_without_a_summary_are_counted_from_their_columns(mixed):
    def documents():
        return [compute_indices("SIPAS-1001", "2026-Q1", by, HOME_PROVINCE, min_n=1, version=1, now=NOW,
                                quality=quality).document for by in ("commune", "province") for quality in QUALITY]
    summarised = documents()
    db.session.execute(text("UPDATE response_blocks SET summary = NULL"))
    db.session.commit()
    assert documents() == summarised


QUALITY = ("all", "clean")


@pytest.mark.parametrize("quality", QUALITY)
def test_the_national_table_by_province_counts_units_under_their_province(mixed, quality):
    """The Ministry's table: units keyed by province in the summaries, the tallies and the flagged counts alike,
    with the raw path's figures (flagged counts and weighted figures included)."""
    ministry = Scope("ministry", None, None)
    kwargs = {"min_n": 1, "version": 1, "now": NOW, "scope": ministry, "quality": quality, "weighted": True}
    raw = compute_indices("SIPAS-1001", "2026-Q1", "province", source="responses", **kwargs)
    default = compute_indices("SIPAS-1001", "2026-Q1", "province", **kwargs)
    assert default.source == "columns" and default.document == raw.document
    assert [row["unit_code"] for row in default.document["rows"]] == [HOME_PROVINCE]
    assert sum(row["flagged"] for row in default.document["rows"]) > 0
    if quality == "all":  # the tallies answer the view of every response only
        tallies = compute_indices("SIPAS-1001", "2026-Q1", "province", source="tallies", **kwargs)
        assert tallies.document == raw.document
    pd.testing.assert_frame_equal(default.table.cells, raw.table.cells, rtol=1e-9)

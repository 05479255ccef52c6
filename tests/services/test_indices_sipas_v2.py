"""SIPAS-1001 version 2 through the index service: the method named, general questions beside their factor, the
assessment block, and versions 1 and 2 in one period as two tables (never merged); SQLite and PostgreSQL alike."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from survey.extensions import db
from survey.services.indices.compute import compute_indices
from survey.services.indices.document import flat_rows
from survey.services.responses import record_response
from tests.fixtures.factories import HOME_PROVINCE

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
A2_V2 = {"A2.1": 3, "A2.2": 4, "A2.3": 5, "A2.4": 3}


def submit(point: str, answers: dict, version: int | None = None, when: str = "2026-02-10T09:00:00+07:00") -> None:
    payload = {"id": str(uuid.uuid4()), "instrument": "SIPAS-1001", "service_point": point, "submitted_at": when,
               "answers": answers}
    if version is not None:
        payload["version"] = version
    record_response(payload, channel="paper", now=NOW)


def v2_answers(code: int, general: int, extra: dict) -> dict:
    answers = {f"{f}.{k}": code for f, n in A2_V2.items() for k in range(1, n + 1)}
    answers.update({f"{f}.G": general for f in A2_V2} | {"X.4": 1, "X.5": 0, "A2.G": general})
    return answers | extra


@pytest.fixture
def v2_data(app, make_service_point):
    point = make_service_point().code
    # Items: two respondents at 5, one at 2 → every A2 item 66.67; general questions 4, 4, 9 → 100 on 2 valid.
    submit(point, v2_answers(5, 4, {"I.1": 3, "I.9": [1, 2], "I.11": [0], "H.1": 1, "H.2": 1}))
    submit(point, v2_answers(5, 4, {"I.1": 2, "I.9": [2], "I.11": [1, 2], "H.1": 2, "H.2": 1}))
    submit(point, v2_answers(2, 9, {"I.1": 9, "H.1": 1, "H.2": 3}))
    db.session.commit()
    return point


@pytest.mark.parametrize("source", ["tallies", "responses"])
def test_version_2_names_its_method_and_reports_general_questions_beside_their_factor(v2_data, source):
    doc = compute_indices("SIPAS-1001", "2026-02", "province", HOME_PROVINCE, min_n=1, source=source).document
    assert (doc["instrument_version"], doc["method_version"]) == (2, "sipas-default-2-items")
    assert doc["general"]["A2.1"] == "A2.1.G" and doc["general"]["A2"] == "A2.G" and "tables" not in doc
    row = doc["rows"][0]
    assert row["components"]["A2.1"]["pct"] == 66.67 and row["components"]["A2"]["pct"] == 66.67
    assert row["index"] == 66.67 and row["incomplete"]  # A1 and A2.5 not asked
    assert row["items"]["A2.1.G"]["pct"] == 100.0 and row["items"]["A2.1.G"]["n_valid"] == 2
    codes = list(row["items"])
    assert codes.index("A2.1.G") == codes.index("A2.1.3") + 1


@pytest.mark.parametrize("source", ["tallies", "responses"])
def test_assessment_block_gives_the_share_at_each_level(v2_data, source):
    doc = compute_indices("SIPAS-1001", "2026-02", "province", HOME_PROVINCE, min_n=1, source=source).document
    block = doc["rows"][0]["assessment"]
    assert block["I.1"] == {"n_valid": 2, "shares": {"1": 0.0, "2": 50.0, "3": 50.0}}  # 9 is no answer
    assert block["H.1"] == {"n_valid": 3, "shares": {"1": 66.67, "2": 33.33, "3": 0.0}}
    assert block["H.2"]["shares"] == {"1": 66.67, "2": 0.0, "3": 33.33}
    # Multi-select: the share of the respondents who answered (2 of 3), per channel.
    assert block["I.9"]["n_valid"] == 2 and block["I.9"]["shares"]["2"] == 100.0 and block["I.9"]["shares"]["1"] == 50.0
    assert block["I.11"]["shares"] == {"0": 50.0, "1": 50.0, "2": 50.0, "3": 0.0, "4": 0.0, "5": 0.0}
    assert block["C.1"] == {"n_valid": 0, "shares": {"1": None, "2": None, "3": None}}
    flat = flat_rows(doc)[0]
    assert flat["I.1.share_3"] == 50.0 and flat["I.9.n_valid"] == 2


def test_a_suppressed_row_hides_its_assessment_shares(v2_data):
    doc = compute_indices("SIPAS-1001", "2026-02", "province", HOME_PROVINCE, min_n=30).document
    block = doc["rows"][0]["assessment"]
    assert doc["rows"][0]["suppressed"] and block["H.1"] == {"n_valid": None, "shares": {"1": None, "2": None,
                                                                                        "3": None}}


def test_versions_1_and_2_in_one_period_give_two_tables(app, make_service_point):
    point = make_service_point().code
    submit(point, {"X.4": 1, "A2.1.4": 5, "A2.2.1": 4}, version=1)
    submit(point, {"X.4": 1, "A2.1.1": 2, "A2.1.G": 5}, when="2026-02-20T09:00:00+07:00")
    db.session.commit()
    doc = compute_indices("SIPAS-1001", "2026-02", "province", HOME_PROVINCE, min_n=1).document
    assert (doc["instrument_version"], doc["method_version"]) == (2, "sipas-default-2-items")
    assert [(t["instrument_version"], t["method_version"]) for t in doc["tables"]] == [
        (1, "sipas-default-1"), (2, "sipas-default-2-items")]
    v1, v2 = (t["rows"][0] for t in doc["tables"])
    assert (v1["n"], v1["index"], v1["items"]["A2.1.4"]["pct"]) == (1, 100.0, 100.0)
    assert (v2["n"], v2["index"], v2["items"]["A2.1.G"]["pct"]) == (1, 0.0, 100.0)
    assert doc["rows"] == doc["tables"][1]["rows"]
    assert [(r["instrument_version"], r["index"]) for r in flat_rows(doc)] == [(1, 100.0), (2, 0.0)]
    # Asked for one version, or a period where only one has data: today's single-table document.
    one = compute_indices("SIPAS-1001", "2026-02", "province", HOME_PROVINCE, min_n=1, version=1).document
    assert one["instrument_version"] == 1 and "tables" not in one
    march = compute_indices("SIPAS-1001", "2026-03", "province", HOME_PROVINCE, min_n=1).document
    assert march["instrument_version"] == 2 and "tables" not in march and march["rows"] == []


def test_only_version_1_data_keeps_version_1_document(app, make_service_point):
    point = make_service_point().code
    submit(point, {"X.4": 1, "A2.1.4": 5}, version=1)
    db.session.commit()
    doc = compute_indices("SIPAS-1001", "2026-02", "province", HOME_PROVINCE, min_n=1).document
    assert doc["instrument_version"] == 1 and "tables" not in doc and "general" not in doc
    assert doc["rows"][0]["index"] == 100.0 and "assessment" not in doc["rows"][0]

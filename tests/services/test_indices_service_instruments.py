"""Other instruments and legacy data through the index service: SIPAS-2640, ONESTOP-61, re-basing onto today's
units (approximate) and districts as they were; hand-computed figures on SQLite and PostgreSQL alike."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from survey.extensions import db
from survey.services.organisation import agencies
from survey.services.indices.compute import compute_indices
from survey.services.organisation.legacy import import_legacy_csv
from survey.services.responses import record_response
from tests.fixtures.factories import HOME_PROVINCE, commune_codes

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def submit(point: str, instrument: str, answers: dict, when: str = "2026-02-10T09:00:00+07:00",
           channel: str = "paper", **extra) -> None:
    record_response({"id": str(uuid.uuid4()), "instrument": instrument, "service_point": point,
                     "submitted_at": when, "answers": answers, **extra}, channel=channel, now=NOW)


def only_row(doc: dict) -> dict:
    assert len(doc["rows"]) == 1
    return doc["rows"][0]


@pytest.mark.parametrize("source", ["tallies", "responses"])
def test_sipas_2640_index_is_the_mean_of_five_elements(app, make_service_point, source):
    point = make_service_point().code
    # Every element answered in the top box by half of the respondents, except E5 (all satisfied):
    # elements 50, 50, 50, 50, 100 → index 60. OVERALL (sat5, outside the index) is reported as an item.
    items = {"E1": 4, "E2": 5, "E3": 6, "E4": 3}
    for i in range(4):
        answers = {f"{e}.{k}": (5 if i % 2 else 2) for e, n in items.items() for k in range(1, n + 1)}
        answers.update({f"E5.{k}": 4 for k in range(1, 5)} | {"OVERALL": 3})
        submit(point, "SIPAS-2640", answers, when="2021-05-10T09:00:00+07:00")
    db.session.commit()
    row = only_row(compute_indices("SIPAS-2640", "2021", "province", HOME_PROVINCE, min_n=1, source=source).document)
    assert row["index"] == 60.0 and not row["incomplete"] and row["n"] == 4
    assert {c: v["pct"] for c, v in row["components"].items()} == {"E1": 50.0, "E2": 50.0, "E3": 50.0, "E4": 50.0,
                                                                   "E5": 100.0}
    assert row["items"]["OVERALL"] == {"pct": 0.0, "n_valid": 4, "mean": 3.0, "ci_low": 0.0, "ci_high": 48.99}


@pytest.mark.parametrize("source", ["tallies", "responses"])
def test_onestop_index_is_the_mean_total_and_items_the_share_given_full_points(app, make_service_point, source):
    point = make_service_point().code
    # Totals 18, 9 and 12 → mean 13; I1: 2, 1, 2 → two of three gave the full 2 points.
    plans = [[2] * 9, [1] * 9, [2, 2, 2, 2, 2, 2, 0, 0, 0]]
    for n, points in enumerate(plans):
        submit(point, "ONESTOP-61", {f"I{k}": p for k, p in enumerate(points, start=1)},
               dossier=f"000.00.22.H49-250610-{n:04d}")  # received under Decree 61
    db.session.commit()
    row = only_row(compute_indices("ONESTOP-61", "2026-02", "province", HOME_PROVINCE, min_n=1,
                                   source=source).document)
    assert (row["index"], row["n"], row["components"]) == (13.0, 3, {})
    assert row["items"]["I1"]["pct"] == 66.67 and row["items"]["I1"]["mean"] == 1.67
    assert row["items"]["I9"]["pct"] == 33.33 and row["items"]["I9"]["n_valid"] == 3
    # Sample sd of (18, 9, 12) = √21 → SE 2.6458 → 13 ± 5.19.
    assert (row["ci_low"], row["ci_high"]) == (7.81, 18.19)


LEGACY_CSV = """province_code,province_name,district_code,district_name,commune_code,commune_name,successor_codes
22,Tỉnh Quảng Ninh,999,Huyện Thử,99901,Xã Cũ Một,{c1}
22,Tỉnh Quảng Ninh,999,Huyện Thử,99902,Xã Cũ Hai,{c1};{c2}
"""


@pytest.fixture
def legacy_data(app, make_agency):
    """Kiosk ratings from 2025, before the reform, at two legacy communes: one merged into c1, one split."""
    c1, c2 = commune_codes(HOME_PROVINCE, 2)
    import_legacy_csv(LEGACY_CSV.format(c1=c1, c2=c2))
    agency = make_agency(unit=HOME_PROVINCE, kind="commune_committee", name="UBND xã cũ")
    for code, q, n in (("99901", 5, 30), ("99902", 1, 40)):
        point = agencies.add_service_point(f"OLD-{code}", f"Bộ phận một cửa {code}", agency.code, code).code
        for _ in range(n):
            submit(point, "KIOSK-QUICK", {"Q": q}, when="2025-03-15T09:00:00+07:00", channel="kiosk")
    db.session.commit()
    return c1, c2


@pytest.mark.parametrize("source", ["tallies", "responses"])
def test_legacy_communes_are_re_based_through_the_crosswalk_and_labelled_approximate(legacy_data, source):
    c1, c2 = legacy_data
    # c1 gets all of 99901 (30 × 5) and half of 99902 (20 × 1): 30/50 = 60 %; c2 the other half: 0 %.
    doc = compute_indices("KIOSK-QUICK", "2025", "commune", HOME_PROVINCE, min_n=1, source=source).document
    rows = {r["unit_code"]: r for r in doc["rows"]}
    assert doc["approximate"] is True and set(rows) == {c1, c2}
    assert (rows[c1]["n"], rows[c1]["index"], rows[c2]["n"], rows[c2]["index"]) == (50, 60.0, 20, 0.0)
    province = only_row(compute_indices("KIOSK-QUICK", "2025", "province", HOME_PROVINCE, min_n=1,
                                        source=source).document)
    assert (province["unit_code"], province["n"], province["index"]) == (HOME_PROVINCE, 70, 42.86)


def test_legacy_districts_are_shown_as_they_were(legacy_data):
    doc = compute_indices("KIOSK-QUICK", "2025", "district", HOME_PROVINCE, min_n=1).document
    row = only_row(doc)
    assert (row["unit_code"], row["unit_name"], row["level"], row["n"]) == ("999", "Huyện Thử", "district", 70)
    assert doc["approximate"] is False


def test_todays_data_is_not_approximate_and_has_no_districts(legacy_data, make_service_point):
    c1, _ = legacy_data
    submit(make_service_point(unit=c1).code, "KIOSK-QUICK", {"Q": 4}, channel="kiosk")
    db.session.commit()
    assert compute_indices("KIOSK-QUICK", "2026", "commune", HOME_PROVINCE, min_n=1).document["approximate"] is False
    assert compute_indices("KIOSK-QUICK", "2026", "district", HOME_PROVINCE, min_n=1).document["rows"] == []

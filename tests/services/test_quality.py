"""Quality flags end to end (issue 23, methodology §9) on SQLite and PostgreSQL: a kiosk burst is flagged by the
scan and the clean figure equals the figure without it, a straight-lined paper questionnaire is flagged when
stored, the published default counts every response, and the flags survive backup and restore."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from survey.errors import Invalid
from survey.extensions import db
from survey.indices.quality import BURST, CLOSED_HOURS, STRAIGHT_LINE, TOO_FAST
from survey.models import QualitySettings, Response, ServicePoint
from survey.services.access.devices import authenticate_kiosk
from survey.services.access.scope import OPERATOR
from survey.services.indices.compute import compute_indices
from survey.services.quality import settings
from survey.services.quality.scan import scan
from survey.services.responses import record_response

ICT = timezone(timedelta(hours=7))
BURST_START = datetime(2026, 3, 3, 9, 0, tzinfo=ICT)  # a Tuesday, inside the default opening hours
# 40 ordinary ratings: weekdays 2–6 and 9–13 March, four an hour apart from 10:00; 20 × 5, 10 × 4, 10 × 2.
ORDINARY_DAYS = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13]
ORDINARY_CODES = [5, 5, 4, 2]


def kiosk_submit(caller, at: datetime, q: int, started: datetime | None = None, comment: str | None = None) -> int:
    body = {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": at.isoformat(),
            "answers": {"Q": q, **({"R": [1], "COMMENT": comment} if comment else {})}}
    if started is not None:
        body["started_at"] = started.isoformat()
    return record_response(body, device=caller).response_id


@pytest.fixture
def kiosk_data(make_device):
    """One kiosk: 200 top ratings in ten minutes (every 3 s) and 40 ordinary ratings on other days."""
    device, token = make_device()
    caller = authenticate_kiosk(token)
    burst = [kiosk_submit(caller, BURST_START + timedelta(seconds=3 * k), 5) for k in range(200)]
    ordinary = [kiosk_submit(caller, datetime(2026, 3, day, 10 + h, 0, tzinfo=ICT), ORDINARY_CODES[h])
                for day in ORDINARY_DAYS for h in range(4)]
    db.session.commit()
    return device, burst, ordinary


def flags_of(ids) -> set[int]:
    return set(db.session.scalars(select(Response.quality_flags).where(Response.id.in_(ids))))


def province_row(doc: dict) -> dict:
    rows = [r for r in doc["rows"] if r["level"] == "commune"]
    assert len(rows) == 1
    return rows[0]


def test_a_burst_is_flagged_and_the_clean_figure_leaves_it_out(app, kiosk_data):
    _device, burst, ordinary = kiosk_data
    assert flags_of(burst + ordinary) == {0}  # a burst needs the scan: storing compares nothing
    result = scan(OPERATOR, "22")
    db.session.commit()
    assert (result.read, result.changed, result.reasons) == (240, 200, {"burst": 200})
    assert flags_of(burst) == {BURST} and flags_of(ordinary) == {0}

    everything = province_row(compute_indices("KIOSK-QUICK", "2026-03", province="22", min_n=5).document)
    clean = province_row(compute_indices("KIOSK-QUICK", "2026-03", province="22", min_n=5,
                                         quality="clean").document)
    # Hand-computed: all 240 → (200 + 20 + 10) / 240 = 95.83 %; without the burst (20 + 10) / 40 = 75 %.
    assert (everything["n"], everything["index"], everything["flagged"]) == (240, 95.83, 200)
    assert (clean["n"], clean["index"], clean["flagged"]) == (40, 75.0, 200)
    # The figure computed directly without those responses (the raw path, same 40 ratings) is the same.
    db.session.execute(Response.__table__.delete().where(Response.id.in_(burst)))
    without = province_row(compute_indices("KIOSK-QUICK", "2026-03", province="22", min_n=5,
                                           source="responses").document)
    assert (without["n"], without["index"], without["flagged"]) == (40, 75.0, 0)
    db.session.rollback()


def test_the_published_default_counts_every_flagged_response(app, kiosk_data):
    scan(OPERATOR, "22")
    db.session.commit()
    for source in ("tallies", "responses"):
        row = province_row(compute_indices("KIOSK-QUICK", "2026-03", province="22", min_n=5,
                                           source=source).document)
        assert (row["n"], row["flagged"]) == (240, 200)
    doc = compute_indices("KIOSK-QUICK", "2026-03", province="22", min_n=5).document
    assert "quality" not in doc


def test_a_scan_with_a_higher_threshold_clears_the_flags(app, kiosk_data):
    scan(OPERATOR, "22")
    settings.set_thresholds(OPERATOR, "22", {"burst_count": "250"})
    result = scan(OPERATOR, "22")
    assert (result.changed, result.reasons) == (200, {})


def test_a_straight_lined_paper_questionnaire_is_flagged_when_stored(app, make_service_point):
    point = make_service_point().code
    items = [f"A2.{f}.{i}" for f, n in ((1, 4), (2, 4), (3, 5)) for i in range(1, n + 1)]  # 13 items
    def paper(answers: dict) -> int:
        return record_response({"id": str(uuid.uuid4()), "instrument": "SIPAS-1001", "version": 1,
                                "service_point": point, "submitted_at": "2026-03-03T00:00:00+07:00",
                                "answers": {"X.4": 1, "X.5": 0, "P.1": 2, **answers}}, channel="paper").response_id
    lined = paper(dict.fromkeys(items, 4))
    varied = paper({**dict.fromkeys(items, 4), "A2.3.5": 5})
    short = paper(dict.fromkeys(items[:9], 4))  # nine items: too few to call it straight-lining
    db.session.commit()
    assert [flags_of([i]) for i in (lined, varied, short)] == [{STRAIGHT_LINE}, {0}, {0}]
    # Paper has no clock: local midnight is not "closed hours"; the scan recomputes the same from packed codes.
    assert scan(OPERATOR, "22").changed == 0


def test_closed_hours_and_too_fast_are_flagged_when_stored(app, make_device):
    device, token = make_device()
    caller = authenticate_kiosk(token)
    night = datetime(2026, 3, 3, 21, 0, tzinfo=ICT)
    late = kiosk_submit(caller, night, 4)
    hasty = kiosk_submit(caller, BURST_START, 4, started=BURST_START - timedelta(milliseconds=300))
    calm = kiosk_submit(caller, BURST_START, 4, started=BURST_START - timedelta(seconds=5))
    db.session.commit()
    assert [flags_of([i]) for i in (late, hasty, calm)] == [{CLOSED_HOURS}, {TOO_FAST}, {0}]
    code = db.session.get(ServicePoint, device.service_point_id).code
    settings.set_opening_hours(OPERATOR, code, "mon-sun 06:00-22:00")
    db.session.commit()
    assert scan(OPERATOR, "22").reasons == {"too_fast": 1}  # too fast is kept: the start time is not stored


def test_a_start_after_the_submission_is_refused_naming_the_field(app, make_device):
    _device, token = make_device()
    with pytest.raises(Invalid) as caught:
        kiosk_submit(authenticate_kiosk(token), BURST_START, 4, started=BURST_START + timedelta(seconds=1))
    assert [e["field"] for e in caught.value.errors] == ["started_at"]


def test_repeated_comments_are_flagged_by_the_scan(app, make_device):
    _device, token = make_device()
    caller = authenticate_kiosk(token)
    same = [kiosk_submit(caller, BURST_START + timedelta(hours=h), 1, comment=text)
            for h, text in enumerate(["Nhân viên tệ", "nhân viên tệ!", "Nhân viên  tệ"])]
    other = kiosk_submit(caller, BURST_START + timedelta(hours=4), 1, comment="Chờ lâu")
    scan(OPERATOR, "22")
    assert flags_of(same) == {16} and flags_of([other]) == {0}


def test_bad_thresholds_are_refused_naming_each_field(app):
    with pytest.raises(Invalid) as caught:
        settings.set_thresholds(OPERATOR, "22", {"burst_count": "0", "default_hours": "always", "colour": 1})
    assert sorted(e["field"] for e in caught.value.errors) == ["burst_count", "colour", "default_hours"]
    assert db.session.scalar(select(QualitySettings)) is None


def test_quality_must_be_all_or_clean(app):
    with pytest.raises(Invalid) as caught:
        compute_indices("KIOSK-QUICK", "2026-03", province="22", quality="tidy")
    assert caught.value.errors[0]["field"] == "quality"


def test_flags_survive_backup_and_restore(app, runner, tmp_path, empty_database, kiosk_data):
    scan(OPERATOR, "22")
    settings.set_thresholds(OPERATOR, "22", {"comment_repeats": "5"})
    db.session.commit()
    before = sorted(db.session.execute(select(Response.client_id, Response.quality_flags)).all())
    path = tmp_path / "survey.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    target = empty_database("sqlite" if db.engine.dialect.name == "postgresql" else "postgresql")
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        after = sorted(db.session.execute(select(Response.client_id, Response.quality_flags)).all())
        assert db.session.scalar(select(QualitySettings.comment_repeats)) == 5
        clean = province_row(compute_indices("KIOSK-QUICK", "2026-03", province="22", min_n=5,
                                             quality="clean").document)
        db.session.remove()
    assert after == before and sum(1 for _, f in after if f == BURST) == 200
    assert (clean["n"], clean["index"]) == (40, 75.0)

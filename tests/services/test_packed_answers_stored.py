"""Every way a response is stored packs its answers: the submission path, the demo bulk loader and migration 0006
all write `responses.answer_codes` equal to packing its answer rows (SQLite and PostgreSQL)."""
from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import select, text

from survey.extensions import db
from survey.models import Answer, Response
from survey.services.indices.packed_answers import layout, pack
from survey.services.responses import record_response

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def assert_packed_as_answers() -> int:
    """Compare every response's stored blob with its answer rows packed afresh; how many responses were checked."""
    answers = defaultdict(list)
    for response_id, item_id, code in db.session.execute(select(Answer.response_id, Answer.item_id, Answer.code)):
        answers[response_id].append((item_id, code))
    slots = {}
    rows = db.session.execute(select(Response.id, Response.instrument_version_id, Response.answer_codes)).all()
    for response_id, version_id, stored in rows:
        if version_id not in slots:
            slots[version_id] = {item: slot for slot, item in enumerate(layout(version_id))}
        assert bytes(stored) == pack(slots[version_id], answers[response_id]), response_id
    return len(rows)


def test_submissions_store_their_answers_packed(app, make_service_point):
    point = make_service_point().code
    kiosk = [{"Q": 2, "R": [1, 3, 7], "COMMENT": "Chờ lâu"}, {"Q": 5}, {"Q": 1, "R": [2]}]
    for answers in kiosk:
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "service_point": point,
                         "submitted_at": "2026-05-02T08:00:00+07:00", "answers": answers}, channel="paper", now=NOW)
    record_response({"id": str(uuid.uuid4()), "instrument": "SIPAS-1001", "service_point": point,
                     "submitted_at": "2026-05-02T09:00:00+07:00", "respondent": {"sex": 2, "age_band": 3},
                     "answers": {"X.4": 1, "X.5": 0, "A2.1.1": 5, "A2.1.2": 9, "P.1": 2}}, channel="paper", now=NOW)
    db.session.commit()
    assert assert_packed_as_answers() == 4
    multi = db.session.scalars(select(Response.answer_codes).order_by(Response.id)).first()
    assert any(bytes(multi)[i:i + 2] == (0b10001010).to_bytes(2, "little") for i in range(0, len(multi), 2))


def test_the_demo_loader_packs_what_it_generates(app):
    from survey.services.operations.demo import build_organisation, generate_responses

    build_organisation("22")
    generate_responses("22", 800, seed=4, end=datetime(2026, 6, 1))
    db.session.commit()
    assert assert_packed_as_answers() == 800


def test_migration_0006_packs_the_answers_already_stored(tmp_path):
    from flask_migrate import upgrade

    from survey.app import create_app
    from survey.services.organisation.units import load_current_units

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'v5.db'}", "TESTING": True})
    with app.app_context():
        upgrade(revision="0005")
        load_current_units("22")
        # Plain SQL: today's models have columns (instruments.legal_basis, 0008) that revision 0005 lacks.
        db.session.execute(text("INSERT INTO instruments (id, code, name_vi, name_en, kind, official) "
                                "VALUES (1, 'KIOSK-QUICK', 'K', 'K', 'kiosk', :t)"), {"t": True})
        db.session.execute(text(
            "INSERT INTO instrument_versions (id, instrument_id, version, status, method_version, definition, "
            "definition_hash, created_at) VALUES (1, 1, 1, 'published', 'sipas-default-1', '{}', 'h', "
            "'2026-01-01')"))
        for item_id, code, kind in ((1, "Q", "sat5"), (2, "R", "multi"), (3, "COMMENT", "text")):
            db.session.execute(text(
                "INSERT INTO instrument_items (id, version_id, code, section_code, type, text_vi, text_en, weight, "
                "position) VALUES (:i, 1, :c, 'S', :k, :c, :c, 1.0, :i)"), {"i": item_id, "c": code, "k": kind})
        db.session.commit()
        version, q, r = 1, 1, 2
        unit = db.session.scalar(text("SELECT id FROM units WHERE code = '22' AND vintage = '2025'"))
        db.session.execute(text("INSERT INTO agencies (id, code, name, search_name, kind, unit_id) "
                                "VALUES (1, 'A', 'A', 'a', 'centre', :u)"), {"u": unit})
        db.session.execute(text("INSERT INTO service_points (id, code, name, search_name, kind, agency_id, unit_id, "
                                "public_key) VALUES (1, 'SP', 'SP', 'sp', 'counter', 1, :u, 'k')"), {"u": unit})
        for rid in (1, 2, 3):
            db.session.execute(text(
                "INSERT INTO responses (id, client_id, content_hash, instrument_version_id, service_point_id, "
                "unit_id, agency_id, channel, submitted_at, local_date, received_at) VALUES (:id, :c, 'h', :v, 1, "
                ":u, 1, 'kiosk', '2026-05-02 01:00:00', '2026-05-02', '2026-05-02 01:00:00')"),
                {"id": rid, "c": str(uuid.uuid4()), "v": version, "u": unit})
        rows = [(1, q, 2), (1, r, 1), (1, r, 4), (2, q, 5)]  # response 3 has no answers at all
        db.session.execute(text("INSERT INTO answers (response_id, item_id, code) VALUES (:r, :i, :c)"),
                           [{"r": a, "i": b, "c": c} for a, b, c in rows])
        db.session.commit()
        upgrade()
        assert assert_packed_as_answers() == 3
        db.engine.dispose()

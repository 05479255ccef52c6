"""A demo sample-survey campaign (methodology §7): a village frame for every commune, a drawn campaign, and its
fieldwork done — about 85% completed, the rest refused, not reached or ineligible — then closed, so a newcomer
sees progress, response rates and design-based estimates. Bulk writes: it runs in scripts/run."""
from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime, timedelta, timezone

import numpy as np
from sqlalchemy import insert, select, update

from survey.extensions import db
from survey.models import Campaign, FrameVillage, Questionnaire, Unit
from survey.models.base import utcnow
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import manage
from survey.services.operations.demo.responses import _Block, _packed, _sipas_answers, _write_answers
from survey.services.organisation.units import get_unit
from survey.services.storage.sql import bulk_insert, next_id, sync_sequence

VILLAGES_PER_COMMUNE, PEOPLE_PER_VILLAGE = 2, 20  # about 34 completed per commune: most communes above min n
OUTCOMES = ("completed", "refused", "not_reached", "ineligible")
OUTCOME_P = (0.85, 0.07, 0.05, 0.03)  # 15% non-response; RR1 = 0.85 / 0.97 ≈ 88%
CHANNELS = ("paper", "interview", "online")  # the postal packs, interviewers' tablets, personal links
CHANNEL_P = (0.5, 0.3, 0.2)
VILLAGE_NAMES = ("Đồng Tâm", "Tân Lập", "Thống Nhất", "Quyết Tiến", "Đoàn Kết", "Hòa Bình", "Tiền Phong",
                 "Bình Minh", "Hợp Thành", "Khe Lương", "Bắc Phong", "Hải Yến", "Trung Tâm", "Cẩm Hưng")
COLUMNS = ("id", "client_id", "content_hash", "instrument_version_id", "unit_id", "campaign_id", "channel",
           "submitted_at", "local_date", "received_at", "sex", "age_band", "ethnicity", "education", "occupation",
           "area", "answer_codes")


def demo_campaign_code(province_code: str, today: date) -> str:
    """The demo campaign's code: one per province and year."""
    return f"DEMO-{province_code}-{today.year}"


def build_demo_campaign(province_code: str, seed: int = 0, today: date | None = None) -> dict | None:
    """Create (once) the frame, the campaign, its draw and its outcomes; None when it exists already."""
    today = today or datetime.now(timezone.utc).date()
    code = demo_campaign_code(province_code, today)
    if db.session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
        return None
    rng = np.random.default_rng([seed, 18])
    province = get_unit(province_code)
    _frame(province, rng)
    start, end = today - timedelta(days=60), today - timedelta(days=25)
    manage.create_campaign(OPERATOR, code, province_code, "SIPAS-1001", None, start, end, VILLAGES_PER_COMMUNE,
                           PEOPLE_PER_VILLAGE, None, seed + 2026)
    drawn = manage.draw(OPERATOR, code)
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    questionnaires = db.session.execute(select(Questionnaire.id, Questionnaire.village_id).where(
        Questionnaire.campaign_id == campaign.id).order_by(Questionnaire.id)).all()
    outcome = rng.choice(len(OUTCOMES), size=len(questionnaires), p=OUTCOME_P)
    done = [q for q, o in zip(questionnaires, outcome) if o == 0]
    response_of = dict(zip((q.id for q in done), _responses(campaign, done, rng, start, end).tolist()))
    now = utcnow()
    db.session.execute(update(Questionnaire), [
        {"id": q.id, "status": OUTCOMES[o], "outcome_at": now, "response_id": response_of.get(q.id)}
        for q, o in zip(questionnaires, outcome)])
    campaign.status = "closed"  # the fieldwork is over: the page shows the final response rates
    db.session.flush()
    eligible = len(questionnaires) - int((outcome == 3).sum())
    return {"code": code, **drawn, "completed": len(done),
            "response_rate": 100.0 * len(done) / eligible if eligible else None}


def _frame(province: Unit, rng) -> None:
    """Five to nine villages (thôn) or residential groups (tổ dân phố) per commune, unless a frame exists."""
    if db.session.scalar(select(FrameVillage.id).where(FrameVillage.province_id == province.id).limit(1)):
        return
    communes = db.session.execute(select(Unit.id, Unit.code, Unit.name).where(
        Unit.parent_id == province.id, Unit.level == "commune").order_by(Unit.code)).all()
    rows = []
    for commune_id, commune_code, name in communes:
        urban = name.startswith("Phường")
        for k in range(int(rng.integers(5, 10))):
            label = f"Tổ dân phố {k + 1}" if urban else f"Thôn {VILLAGE_NAMES[(k + len(rows)) % len(VILLAGE_NAMES)]}"
            rows.append({"province_id": province.id, "commune_id": commune_id, "code": f"{commune_code}-{k + 1:02d}",
                         "name": label, "population": int(max(150, rng.lognormal(7.0, 0.5)))})
    db.session.execute(insert(FrameVillage), rows)


def _responses(campaign: Campaign, done: list, rng, start: date, end: date) -> np.ndarray:
    """Insert the completed questionnaires' responses and answers in bulk (never tallied: campaign responses
    stay out of the kiosk/online figures); returns their ids in the order of `done`."""
    block = _Block("SIPAS-1001")
    if not done or block.version is None or block.version.id != campaign.instrument_version_id:
        raise ValueError("the demo campaign needs SIPAS-1001's published version loaded")
    village_ids = sorted({q.village_id for q in done})
    commune_of = dict(db.session.execute(select(FrameVillage.id, FrameVillage.commune_id)
                                         .where(FrameVillage.id.in_(village_ids))).all())
    communes = sorted(set(commune_of.values()))
    commune_effect = dict(zip(communes, rng.normal(0, 0.25, len(communes))))
    village_effect = dict(zip(village_ids, rng.normal(0, 0.15, len(village_ids))))
    size = len(done)
    first = next_id("responses")
    ids = np.arange(first, first + size)
    units = np.array([commune_of[q.village_id] for q in done])
    latent = 4.6 + np.array([commune_effect[commune_of[q.village_id]] + village_effect[q.village_id] for q in done])
    latent += rng.normal(0, 0.45, size)
    parts = _sipas_answers(block, ids, latent, np.full(size, 3), rng)  # the whole questionnaire, A1 included
    packed = _packed(ids, np.full(size, block.version.id), parts, {"SIPAS-1001": block})
    days = int((end - start).days) + 1
    local = [start + timedelta(days=int(d)) for d in rng.integers(0, days, size)]
    submitted = [datetime(d.year, d.month, d.day, 2, 0) + timedelta(minutes=int(m))
                 for d, m in zip(local, rng.integers(0, 600, size))]  # 09:00–19:00 in Viet Nam, stored as UTC
    client = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(size)]
    profile = [rng.choice(values, size).tolist() for values in ((1, 2), (1, 2, 3, 4, 5), (1, 1, 1, 1, 2),
                                                                (1, 2, 3, 4, 5, 6), (1, 2, 3, 4, 5, 6, 7), (1, 2))]
    channel = np.array(CHANNELS)[rng.choice(len(CHANNELS), size, p=CHANNEL_P)].tolist()
    stamp = "%Y-%m-%d %H:%M:%S.000000"
    rows = zip(ids.tolist(), client, [hashlib.sha256(c.encode()).hexdigest() for c in client],
               [block.version.id] * size, units.tolist(), [campaign.id] * size, channel,
               [s.strftime(stamp) for s in submitted], [d.isoformat() for d in local],
               [(s + timedelta(hours=1)).strftime(stamp) for s in submitted], *profile, packed)
    bulk_insert("responses", COLUMNS, rows)
    _write_answers(parts)
    sync_sequence("responses")
    return ids

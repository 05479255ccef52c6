"""Create a campaign, draw its sample, list its questionnaires and record fieldwork outcomes."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import date

from flask import current_app
from sqlalchemy import insert, select

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import Campaign, FrameVillage, Questionnaire, Unit
from survey.sampling import base_weights
from survey.sampling.pps import person_probability, stratum_rng, systematic_pps
from survey.services.access import audit
from survey.services.access.scope import Scope, check_unit, require
from survey.services.access.secrets import digest
from survey.services.campaigns.frame import province_communes
from survey.services.instruments.versions import current_version, sees_instrument
from survey.services.organisation.units import get_unit
from survey.models.base import utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper
NON_RESPONSE = ("refused", "not_reached", "ineligible")
# Status: draft --draw--> drawn --first outcome or completion--> fieldwork --close--> closed. A drawn campaign is
# already collecting (its packs are out); closing is the only way to stop collection, and it is final.
COLLECTING = ("drawn", "fieldwork")


def _bad(field: str, code: str, message: str) -> Invalid:
    return Invalid([{"field": field, "code": code, "message": message}], message)


def create_campaign(scope: Scope, code: str, province: str, instrument: str, version: int | None, start: date,
                    end: date, villages_per_commune: int, people_per_village: int,
                    communes: list[str] | None = None, seed: int | None = None, actor: str = "operator") -> Campaign:
    """A draft campaign; communes must be communes of the province (None: every commune with a frame)."""
    require(scope, "campaigns.manage")
    unit = check_unit(scope, get_unit(province), province)
    if not code or len(code) > 40:
        raise _bad("code", "bad_code", "code: 1–40 characters")
    if db.session.scalar(select(Campaign.id).where(Campaign.code == code)) is not None:
        raise Conflict("campaign_exists", f"Campaign {code} exists already", campaign=code)
    if end < start:
        raise _bad("to", "bad_dates", "the fieldwork ends before it starts")
    if villages_per_commune < 1 or people_per_village < 1:
        raise _bad("villages_per_commune", "bad_design", "villages per commune and people per village must be ≥ 1")
    if communes:
        known = province_communes(unit)
        unknown = [c for c in communes if c not in known]
        if unknown:
            raise _bad("communes", "unknown_commune", f"not communes of {province}: {', '.join(unknown)}")
    stored = _campaign_version(scope, unit, instrument, version)
    campaign = Campaign(code=code, province_id=unit.id, instrument_version_id=stored.id, fieldwork_from=start,
                        fieldwork_to=end, villages_per_commune=villages_per_commune,
                        people_per_village=people_per_village, communes=sorted(communes) if communes else None,
                        seed=seed if seed is not None else secrets.randbelow(2 ** 31), status="draft")
    db.session.add(campaign)
    db.session.flush()
    audit.record(actor, "campaign.create", code, province=unit.code, instrument=f"{instrument} v{stored.version}",
                 seed=campaign.seed)
    return campaign


def _campaign_version(scope: Scope, province: Unit, instrument: str, version: int | None):
    """The published version a campaign uses: an official instrument or the campaign province's own one."""
    stored = current_version(instrument, version)
    owner = stored.instrument.owner_unit_id
    if not sees_instrument(scope, stored.instrument):  # another province's: as unknown as to its API
        raise NotFound("unknown_instrument", f"Unknown instrument {instrument}", instrument=instrument)
    if not stored.instrument.official and owner != province.id:
        raise _bad("instrument", "not_this_province",
                   f"{instrument} is another province's own questionnaire: a campaign of {province.code} uses an "
                   "official questionnaire or the province's own")
    if stored.status != "published":
        raise _bad("version", "not_published", f"{instrument} version {stored.version} is not published")
    return stored


def get_campaign(scope: Scope, code: str, action: str = "campaigns.manage") -> Campaign:
    """A campaign of a province the caller manages (or, for results, sees a commune of)."""
    require(scope, action)
    campaign = db.session.scalar(select(Campaign).where(Campaign.code == code))
    if campaign is None or not _visible(scope, campaign, action):
        raise NotFound("unknown_campaign", f"Unknown campaign {code}", campaign=code)
    return campaign


def _visible(scope: Scope, campaign: Campaign, action: str) -> bool:
    if scope.unit_ids is None and scope.agency_ids is None:
        return True
    if scope.unit_ids is None:
        return False  # an agency-scoped account has no communes (fail closed)
    if campaign.province_id in scope.unit_ids:
        return True
    if action == "campaigns.manage":
        return False
    communes = db.session.scalars(select(Unit.id).where(Unit.parent_id == campaign.province_id))
    return any(c in scope.unit_ids for c in communes)


def questionnaire_token(code: str) -> str:
    """The one-time personal link's token: derived from the code with the app's secret, so lists and packs can
    print it again while only its hash is stored."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    raw = hmac.new(key, f"campaign-questionnaire:{code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw[:18]).decode()


def personal_link(code: str) -> str:
    """The personal link printed on the questionnaire and its QR code."""
    base = str(current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000")).rstrip("/")
    return f"{base}/c/{questionnaire_token(code)}"


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code not in taken:
            taken.add(code)
            return code


def draw(scope: Scope, code: str, actor: str = "operator") -> dict[str, int]:
    """Select villages by systematic PPS per commune and issue the questionnaires; a second draw is refused."""
    campaign = get_campaign(scope, code)
    if campaign.status != "draft":
        raise Conflict("already_drawn", f"Campaign {code} has been drawn already ({campaign.status})", campaign=code)
    villages = db.session.scalars(select(FrameVillage).where(FrameVillage.province_id == campaign.province_id)
                                  .order_by(FrameVillage.code)).all()
    commune_code = {u.id: u.code for u in db.session.scalars(select(Unit).where(
        Unit.id.in_({v.commune_id for v in villages})))}
    by_commune: dict[str, list[FrameVillage]] = {}
    for village in villages:
        by_commune.setdefault(commune_code[village.commune_id], []).append(village)
    wanted = campaign.communes or sorted(by_commune)
    empty = [c for c in wanted if c not in by_commune]
    if not by_commune or empty:
        raise _bad("communes", "no_frame", f"no villages in the frame for: {', '.join(empty) or 'the province'}")
    taken = set(db.session.scalars(select(Questionnaire.code)))
    villages_drawn, rows = 0, []
    for commune in sorted(wanted):
        frame = by_commune[commune]  # sorted by village code
        selected, pi = systematic_pps([v.population for v in frame], campaign.villages_per_commune,
                                      stratum_rng(campaign.seed, commune))
        for village, chosen, p_v in zip(frame, selected, pi):
            if not chosen:
                continue
            villages_drawn += 1
            p_k = person_probability(campaign.people_per_village, village.population)
            for _ in range(min(campaign.people_per_village, village.population)):
                q = _new_code(taken)
                rows.append({"campaign_id": campaign.id, "village_id": village.id, "code": q,
                             "token_hash": digest(questionnaire_token(q)), "village_probability": float(p_v),
                             "person_probability": p_k, "status": "issued",
                             "base_weight": float(base_weights(p_v, p_k))})
    if rows:  # one executemany: the Ministry's size is tens of thousands of questionnaires
        db.session.execute(insert(Questionnaire), rows)
    campaign.status, campaign.drawn_at = "drawn", utcnow()
    db.session.flush()
    done = {"communes": len(wanted), "villages": villages_drawn, "questionnaires": len(rows)}
    audit.record(actor, "campaign.draw", code, **done)
    return done


def questionnaire_rows(scope: Scope, code: str) -> list[dict]:
    """Every questionnaire with its commune, village, probabilities, status and personal link."""
    campaign = get_campaign(scope, code)
    rows = db.session.execute(
        select(Questionnaire.code, Unit.code, FrameVillage.code, Questionnaire.village_probability,
               Questionnaire.person_probability, Questionnaire.status)
        .join(FrameVillage, FrameVillage.id == Questionnaire.village_id).join(Unit, Unit.id == FrameVillage.commune_id)
        .where(Questionnaire.campaign_id == campaign.id).order_by(Unit.code, FrameVillage.code, Questionnaire.id))
    return [{"questionnaire": q, "commune_code": c, "village_code": v, "village_probability": pv,
             "person_probability": pk, "status": s, "link": personal_link(q)} for q, c, v, pv, pk, s in rows]


def find_questionnaire(campaign: Campaign, code: str) -> Questionnaire:
    """A questionnaire of the campaign by its printed code (case-insensitive)."""
    q = db.session.scalar(select(Questionnaire).where(Questionnaire.campaign_id == campaign.id,
                                                      Questionnaire.code == code.strip().upper()))
    if q is None:
        raise NotFound("unknown_questionnaire", f"Unknown questionnaire {code}", questionnaire=code)
    return q


def record_outcome(scope: Scope, code: str, questionnaire: str, status: str) -> Questionnaire:
    """Record a non-response outcome; a completed questionnaire keeps its answers and cannot be overwritten."""
    campaign = get_campaign(scope, code)
    if status not in NON_RESPONSE:
        raise _bad("status", "bad_status", f"status must be one of {', '.join(NON_RESPONSE)}")
    require_collecting(campaign)
    q = find_questionnaire(campaign, questionnaire)
    if q.status == "completed":
        raise Conflict("questionnaire_completed", f"Questionnaire {q.code} is completed", questionnaire=q.code)
    q.status, q.outcome_at = status, utcnow()
    campaign.status = "fieldwork"
    db.session.flush()
    return q


def require_collecting(campaign: Campaign) -> None:
    """Conflict (409) unless the campaign takes answers and outcomes: drawn or in fieldwork."""
    if campaign.status == "closed":
        raise Conflict("campaign_closed", f"Campaign {campaign.code} is closed: it takes no more answers or "
                       "outcomes", campaign=campaign.code)
    if campaign.status not in COLLECTING:
        raise Conflict("not_drawn", f"Campaign {campaign.code} has not been drawn yet", campaign=campaign.code)


def close_campaign(scope: Scope, code: str, actor: str = "operator") -> Campaign:
    """End the fieldwork for good: drawn or in fieldwork → closed. Questionnaires still out stay `issued` (they
    count as non-respondents in RR1); estimates stay available. The final (non-response-adjusted) weights are
    stored on the completed questionnaires, and the act is audited."""
    from survey.services.campaigns.estimates import compute_weights  # estimates imports this module

    campaign = get_campaign(scope, code)
    if campaign.status == "closed":
        raise Conflict("campaign_closed", f"Campaign {code} is closed already", campaign=code)
    if campaign.status not in COLLECTING:
        raise Conflict("not_drawn", f"Campaign {code} has not been drawn: there is no fieldwork to close",
                       campaign=code)
    before = campaign.status
    campaign.status = "closed"
    db.session.flush()
    done = compute_weights(campaign.id)  # the outcomes are final now, and so are these weights
    audit.record(actor, "campaign.close", code, status_before=before, completed=len(done))
    return campaign

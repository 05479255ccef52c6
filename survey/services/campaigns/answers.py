"""A campaign questionnaire completed once: its answers stored as a response without a service point."""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.models import Answer, FrameVillage, Item, Response
from survey.models.base import utcnow
from survey.models.responses import CHANNELS, PROFILE_FIELDS
from survey.services.access.scope import OPERATOR, Scope
from survey.services.campaigns.manage import find_questionnaire, get_campaign
from survey.services.indices.packed_answers import layout, pack

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _bad(field: str, code: str, message: str) -> Invalid:
    return Invalid([{"field": field, "code": code, "message": message}], message)


def complete_questionnaire(campaign_code: str, questionnaire: str, answers: dict, respondent: dict | None = None,
                           channel: str = "interview", submitted_at: datetime | None = None,
                           client_id: str | None = None, scope: Scope = OPERATOR) -> tuple[Response, bool]:
    """Store the answers of one questionnaire; (response, created). The same answers again give the stored
    response (created False); different answers to a completed questionnaire are a Conflict (409); a date
    outside the fieldwork is Invalid (422). Answers: item code → code (int) or list of codes."""
    campaign = get_campaign(scope, campaign_code, "responses.enter" if scope is not OPERATOR else "campaigns.manage")
    if campaign.status not in ("drawn", "fieldwork"):
        raise _bad("campaign", "not_in_fieldwork", f"campaign {campaign.code} is {campaign.status}")
    if channel not in CHANNELS:
        raise _bad("channel", "bad_channel", f"channel must be one of {', '.join(CHANNELS)}")
    moment = (submitted_at or datetime.now(timezone.utc))
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(LOCAL_TZ).date()
    if not campaign.fieldwork_from <= local <= campaign.fieldwork_to:
        raise _bad("submitted_at", "outside_fieldwork",
                   f"{local} is outside the fieldwork ({campaign.fieldwork_from} – {campaign.fieldwork_to})")
    q = find_questionnaire(campaign, questionnaire)
    items = {i.code: i for i in db.session.scalars(select(Item).where(
        Item.version_id == campaign.instrument_version_id))}
    pairs, errors = _answer_pairs(answers, items)
    profile = {k: v for k, v in (respondent or {}).items() if v is not None}
    for key, value in profile.items():
        if key not in PROFILE_FIELDS or isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 100:
            errors.append({"field": f"respondent.{key}", "code": "bad_profile", "message": "a known profile code"})
    if errors:
        raise Invalid(errors, "The answers are not valid")
    content = hashlib.sha256(json.dumps({"q": q.code, "a": sorted(pairs), "r": sorted(profile.items())},
                                        sort_keys=True).encode()).hexdigest()
    if q.status == "completed":
        stored = db.session.get(Response, q.response_id)
        if stored is not None and stored.content_hash == content:
            return stored, False
        raise Conflict("questionnaire_completed", f"Questionnaire {q.code} was completed already",
                       questionnaire=q.code)
    village = db.session.get(FrameVillage, q.village_id)
    ids = [(items[c].id, code) for c, code in pairs]
    positions = {item_id: n for n, item_id in enumerate(layout(campaign.instrument_version_id))}
    response = Response(client_id=client_id or str(uuid.uuid4()), content_hash=content,
                        instrument_version_id=campaign.instrument_version_id, unit_id=village.commune_id,
                        campaign_id=campaign.id, channel=channel,
                        submitted_at=moment.astimezone(timezone.utc).replace(tzinfo=None), local_date=local,
                        received_at=utcnow(), answer_codes=pack(positions, ids), **profile)
    response.answers = [Answer(item_id=i, code=c) for i, c in ids]
    db.session.add(response)
    db.session.flush()
    q.status, q.response_id, q.outcome_at = "completed", response.id, utcnow()
    campaign.status = "fieldwork"
    db.session.flush()
    return response, True


def _answer_pairs(answers: dict, items: dict) -> tuple[list[tuple[str, int]], list[dict]]:
    """(item code, code) pairs and the errors of unknown items or codes outside 0–99."""
    pairs, errors = [], []
    if not isinstance(answers, dict):
        return [], [{"field": "answers", "code": "bad_answers", "message": "an object of item code → code"}]
    for code, value in answers.items():
        values = value if isinstance(value, list) else [value]
        if code not in items:
            errors.append({"field": f"answers.{code}", "code": "unknown_item", "message": "not an item of the form"})
            continue
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 99:
                errors.append({"field": f"answers.{code}", "code": "bad_code", "message": "a code 0–99"})
            else:
                pairs.append((code, v))
    return sorted(set(pairs)), errors

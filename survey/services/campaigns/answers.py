"""A campaign questionnaire completed once: its answers stored as a response without a service point."""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from survey.errors import Conflict, Invalid
from survey.extensions import db
from survey.instruments.types import REGISTRY, AnswerError
from survey.models import Answer, Campaign, FrameVillage, InstrumentVersion, Item, Questionnaire, Response
from survey.models.base import utcnow
from survey.models.responses import CHANNELS, PROFILE_FIELDS
from survey.services.access.scope import OPERATOR, Scope
from survey.services.campaigns.manage import find_questionnaire, get_campaign, require_collecting
from survey.services.indices.packed_answers import layout, pack
from survey.services.responses.catalog import Version, load_version

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _bad(field: str, code: str, message: str) -> Invalid:
    return Invalid([{"field": field, "code": code, "message": message}], message)


@dataclass
class Completion:
    """A checked completion, not yet stored: everything `store_completion` writes."""

    campaign: Campaign
    questionnaire: Questionnaire
    pairs: list[tuple[str, int]]
    item_ids: dict[str, int]
    profile: dict
    content: str
    channel: str
    moment: datetime
    local: date
    client_id: str | None


def complete_questionnaire(campaign_code: str, questionnaire: str, answers: dict, respondent: dict | None = None,
                           channel: str = "interview", submitted_at: datetime | None = None,
                           client_id: str | None = None, scope: Scope = OPERATOR) -> tuple[Response, bool]:
    """Store the answers of one questionnaire; (response, created). The same answers again give the stored
    response (created False); different answers to a completed questionnaire are a Conflict (409); a date
    outside the fieldwork is Invalid (422). Answers: item code → code (int) or list of codes."""
    return store_completion(prepare_completion(campaign_code, questionnaire, answers, respondent, channel,
                                               submitted_at, client_id, scope))


def local_day(moment: datetime | None = None) -> date:
    """The province's calendar day of a moment (now when None); a naive moment is UTC."""
    moment = moment or datetime.now(timezone.utc)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ).date()


def in_fieldwork(campaign: Campaign, day: date | None = None) -> bool:
    """Whether a day (today when None) lies within the campaign's fieldwork dates."""
    return campaign.fieldwork_from <= (day or local_day()) <= campaign.fieldwork_to


def prepare_completion(campaign_code: str, questionnaire: str, answers: dict, respondent: dict | None = None,
                       channel: str = "interview", submitted_at: datetime | None = None,
                       client_id: str | None = None, scope: Scope = OPERATOR) -> Completion:
    """Check one completion without writing (a CSV import checks every row before it stores any)."""
    campaign = get_campaign(scope, campaign_code, "responses.enter" if scope is not OPERATOR else "campaigns.manage")
    require_collecting(campaign)  # a closed (or undrawn) campaign: Conflict, nothing written
    if channel not in CHANNELS:
        raise _bad("channel", "bad_channel", f"channel must be one of {', '.join(CHANNELS)}")
    moment = submitted_at or datetime.now(timezone.utc)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    local = local_day(moment)
    if not in_fieldwork(campaign, local):
        raise _bad("submitted_at", "outside_fieldwork",
                   f"{local} is outside the fieldwork ({campaign.fieldwork_from} – {campaign.fieldwork_to})")
    q = find_questionnaire(campaign, questionnaire)
    items = {i.code: i for i in db.session.scalars(select(Item).where(
        Item.version_id == campaign.instrument_version_id))}
    pairs, errors = _answer_pairs(answers, items, campaign_version(campaign).definition)
    if not pairs and not errors:  # a blank page is not a completed questionnaire
        errors.append({"field": "answers", "code": "empty", "message": "at least one answer"})
    profile = {k: v for k, v in (respondent or {}).items() if v is not None}
    for key, value in profile.items():
        if key not in PROFILE_FIELDS or isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 100:
            errors.append({"field": f"respondent.{key}", "code": "bad_profile", "message": "a known profile code"})
    if errors:
        raise Invalid(errors, "The answers are not valid")
    content = hashlib.sha256(json.dumps({"q": q.code, "a": sorted(pairs), "r": sorted(profile.items())},
                                        sort_keys=True).encode()).hexdigest()
    return Completion(campaign, q, pairs, {c: items[c].id for c, _ in pairs}, profile, content, channel, moment,
                      local, client_id)


def store_completion(c: Completion) -> tuple[Response, bool]:
    """Write a checked completion once: (response, created); a different second completion is a Conflict."""
    q, campaign = c.questionnaire, c.campaign
    if q.status == "completed":
        stored = db.session.get(Response, q.response_id)
        if stored is not None and stored.content_hash == c.content:
            return stored, False
        raise Conflict("questionnaire_completed", f"Questionnaire {q.code} was completed already",
                       questionnaire=q.code)
    village = db.session.get(FrameVillage, q.village_id)
    ids = [(c.item_ids[code], value) for code, value in c.pairs]
    positions = {item_id: n for n, item_id in enumerate(layout(campaign.instrument_version_id))}
    response = Response(client_id=c.client_id or str(uuid.uuid4()), content_hash=c.content,
                        instrument_version_id=campaign.instrument_version_id, unit_id=village.commune_id,
                        campaign_id=campaign.id, channel=c.channel,
                        submitted_at=c.moment.astimezone(timezone.utc).replace(tzinfo=None), local_date=c.local,
                        received_at=utcnow(), answer_codes=pack(positions, ids), **c.profile)
    response.answers = [Answer(item_id=i, code=code) for i, code in ids]
    db.session.add(response)
    db.session.flush()
    q.status, q.response_id, q.outcome_at = "completed", response.id, utcnow()
    campaign.status = "fieldwork"
    db.session.flush()
    return response, True


def campaign_version(campaign: Campaign) -> Version:
    """The campaign's instrument version, ready for a form."""
    row = db.session.get(InstrumentVersion, campaign.instrument_version_id)
    return load_version(row.instrument.code, row.id, row.version, row.definition_hash, row.created_at)


def _answer_pairs(answers: dict, items: dict, definition) -> tuple[list[tuple[str, int]], list[dict]]:
    """(item code, code) pairs checked by each item's question type, and the errors. Free-text answers are left
    out: a campaign response keeps answer codes only (comments are not part of the design-based estimates)."""
    pairs, errors = [], []
    if not isinstance(answers, dict):
        return [], [{"field": "answers", "code": "bad_answers", "message": "an object of item code → code"}]
    for code, value in answers.items():
        if code not in items or not definition.has_item(code):
            errors.append({"field": f"answers.{code}", "code": "unknown_item", "message": "not an item of the form"})
            continue
        item = definition.item(code)
        qtype = REGISTRY[item.type]
        if not qtype.tallied:
            continue
        try:
            checked = qtype.validate(value, item)
        except AnswerError as exc:
            errors.append({"field": f"answers.{code}", "code": exc.code, "message": exc.message})
            continue
        pairs.extend((code, v) for v in (checked if isinstance(checked, list) else [checked]))
    return sorted(set(pairs)), errors

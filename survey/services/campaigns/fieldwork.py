"""Fieldwork channels of a campaign: the personal link, interviewer tablets, the paper screen and CSV rows."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from survey.errors import Conflict, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models import Campaign, Device, Questionnaire
from survey.services.access.scope import OPERATOR, Scope
from survey.services.access.secrets import digest, new_secret
from survey.services.campaigns.answers import Completion, campaign_version, prepare_completion, store_completion
from survey.services.campaigns.manage import get_campaign

DEVICE_PREFIX = "cam"  # campaign tablets' tokens start "cam_", so the kiosk path tells them apart without a query


@dataclass
class Recorded:
    """What a channel reports back: the response's client id and whether this call stored it."""

    client_id: str
    created: bool


def by_token(token: str) -> tuple[Campaign, Questionnaire]:
    """The questionnaire of a personal link; NotFound when the link is unknown."""
    q = db.session.scalar(select(Questionnaire).where(Questionnaire.token_hash == digest(token or "")))
    if q is None:
        raise NotFound("unknown_link", "This personal link is unknown")
    return db.session.get(Campaign, q.campaign_id), q


def complete_by_link(token: str, answers: dict, respondent: dict, client_id: str | None = None) -> Recorded:
    """Answers sent through a personal link (channel online); the link works once."""
    campaign, q = by_token(token)
    response, created = store_completion(prepare_completion(campaign.code, q.code, answers, respondent, "online",
                                                            None, client_id))
    return Recorded(response.client_id, created)


def register_campaign_device(code: str, name: str = "") -> tuple[Device, str]:
    """An interviewer tablet bound to a campaign (no service point); its token is shown once."""
    campaign = get_campaign(OPERATOR, code)
    if campaign.status == "closed":  # it would only be refused: a closed campaign takes no answers
        raise Conflict("campaign_closed", f"Campaign {code} is closed: it takes no more answers", campaign=code)
    token = new_secret(DEVICE_PREFIX)
    device = Device(name=name or f"Tablet {campaign.code}", service_point_id=None, campaign_id=campaign.id,
                    token_hash=digest(token), instrument_code=campaign_version(campaign).code, settings={})
    db.session.add(device)
    db.session.flush()
    return device, token


def is_campaign_token(token: str | None) -> bool:
    """True for a campaign tablet's token (by its prefix)."""
    return bool(token) and token.startswith(DEVICE_PREFIX + "_")


def _device(token: str) -> Device:
    device = db.session.scalar(select(Device).where(Device.token_hash == digest(token),
                                                    Device.campaign_id.is_not(None)))
    if device is None:
        raise NotFound("unknown_token", "Unknown device token")
    if device.revoked_at is not None:
        raise Forbidden("revoked_device", "This device has been revoked")
    return device


def complete_from_device(token: str, payload: object) -> Recorded:
    """POST /api/v1/responses from a campaign tablet: {"id", "campaign", "questionnaire", "answers",
    "respondent", "submitted_at"}; the campaign must be the tablet's."""
    device = _device(token)
    if not isinstance(payload, dict):
        raise Invalid([{"field": "body", "code": "bad_json", "message": "a JSON object"}], "Expected an object")
    campaign = db.session.get(Campaign, device.campaign_id)
    errors = [{"field": f, "code": "required", "message": f"{f} is required"}
              for f in ("campaign", "questionnaire", "answers") if not payload.get(f)]
    if payload.get("campaign") and payload["campaign"] != campaign.code:
        errors.append({"field": "campaign", "code": "not_this_device",
                       "message": f"this tablet collects for campaign {campaign.code}"})
    when = _when(payload.get("submitted_at"), errors)
    client_id = payload.get("id")
    if client_id is not None and not _uuid(client_id):
        errors.append({"field": "id", "code": "bad_format", "message": "id must be a UUID"})
    if errors:
        raise Invalid(errors, "The submission is not valid")
    response, created = store_completion(prepare_completion(
        campaign.code, str(payload["questionnaire"]), payload["answers"], payload.get("respondent"), "interview",
        when, client_id))
    return Recorded(response.client_id, created)


def _when(value, errors: list) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors.append({"field": "submitted_at", "code": "bad_format", "message": "an ISO 8601 time"})
        return None


def _uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def campaign_of(scope: Scope, questionnaire: str) -> Campaign:
    """The campaign a printed questionnaire code belongs to, for staff keying paper; NotFound outside scope."""
    q = db.session.scalar(select(Questionnaire).where(Questionnaire.code == (questionnaire or "").strip().upper()))
    if q is None:
        raise Invalid([{"field": "questionnaire", "code": "unknown",
                        "message": f"unknown questionnaire {questionnaire!r}"}], "Unknown questionnaire")
    campaign = db.session.get(Campaign, q.campaign_id)
    get_campaign(scope, campaign.code, "responses.enter")  # NotFound outside the caller's units
    return campaign


def prepare_paper(scope: Scope, questionnaire: str, answers: dict, respondent: dict, channel: str,
                  submitted_at: datetime | None, client_id: str | None) -> Completion:
    """Check a keyed or imported paper questionnaire (the code printed on it finds its campaign)."""
    try:
        campaign = campaign_of(scope, questionnaire)
    except NotFound as exc:
        raise Invalid([{"field": "questionnaire", "code": "unknown", "message": exc.message}], exc.message) from None
    return prepare_completion(campaign.code, questionnaire, answers, respondent,
                              channel if channel in ("paper", "interview") else "paper", submitted_at, client_id,
                              scope)


def store_paper(completion: Completion) -> Recorded:
    """Write a checked paper questionnaire."""
    response, created = store_completion(completion)
    return Recorded(response.client_id, created)

"""What each kind of rule finds now: subject → evidence (identifiers and counts, never comment text)."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import and_, case, func, select

from survey.extensions import db
from survey.models import AlertRule, Answer, Comment, Device, Item, Response, ServicePoint, Unit
from survey.services.organisation.units import descendant_ids
from survey.text import fold

LOCAL = timezone(timedelta(hours=7))  # opening hours are local (Asia/Ho_Chi_Minh)
RATING_TYPES = ("sat5", "sat3")  # satisfaction scales: codes 1–5, low = 1 or 2
UNKNOWN = None  # a condition that cannot be judged now (outside opening hours): leave episodes as they are

Found = dict[str, dict]  # subject → evidence


def _units(rule: AlertRule) -> list[int]:
    return sorted(descendant_ids(db.session.get(Unit, rule.unit_id)))


def low_ratings(rule: AlertRule, now: datetime) -> Found:
    """Units whose share of ratings 1–2 over the last N hours is above the threshold, with at least n ratings."""
    p = rule.params
    since = now - timedelta(hours=float(p["hours"]))
    low = func.sum(case((Answer.code.in_((1, 2)), 1), else_=0))
    stmt = (select(Response.unit_id, func.count(), low).select_from(Answer)
            .join(Response, Response.id == Answer.response_id).join(Item, Item.id == Answer.item_id)
            .where(Response.unit_id.in_(_units(rule)), Response.submitted_at >= since,
                   Response.campaign_id.is_(None), Item.type.in_(RATING_TYPES), Answer.code.between(1, 5))
            .group_by(Response.unit_id))
    found: Found = {}
    for unit_id, total, lows in db.session.execute(stmt):
        lows = int(lows or 0)
        share = 100.0 * lows / total if total else 0.0
        if total >= p["min_count"] and share > p["threshold"]:
            found[f"unit:{unit_id}"] = {"unit_id": unit_id, "low": lows, "total": int(total),
                                        "share": round(share, 1), "hours": p["hours"], "threshold": p["threshold"]}
    return found


def _points(rule: AlertRule):
    return (select(Device.id, Device.service_point_id, Device.last_seen_at, Device.queue_length,
                   Device.enrolled_at, ServicePoint.unit_id, ServicePoint.agency_id)
            .join(ServicePoint, ServicePoint.id == Device.service_point_id)
            .where(ServicePoint.unit_id.in_(_units(rule)), Device.revoked_at.is_(None),
                   Device.enrolled_at.is_not(None)))


def _opening(rule: AlertRule, now: datetime) -> datetime | None:
    """Today's opening time (UTC, naive) if `now` lies within the rule's opening hours, else None."""
    local = now.replace(tzinfo=timezone.utc).astimezone(LOCAL)
    p = rule.params
    opens, closes = (time.fromisoformat(p[k]) for k in ("open_from", "open_to"))
    if str(local.isoweekday()) not in p["days"].split(",") or not opens <= local.time() < closes:
        return None
    return datetime.combine(local.date(), opens, LOCAL).astimezone(timezone.utc).replace(tzinfo=None)


def kiosk_silent(rule: AlertRule, now: datetime) -> Found | None:
    """Service points none of whose kiosks was heard for more than N minutes of today's opening hours."""
    opened = _opening(rule, now)
    if opened is None:
        return UNKNOWN
    latest: dict[int, tuple] = {}
    for device_id, point_id, seen, _queue, enrolled, unit_id, agency_id in db.session.execute(_points(rule)):
        heard = max(seen or enrolled, opened)  # silence counts from the opening only
        if point_id not in latest or heard > latest[point_id][0]:
            latest[point_id] = (heard, seen, device_id, unit_id, agency_id)
    found: Found = {}
    for point_id, (heard, seen, device_id, unit_id, agency_id) in latest.items():
        silent = (now - heard).total_seconds() / 60
        if silent > rule.params["minutes"]:
            found[f"point:{point_id}"] = {"service_point_id": point_id, "unit_id": unit_id, "agency_id": agency_id,
                                          "device_id": device_id, "minutes_silent": int(silent),
                                          "last_seen": seen.isoformat(timespec="minutes") if seen else None}
    return found


def outbox_growing(rule: AlertRule, now: datetime, open_subjects: set[str]) -> Found:
    """Kiosks whose outbox is at least min_queue and grew since the last run (or, once raised, does not shrink)."""
    before = {int(k): v for k, v in (rule.params.get("_observed") or {}).items()}
    observed: dict[str, int] = {}
    found: Found = {}
    for device_id, point_id, _seen, queue, _enrolled, unit_id, agency_id in db.session.execute(_points(rule)):
        queue = int(queue or 0)
        observed[str(device_id)] = queue
        previous = before.get(device_id)
        subject = f"device:{device_id}"
        grew = previous is not None and (queue > previous or (subject in open_subjects and queue >= previous))
        if queue >= rule.params["min_queue"] and grew:
            found[subject] = {"device_id": device_id, "service_point_id": point_id, "unit_id": unit_id,
                              "agency_id": agency_id, "queue_length": queue, "previous": previous}
    # The last lengths seen are the rule's memory between runs (a new dict: JSON columns track assignment only).
    rule.params = {**rule.params, "_observed": observed}
    return found


def _pattern(words: list[str]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(re.escape(fold(w)) for w in words) + r")\b")


def comment_words(rule: AlertRule, now: datetime) -> Found:
    """Comments of the last N hours containing a listed word or phrase, compared without accents or case."""
    since = now - timedelta(hours=float(rule.params["hours"]))
    pattern = _pattern(rule.params["words"])
    stmt = (select(Comment.id, Comment.text, Response.unit_id, Response.agency_id, Response.service_point_id)
            .join(Response, Response.id == Comment.response_id)
            .where(and_(Response.unit_id.in_(_units(rule)), Comment.created_at >= since, Comment.text.is_not(None))))
    found: Found = {}
    for comment_id, text, unit_id, agency_id, point_id in db.session.execute(stmt):
        hits = sorted(set(pattern.findall(fold(text))))
        if hits:
            found[f"comment:{comment_id}"] = {"comment_id": comment_id, "unit_id": unit_id, "agency_id": agency_id,
                                              "service_point_id": point_id, "words": hits}
    return found

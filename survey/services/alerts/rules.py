"""Alert rules: one kind, a unit (province or commune, with what lies under it) and checked parameters."""
from __future__ import annotations

import re
from collections.abc import Mapping

from sqlalchemy import select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import AlertRule
from survey.models.jobs import ALERT_KINDS
from survey.services.access.scope import Scope, check_unit, require
from survey.services.organisation.units import find_unit
from survey.text import fold, nfc

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# kind → parameter → (default, minimum, maximum); "words", "open_from", "open_to", "days" are checked apart.
NUMBERS: dict[str, dict[str, tuple[float, float, float]]] = {
    "low_ratings": {"hours": (24, 1, 24 * 31), "threshold": (30, 1, 100), "min_count": (10, 1, 100_000)},
    "kiosk_silent": {"minutes": (60, 5, 24 * 60)},
    "outbox_growing": {"min_queue": (10, 1, 100_000)},
    "comment_words": {"hours": (24, 1, 24 * 31)},
}
DEFAULT_HOURS = {"open_from": "07:30", "open_to": "17:00", "days": "1,2,3,4,5"}  # Monday = 1


def _bad(field: str, message: str, code: str = "invalid") -> Invalid:
    return Invalid([{"field": field, "code": code, "message": message}])


def check_params(kind: str, raw: Mapping[str, object]) -> dict:
    """The rule's parameters with defaults filled in; Invalid naming the field otherwise."""
    if kind not in ALERT_KINDS:
        raise _bad("kind", f"kind must be one of {', '.join(ALERT_KINDS)}", "unknown")
    out: dict = {}
    for name, (default, low, high) in NUMBERS[kind].items():
        value = raw.get(name)
        try:
            number = float(default if value in (None, "") else value)
        except (TypeError, ValueError):
            raise _bad(name, f"{name} must be a number") from None
        if not low <= number <= high:
            raise _bad(name, f"{name} must be from {low:g} to {high:g}", "out_of_range")
        out[name] = int(number) if number.is_integer() else number
    if kind == "kiosk_silent":
        # No opening-hours setting exists for service points yet: the rule carries the hours it watches.
        for name, default in DEFAULT_HOURS.items():
            out[name] = str(raw.get(name) or default).strip()
        if not HHMM.match(out["open_from"]) or not HHMM.match(out["open_to"]) or out["open_to"] <= out["open_from"]:
            raise _bad("open_from", "opening hours must be HH:MM with open_from before open_to")
        days = [d.strip() for d in out["days"].split(",") if d.strip()]
        if not days or any(d not in "1234567" or len(d) != 1 for d in days):
            raise _bad("days", "days must be weekday numbers 1 (Monday) to 7, comma-separated")
        out["days"] = ",".join(sorted(set(days)))
    if kind == "comment_words":
        words = raw.get("words")
        items = words if isinstance(words, list) else str(words or "").replace("\n", ",").split(",")
        cleaned = sorted({nfc(str(w)) for w in items if fold(str(w))})
        if not cleaned:
            raise _bad("words", "words must list at least one word or phrase", "required")
        out["words"] = cleaned
    return out


def add_rule(scope: Scope, kind: str, unit_code: str, params: Mapping[str, object], actor: str) -> AlertRule:
    """A new rule on a unit of the caller's scope (flushed; the caller commits)."""
    require(scope, "alerts.manage")
    checked = check_params(kind, params)
    unit = check_unit(scope, find_unit((unit_code or "").strip()), unit_code)
    rule = AlertRule(kind=kind, unit_id=unit.id, params=checked, active=True, created_by=actor)
    db.session.add(rule)
    db.session.flush()
    return rule


def visible_rules(scope: Scope) -> list[AlertRule]:
    """Active rules on units the caller sees."""
    require(scope, "alerts.read")
    rules = db.session.scalars(select(AlertRule).where(AlertRule.active.is_(True)).order_by(AlertRule.id))
    return [rule for rule in rules if scope.sees_unit(rule.unit_id)]


def remove_rule(scope: Scope, rule_id: int) -> AlertRule:
    """Stop a rule (kept, so its alerts keep their history)."""
    require(scope, "alerts.manage")
    rule = db.session.get(AlertRule, rule_id)
    if rule is None or not rule.active or not scope.sees_unit(rule.unit_id):
        raise NotFound("unknown_rule", f"There is no alert rule {rule_id}", rule=rule_id)
    rule.active = False
    return rule

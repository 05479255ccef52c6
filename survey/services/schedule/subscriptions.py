"""Report subscriptions: who receives which place's summary, how often; checked against the recipient's scope."""
from __future__ import annotations

from sqlalchemy import select

from survey.errors import Conflict, Invalid, NotFound
from survey.extensions import db
from survey.models import ReportSubscription, User
from survey.models.jobs import FREQUENCIES
from survey.services.access.scope import Scope, check_user, require, scope_for
from survey.services.reports.targets import resolve_target

SUBSCRIBER_ROLES = ("homeaffairs", "manager")


def _field(name: str, message: str, code: str = "invalid") -> Invalid:
    return Invalid([{"field": name, "code": code, "message": message}])


def subscribe(scope: Scope, user: User, target: str, instrument: str, frequency: str) -> ReportSubscription:
    """A new subscription of `user` (the caller, or an account in the caller's scope) to a place's summary."""
    require(scope, "reports.subscribe")
    check_user(scope, user)
    if user.role not in SUBSCRIBER_ROLES:
        raise _field("user", "Only Home Affairs and managers receive scheduled reports", "role")
    if frequency not in FREQUENCIES:
        raise _field("frequency", f"frequency must be one of {', '.join(FREQUENCIES)}", "unknown")
    instrument = (instrument or "").strip()
    if not instrument:
        raise _field("instrument", "instrument is required", "required")
    from survey.services.instruments.versions import current_version

    current_version(instrument, None)  # an unknown instrument is refused now, not at the first sending
    # The recipient must see the place: a summary is never sent to someone who may not open it.
    place = resolve_target(scope_for(user), (target or "").strip())
    resolve_target(scope, place.code)
    exists = db.session.scalar(select(ReportSubscription).where(
        ReportSubscription.user_id == user.id, ReportSubscription.target == place.code,
        ReportSubscription.instrument == instrument, ReportSubscription.frequency == frequency))
    if exists is not None:
        if exists.active:
            raise Conflict("subscription_exists", "This subscription exists already", id=exists.id)
        exists.active = True
        return exists
    sub = ReportSubscription(user_id=user.id, target=place.code, instrument=instrument, frequency=frequency)
    db.session.add(sub)
    db.session.flush()
    return sub


def visible_subscriptions(scope: Scope, caller: User | None) -> list[ReportSubscription]:
    """Active subscriptions the caller may see: its own; Home Affairs also those of the accounts it manages."""
    require(scope, "reports.subscribe")
    stmt = select(ReportSubscription).where(ReportSubscription.active.is_(True)).order_by(ReportSubscription.id)
    return [sub for sub in db.session.scalars(stmt) if own_or_managed(scope, caller, sub)]


def with_recipients(subs: list[ReportSubscription]) -> list[tuple[ReportSubscription, str]]:
    """Each subscription with its recipient's e-mail, for lists."""
    return [(sub, db.session.get(User, sub.user_id).email) for sub in subs]


def own_or_managed(scope: Scope, caller: User | None, sub: ReportSubscription) -> bool:
    """Whether the caller may see and end this subscription: its own, or Home Affairs for an account it manages."""
    if caller is not None and sub.user_id == caller.id:
        return True
    if scope.is_operator or scope.role == "homeaffairs":
        try:
            check_user(scope, db.session.get(User, sub.user_id))
            return True
        except NotFound:
            return False
    return False


def unsubscribe(scope: Scope, caller: User | None, sub_id: int) -> ReportSubscription:
    """End a subscription (kept, inactive, so its sendings stay on record)."""
    require(scope, "reports.subscribe")
    sub = db.session.get(ReportSubscription, sub_id)
    if sub is None or not own_or_managed(scope, caller, sub):
        raise NotFound("unknown_subscription", f"There is no subscription {sub_id}", subscription=sub_id)
    sub.active = False
    return sub

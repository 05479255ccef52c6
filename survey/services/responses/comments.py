"""The comments feed of a place and its moderation (new → approved for reports, or hidden), scoped and audited: the
dashboard's comment screens read it; the caller commits."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, literal, select, text

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Agency, Comment, Response, ServicePoint, Unit
from survey.services.access import audit
from survey.services.indices.periods import Period
from survey.services.access.scope import Scope, require, scope_filter

STATUSES = ("new", "approved", "hidden")
FEED_SIZE = 50


@dataclass(frozen=True)
class CommentView:
    """A comment as the feed shows it: text, status, when (UTC), channel and service point."""

    id: int
    text: str | None
    status: str
    created_at: datetime
    local_date: object
    channel: str
    service_point: str


def _place(kind: str, place: Unit | Agency | ServicePoint) -> ColumnElement[bool]:
    """Responses of the place (the commune served, the agency whose procedure it was, or the service point)."""
    column = {"commune": Response.unit_id, "agency": Response.agency_id,
              "service_point": Response.service_point_id}[kind]
    return column == place.id


def comments_for(scope: Scope, kind: str, place: Unit | Agency | ServicePoint, period: Period,
                 status: str = "new", limit: int = FEED_SIZE) -> tuple[list[CommentView], dict[str, int]]:
    """The newest comments of a place in a period (status "all" for every one) and the count per status."""
    require(scope, "comments.read")
    # Comments are few next to responses, and responses have no index on the place columns: check each comment's
    # response by its primary key (a correlated subquery, which no planner turns into a scan of every response).
    in_place = (select(literal(1)).where(Response.id == Comment.response_id, _place(kind, place),
                                         scope_filter(scope, Response.unit_id, Response.agency_id),
                                         Response.local_date.between(period.start, period.end))
                .scalar_subquery())
    _no_jit()
    found = db.session.execute(select(Comment.id, Comment.status)
                               .where(Comment.text.is_not(None), in_place.is_not(None))).all()
    totals = Counter(row.status for row in found)
    newest = sorted((row.id for row in found if status in ("all", row.status)), reverse=True)[:limit]
    stmt = (select(Comment.id, Comment.text, Comment.status, Comment.created_at, Response.local_date,
                   Response.channel, ServicePoint.name)
            .join(Response, Response.id == Comment.response_id)
            .join(ServicePoint, ServicePoint.id == Response.service_point_id)
            .where(Comment.id.in_(newest)).order_by(Comment.id.desc()))
    rows = [CommentView(*row) for row in db.session.execute(stmt).all()] if newest else []
    return rows, {s: int(totals.get(s, 0)) for s in STATUSES}


def _no_jit() -> None:
    """PostgreSQL would compile the per-comment check (its cost estimate is high, its run short): not worth it."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def moderate(scope: Scope, comment_id: int, status: str, actor: str) -> Comment:
    """Set a comment's status (approved: may appear in reports; hidden: never shown); NotFound outside the scope."""
    require(scope, "comments.moderate")
    row = db.session.execute(select(Comment, Response.unit_id, Response.agency_id)
                             .join(Response, Response.id == Comment.response_id)
                             .where(Comment.id == comment_id)).first()
    if row is None or not scope.sees(row.unit_id, row.agency_id):
        raise NotFound("unknown_comment", f"Unknown comment {comment_id}", comment=comment_id)
    if status not in STATUSES:
        raise Invalid([{"field": "status", "code": "unknown", "message": "status must be new, approved or hidden"}])
    comment: Comment = row.Comment
    before, comment.status = comment.status, status
    audit.record(actor, "comment.moderate", f"comment:{comment.id}", "ok", before=before, after=status)
    db.session.flush()
    return comment


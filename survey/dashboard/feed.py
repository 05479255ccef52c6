"""The comments feed of a place and its moderation (new → approved for reports, or hidden), scoped and audited.

Kept beside the dashboard because only these screens read the feed; it follows the service rules (takes the
caller's Scope, checks the action, flushes, never commits).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Agency, Comment, Response, ServicePoint, Unit
from survey.services import audit
from survey.services.periods import Period
from survey.services.scope import Scope, require, scope_filter

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
    where = (_place(kind, place), scope_filter(scope, Response.unit_id, Response.agency_id),
             Response.local_date.between(period.start, period.end), Comment.text.is_not(None))
    totals = dict(db.session.execute(select(Comment.status, func.count()).join(Response, Response.id ==
                                                                               Comment.response_id)
                                     .where(*where).group_by(Comment.status)).all())
    stmt = (select(Comment.id, Comment.text, Comment.status, Comment.created_at, Response.local_date,
                   Response.channel, ServicePoint.name)
            .join(Response, Response.id == Comment.response_id)
            .join(ServicePoint, ServicePoint.id == Response.service_point_id)
            .where(*where).order_by(Comment.id.desc()).limit(limit))
    if status != "all":
        stmt = stmt.where(Comment.status == status)
    rows = [CommentView(*row) for row in db.session.execute(stmt).all()]
    return rows, {s: int(totals.get(s, 0)) for s in STATUSES}


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


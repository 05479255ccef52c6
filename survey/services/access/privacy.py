"""Respondents' privacy: consented contact details kept apart and deletable, comment retention, masking.

Responses are anonymous. Contact details exist only in `contacts`, only with explicit consent, and can be
deleted one by one (a person's request) or in bulk once the retention period has passed. Raw comment text is
erased after the retention period; the comment rows (and so the counts) and every answer stay.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Comment, Contact, Response
from survey.models.base import utcnow
from survey.services.access import audit
from survey.services.access.scope import Scope, require, scope_filter
from survey.text import nfc

# Phone numbers (0xx… or +84…, with spaces/dots) and 9- or 12-digit identity numbers typed into comments.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
MASK = "***"


def mask_identifiers(text: str | None) -> str | None:
    """Comment text with phone and identity numbers replaced by *** (people type them into comment boxes)."""
    if not text:
        return text
    return _ID_NUMBER.sub(MASK, _PHONE.sub(MASK, text))


def store_contact(response: Response | int, consent: bool, name: str | None = None, phone: str | None = None,
                  email: str | None = None) -> Contact:
    """Keep contact details given with explicit consent, apart from the anonymous answers."""
    if consent is not True:
        raise Invalid([{"field": "consent", "code": "required",
                        "message": "contact details are kept only with explicit consent"}])
    values = {"name": (nfc(name) or "").strip()[:200], "phone": (phone or "").strip()[:40],
              "email": (email or "").strip()[:200]}
    if not any(values.values()):
        raise Invalid([{"field": "contact", "code": "required", "message": "give a name, phone or e-mail"}])
    response_id = response if isinstance(response, int) else response.id
    contact = Contact(response_id=response_id, **{k: v or None for k, v in values.items()}, consent_at=utcnow())
    db.session.add(contact)
    db.session.flush()
    return contact


def list_contacts(scope: Scope, actor: str, limit: int = 200) -> list[tuple[Contact, Response]]:
    """Contacts on the caller's responses, newest first; the viewing itself is audited."""
    require(scope, "contacts.read")
    rows = db.session.execute(
        select(Contact, Response).join(Response, Contact.response_id == Response.id)
        .where(scope_filter(scope, Response.unit_id, Response.agency_id))
        .order_by(Contact.consent_at.desc(), Contact.id.desc()).limit(limit)).all()
    audit.record(actor, "contact.view", "contacts", count=len(rows))
    return list(rows)


def delete_contact(scope: Scope, actor: str, contact_id: int) -> None:
    """Delete one person's contact details (their answers stay, anonymous)."""
    require(scope, "contacts.delete")
    row = db.session.execute(select(Contact.id, Response.unit_id, Response.agency_id)
                             .join(Response, Contact.response_id == Response.id)
                             .where(Contact.id == contact_id)).first()
    if row is None or not scope.sees(row.unit_id, row.agency_id):
        raise NotFound("unknown_contact", f"Unknown contact {contact_id}", contact=contact_id)
    db.session.execute(delete(Contact).where(Contact.id == contact_id))
    audit.record(actor, "contact.delete", f"contact:{contact_id}")


def delete_contact_of_response(actor: str, client_id: str) -> int:
    """Delete the contact details attached to a response (by its UUID); returns how many rows went (0 or 1)."""
    response_id = db.session.scalar(select(Response.id).where(Response.client_id == client_id.strip().lower()))
    if response_id is None:
        raise NotFound("unknown_response", f"Unknown response {client_id}", response=client_id)
    deleted = db.session.execute(delete(Contact).where(Contact.response_id == response_id)).rowcount
    audit.record(actor, "contact.delete", f"response:{client_id}", count=deleted)
    return deleted


def purge_comments(actor: str, older_than_days: int, now: datetime | None = None) -> int:
    """Erase the text of comments on responses submitted before the cut-off; rows, answers and tallies stay."""
    cutoff = _cutoff(older_than_days, now)
    old = select(Response.id).where(Response.submitted_at < cutoff)
    erased = db.session.execute(
        update(Comment).where(Comment.text.is_not(None), Comment.response_id.in_(old)).values(text=None)
        .execution_options(synchronize_session=False)).rowcount
    audit.record(actor, "privacy.purge_comments", "comments", count=erased, older_than_days=older_than_days)
    return erased


def purge_contacts(actor: str, older_than_days: int, now: datetime | None = None) -> int:
    """Delete contact details given before the cut-off (their purpose has ended)."""
    cutoff = _cutoff(older_than_days, now)
    deleted = db.session.execute(delete(Contact).where(Contact.consent_at < cutoff)
                                 .execution_options(synchronize_session=False)).rowcount
    audit.record(actor, "privacy.purge_contacts", "contacts", count=deleted, older_than_days=older_than_days)
    return deleted


def counts() -> dict[str, int]:
    """Comments kept, comments whose text was erased, and contacts held: for the operator's report."""
    return {
        "comments": db.session.scalar(select(func.count(Comment.id))) or 0,
        "erased": db.session.scalar(select(func.count(Comment.id)).where(Comment.text.is_(None))) or 0,
        "contacts": db.session.scalar(select(func.count(Contact.id))) or 0,
    }


def _cutoff(older_than_days: int, now: datetime | None) -> datetime:
    """The UTC instant before which data is past retention."""
    if older_than_days < 0:
        raise Invalid([{"field": "older_than", "code": "negative", "message": "days must be 0 or more"}])
    return (now or utcnow()) - timedelta(days=older_than_days)

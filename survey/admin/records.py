"""The audit log viewer and the consented contacts (Home Affairs; contacts also for managers, audited)."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.admin.base import bp, done
from survey.admin.forms import AuditFilterForm
from survey.auth.access import current_actor, permission_required
from survey.auth.forms import ConfirmForm
from survey.extensions import db
from survey.services.access import audit
from survey.services.access import privacy
from survey.services.access.scope import can

PAGE = 100


@bp.get("/audit")
@permission_required("audit.read")
def audit_log():
    """Audit entries newest first, filtered by actor, action and UTC dates."""
    form = AuditFilterForm(request.args)
    form.validate()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    valid = not form.errors
    entries = audit.search(g.scope, form.actor.data or "", form.action.data or "", form.since.data if valid else None,
                           form.until.data if valid else None, limit=PAGE + 1, offset=(page - 1) * PAGE)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/audit.html", form=form, entries=entries[:PAGE], page=page, args=args,
                           more=len(entries) > PAGE, actions=audit.actions())


@bp.get("/contacts")
@permission_required("contacts.read")
def contacts():
    """Contact details left with consent on the caller's responses (viewing is audited)."""
    rows = privacy.list_contacts(g.scope, current_actor())
    db.session.commit()
    response = render_template("admin/contacts.html", rows=rows, can_delete=can(g.scope, "contacts.delete"),
                               confirm=ConfirmForm())
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/contacts/<int:contact_id>/delete")
@permission_required("contacts.delete")
def delete_contact(contact_id: int):
    """Delete one person's contact details."""
    privacy.delete_contact(g.scope, current_actor(), contact_id)
    db.session.commit()
    done(_("Contact details deleted."))
    return redirect(url_for("admin.contacts"))

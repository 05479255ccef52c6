"""Administration of staff accounts and API tokens (Home Affairs only); secrets are shown once."""
from __future__ import annotations

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey.admin.base import bp, done, secret_page, show_errors
from survey.admin.directory import search_page
from survey.admin.forms import ROLE_LABELS, TokenForm, UserForm
from survey.auth.access import current_actor, permission_required
from survey.auth.forms import ConfirmForm
from survey.errors import DomainError
from survey.extensions import db
from survey.services.access import staff
from survey.services.organisation import directory


@bp.route("/accounts", methods=["GET", "POST"])
@permission_required("accounts.manage")
def accounts():
    """Accounts of the province and a form to create one (its password is generated and shown once)."""
    form = UserForm()
    if form.validate_on_submit():
        try:
            user, password = staff.create_user(g.scope, current_actor(), form.email.data, form.role.data,
                                               (form.unit.data or "").strip() or None,
                                               (form.agency.data or "").strip() or None, form.name.data or "")
            db.session.commit()
            return secret_page("admin/password_shown.html", user=user, password=password, created=True)
        except DomainError as exc:
            show_errors(form, exc)
    search, page = search_page(directory.search_users)
    return render_template("admin/accounts.html", form=form, users=page.rows, search=search, page=page,
                           roles=ROLE_LABELS, confirm=ConfirmForm())


@bp.post("/accounts/<int:user_id>/disable")
@permission_required("accounts.manage")
def disable_account(user_id: int):
    """Disable an account: its session and API tokens stop working on their next request."""
    user = staff.set_user_active(g.scope, current_actor(), user_id, False, acting_user_id=current_user.id)
    db.session.commit()
    done(_("Account %(email)s disabled.", email=user.email))
    return redirect(url_for("admin.accounts"))


@bp.post("/accounts/<int:user_id>/enable")
@permission_required("accounts.manage")
def enable_account(user_id: int):
    """Enable a disabled account again."""
    user = staff.set_user_active(g.scope, current_actor(), user_id, True)
    db.session.commit()
    done(_("Account %(email)s enabled.", email=user.email))
    return redirect(url_for("admin.accounts"))


@bp.post("/accounts/<int:user_id>/reset")
@permission_required("accounts.manage")
def reset_account(user_id: int):
    """A new generated password for an account, shown once; also lifts a lock-out."""
    user, password = staff.reset_user_password(g.scope, current_actor(), user_id)
    db.session.commit()
    return secret_page("admin/password_shown.html", user=user, password=password, created=False)


@bp.route("/tokens", methods=["GET", "POST"])
@permission_required("tokens.manage")
def tokens():
    """API tokens of the province's accounts and a form to issue one (shown once)."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            token, secret = staff.issue_token(g.scope, current_actor(), form.email.data, form.label.data or "")
            db.session.commit()
            return secret_page("admin/token_shown.html", token=token, secret=secret)
        except DomainError as exc:
            show_errors(form, exc)
    return render_template("admin/tokens.html", form=form, tokens=staff.list_tokens(g.scope), confirm=ConfirmForm())


@bp.post("/tokens/<int:token_id>/revoke")
@permission_required("tokens.manage")
def revoke_token(token_id: int):
    """Revoke an API token at once."""
    staff.revoke_token(g.scope, current_actor(), token_id)
    db.session.commit()
    done(_("Token %(id)d revoked.", id=token_id))
    return redirect(url_for("admin.tokens"))

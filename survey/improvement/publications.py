"""Home Affairs decides which closed periods are public: publish, withdraw, and see what is published."""
from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey.admin.base import done
from survey.auth.access import current_actor, permission_required
from survey.errors import Invalid
from survey.extensions import db
from survey.improvement.base import bp, home_province
from survey.services.publication.publish import publish, published, withdraw


def _page(errors: dict | None = None, typed: dict | None = None, status: int = 200):
    province = home_province()
    rows = [(i, p) for _c, _n, i, p in published(province.code)]
    return render_template("improvement/publications.html", province=province, rows=rows, errors=errors or {},
                           typed=typed or {}), status


@bp.get("/publications")
@permission_required("results.publish")
def publications():
    """The province's published periods and the form to publish another."""
    return _page()


@bp.post("/publications")
@permission_required("results.publish")
def publication_add():
    """Publish a closed period of an instrument."""
    typed = {"instrument": request.form.get("instrument", "").strip().upper(),
             "period": request.form.get("period", "").strip()}
    try:
        publish(g.scope, home_province().code, typed["instrument"], typed["period"], current_actor())
        db.session.commit()
    except Invalid as exc:
        db.session.rollback()
        return _page({e["field"]: e["message"] for e in exc.errors}, typed, 422)
    done(_("Published: the results are now on the public page."))
    return redirect(url_for("improvement.publications"))


@bp.post("/publications/withdraw")
@permission_required("results.publish")
def publication_withdraw():
    """Take a period off the public page."""
    withdraw(g.scope, home_province().code, request.form.get("instrument", ""), request.form.get("period", ""),
             current_actor())
    db.session.commit()
    done(_("Withdrawn from the public page."))
    return redirect(url_for("improvement.publications"))

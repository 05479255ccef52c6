"""The administration blueprint and helpers shared by its screens."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, render_template
from flask_wtf import FlaskForm

from survey.error_text import explain, explain_field
from survey.errors import DomainError, Invalid
from survey.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def show_errors(form: FlaskForm, exc: DomainError) -> None:
    """Roll back and put a domain error on the form: field errors where a field matches, else form-level."""
    db.session.rollback()
    errors = exc.errors if isinstance(exc, Invalid) else [{"field": "", "message": explain(exc)}]
    form.form_errors = list(getattr(form, "form_errors", []))
    for error in errors:
        field, message = getattr(form, error.get("field") or "", None), explain_field(error)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def secret_page(template: str, **context):
    """A page showing a secret once: never cached, never stored by the browser."""
    response = make_response(render_template(template, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def done(message: str) -> None:
    """A success notice for the next page."""
    flash(message, "info")

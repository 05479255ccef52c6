"""The public methodology page: how every index is computed (Vietnamese and English), with the live settings."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_babel import get_locale

from survey.indices import METHOD_VERSION, structure_from_definition
from survey.services.instruments.listing import published_definitions

bp = Blueprint("methodology", __name__, url_prefix="/methodology")


def published_structures() -> list[dict]:
    """Each published instrument version with its index components and their weights."""
    out = []
    for code, version, method, definition in published_definitions():
        structure = structure_from_definition(definition)
        measured = set(structure.measured)
        out.append({"code": code, "version": version, "method": method or METHOD_VERSION,
                    "components": [(c.code, c.role, c.weight, len(structure.items_under(c.code)), c.parent)
                                   for c in structure.components.values() if c.code in measured],
                    "unmeasured": [c for c in structure.components if c not in measured]})
    return out


@bp.get("/")
def page():
    """The methodology in the reader's language."""
    lang = "en" if str(get_locale() or "vi") == "en" else "vi"
    return render_template(f"methodology/{lang}.html", method_version=METHOD_VERSION,
                           min_n=current_app.config["MIN_N"], instruments=published_structures())

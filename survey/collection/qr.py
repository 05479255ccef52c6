"""QR codes of public survey links (segno): PNG for printers, SVG for print shops and documents."""
from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from flask import current_app, request, url_for

from survey.errors import Invalid
from survey.models import ServicePoint
from survey.services.responses.envelope import DOSSIER_CODES, PROCEDURE_CODE

KINDS = {"png": "image/png", "svg": "image/svg+xml"}


def public_link(point: ServicePoint, procedure: str | None = None, dossier: str | None = None,
                instrument: str | None = None) -> str:
    """The absolute public URL of the point's form; procedure and dossier codes are checked before use."""
    errors = []
    if procedure and not PROCEDURE_CODE.match(procedure):
        errors.append({"field": "p", "code": "bad_format", "message": "not a procedure code"})
    if dossier and not any(p.match(dossier.upper()) for p in DOSSIER_CODES):
        errors.append({"field": "d", "code": "bad_format", "message": "not a dossier code"})
    if errors:
        raise Invalid(errors, "The QR code cannot carry these codes")
    base = (current_app.config.get("PUBLIC_URL") or request.url_root).rstrip("/")
    query = {k: v for k, v in (("i", instrument), ("p", procedure), ("d", dossier and dossier.upper())) if v}
    path = url_for("collection.online_form", key=point.public_key)
    return f"{base}{path}" + (f"?{urlencode(query)}" if query else "")


def qr_response(link: str, fmt: str, filename: str):
    """An HTTP response with the QR code of `link` in PNG or SVG."""
    if fmt not in KINDS:
        raise Invalid([{"field": "format", "code": "unknown", "message": "format must be png or svg"}])
    code = segno.make(link, error="m")
    buffer = io.BytesIO()
    if fmt == "png":
        code.save(buffer, kind="png", scale=10, border=4)
    else:
        code.save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=link)
    response = current_app.response_class(buffer.getvalue(), mimetype=KINDS[fmt])
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response

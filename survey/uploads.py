"""A CSV file uploaded through an HTML form, read as text within the screen's own size limit."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from survey.csvfile import decode
from survey.errors import Invalid


def uploaded_text(name: str, max_bytes: int, too_big: str) -> tuple[str, str]:
    """(file name, UTF-8 text without BOM) of the form's file `name`; Invalid when missing, over `max_bytes`
    (`too_big` says so) or not UTF-8."""
    upload = request.files.get(name)
    raw = upload.read(max_bytes + 1) if upload else b""
    if not raw or len(raw) > max_bytes:
        raise Invalid([{"field": name, "code": "size", "message": too_big}])
    try:
        return upload.filename or "", decode(raw, name)
    except Invalid:
        raise Invalid([{"field": name, "code": "encoding", "message": _("The file must be UTF-8 text.")}]) from None

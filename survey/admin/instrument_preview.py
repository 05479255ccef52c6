"""The builder's kiosk preview: the version rendered by the kiosk's own template, CSS and scripts, answers going
to a sink that stores nothing (so what Home Affairs sees is exactly what a citizen at the tablet sees)."""
from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, g, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from survey.admin.instruments import MANAGE, _visible_version, bp
from survey.auth.access import permission_required
from survey.collection import strings
from survey.collection.assets import asset_url
from survey.collection.questions import implied, questions_for
from survey.errors import Invalid
from survey.extensions import csrf
from survey.instruments.definition import parse_definition
from survey.services.instruments import drafts


@bp.get("/<code>/v<int:number>/kiosk")
@permission_required(MANAGE)
def kiosk_preview(code: str, number: int):
    """The version as the kiosk shows it, in the chosen language and block; nothing answered is stored."""
    version = _visible_version(code, number)
    if version.status == "draft" and drafts.draft_errors(version):
        raise Invalid([{"field": "version", "code": "draft_errors",
                        "message": _("This draft has problems; fix them on the version page to preview it.")}])
    defn = parse_definition(version.definition)
    shown = SimpleNamespace(definition=defn, code=code, number=number)
    blocks = defn.settings.get("blocks", {})
    block = request.args.get("block") if request.args.get("block") in blocks else None
    lang = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"
    texts = {}
    for each in ("vi", "en"):
        with force_locale(each):
            texts[each] = strings.kiosk()
    settings = {"idle_seconds": current_app.config.get("KIOSK_IDLE_SECONDS") or 60, "idle_action": "discard",
                "thanks_seconds": 3, "retry_max_seconds": 60, "block": block, "lang": lang, "fullscreen": False,
                "counters": []}
    sink = url_for(".kiosk_preview_sink")
    place = _("Preview of %(code)s v%(number)s", code=code, number=number)
    data = {"token": "preview", "instrument": code, "version": number, "api": sink, "heartbeat": sink, "sw": None,
            "settings": settings, "implied": implied(shown), "strings": texts,
            "questions": [q.to_dict() for q in questions_for(shown, block)],
            "device": {"name": "preview", "service_point": place}}
    device = SimpleNamespace(service_point=SimpleNamespace(name=place))
    return render_template("collection/kiosk.html", data=data, device=device, lang=lang, strings=texts[lang],
                           asset_url=asset_url), 200, {"Cache-Control": "no-store"}


@bp.post("/kiosk-preview-sink")
@csrf.exempt  # the kiosk script posts JSON with its own token, as to the API; this stores nothing
@permission_required(MANAGE)
def kiosk_preview_sink():
    """Accept the preview's answers and heartbeats and drop them."""
    g.preview = True
    return {"status": "preview", "stored": False}, 201

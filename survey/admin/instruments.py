"""The instrument builder (Home Affairs): own instruments from official ones, edits, scale, translation, preview."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey.admin.base import done, show_errors
from survey.admin.instrument_forms import AddItemForm, NewInstrumentForm, ScaleForm, add_item_form, factor_types
from survey.admin.instrument_labels import ROLES, STATUSES, error_text, preview_screens, translation_rows
from survey.auth.access import current_actor, permission_required
from survey.errors import DomainError, Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.instruments import builder
from survey.instruments.definition import parse_definition
from survey.models import InstrumentVersion
from survey.services.instruments import drafts
from survey.services.instruments.versions import get_version, sees_instrument, visible_instruments
from survey.services.organisation.units import province_of
from survey.text import nfc

bp = Blueprint("admin_instruments", __name__, url_prefix="/admin/instruments")
MANAGE = "instruments.manage"


def _visible_version(code: str, number: int) -> InstrumentVersion:
    """The version if the caller may see its instrument; NotFound otherwise (unknown and hidden look alike)."""
    version = get_version(code, number)
    if not sees_instrument(g.scope, version.instrument):
        raise NotFound("unknown_instrument", f"Unknown instrument {code}", instrument=code)
    return version


def _to_version(code: str, number: int, anchor: str | None = None):
    return redirect(url_for(".version", code=code, number=number, _anchor=anchor))


def _edit(code: str, number: int, edit: drafts.Edit, change: str) -> None:
    """Apply one builder edit to the draft and commit it (the request's single commit)."""
    drafts.edit_draft(code, number, edit, change, current_actor(), g.scope)
    db.session.commit()


@bp.route("/", methods=["GET", "POST"])
@permission_required(MANAGE)
def index():
    """Instruments of the province (official ones first) and the form to start an own instrument."""
    instruments = visible_instruments(g.scope)
    form = NewInstrumentForm()
    form.base.choices = [SelectChoice(i.code, f"{i.code} — {i.name_vi}") for i in instruments
                         if any(v.status == "published" for v in i.versions)]
    if request.method == "GET" and request.args.get("base"):
        form.base.data = request.args["base"]
    if form.validate_on_submit():
        try:
            if current_user.unit is None:
                raise Forbidden("no_province", _("Your account is not attached to a province."))
            version = drafts.create_own_instrument(
                form.base.data, form.code.data, {"vi": form.name_vi.data, "en": form.name_en.data or ""},
                province_of(current_user.unit).code, current_actor(), g.scope)
            db.session.commit()
            done(_("%(code)s created as a draft: edit it, then publish it.", code=form.code.data))
            return _to_version(form.code.data, version.version)
        except DomainError as exc:
            show_errors(form, exc)
    return render_template("admin/instruments/index.html", instruments=instruments, form=form, statuses=STATUSES)


def _render_version(code: str, number: int, failed: tuple[str, AddItemForm] | None = None, status: int = 200):
    version = _visible_version(code, number)
    doc = version.definition
    editable = version.status == "draft" and not version.instrument.official
    errors = drafts.draft_errors(version) if version.status == "draft" else []
    by_code: dict[str, list[str]] = {}
    for error in errors:
        by_code.setdefault(error["field"], []).append(error_text(error))
    factors = [s["code"] for s in builder.sections_of(doc) if s.get("role") == "factor"]
    add_forms = {factor: add_item_form(factor, builder.next_item_code(doc, factor), _section_type(doc, factor),
                                       formdata=None) for factor in factors} if editable else {}
    if failed is not None:
        add_forms[failed[0]] = failed[1]
    scale_form = ScaleForm(formdata=None, scale=doc.get("settings", {}).get("scale", "sat5"))
    newer = max(v.version for v in version.instrument.versions) > number
    return render_template("admin/instruments/version.html", version=version, doc=doc, editable=editable,
                           errors=errors, error_text=error_text, by_code=by_code, add_forms=add_forms,
                           statuses=STATUSES, roles=ROLES,
                           scale_form=scale_form, newer=newer,
                           missing=builder.missing_translations(doc, "en")), status


def _section_type(doc: builder.Document, section: str) -> str:
    """The question type the section's items already use (a new item defaults to it), else 5 levels."""
    kinds = [i["type"] for s in builder.sections_of(doc) if s["code"] == section for i in s.get("items", [])]
    return kinds[0] if kinds else "sat5"


@bp.get("/<code>/v<int:number>")
@permission_required(MANAGE)
def version(code: str, number: int):
    """One version: its structure, what still blocks publishing, and the edits a draft allows."""
    return _render_version(code, number)


@bp.post("/<code>/v<int:number>/sections/<section>/items")
@permission_required(MANAGE)
def add_item(code: str, number: int, section: str):
    """Add a satisfaction item inside a factor of the draft."""
    drafts.draft_version(code, number, g.scope)
    doc = _visible_version(code, number).definition
    form = add_item_form(section, builder.next_item_code(doc, section) if section in builder.codes(doc) else "")
    if form.validate_on_submit():
        item_code, qtype = form.code.data or form.suggested, form.qtype.data or _section_type(doc, section)
        if item_code in builder.codes(doc) or not item_code:
            form.code.errors = [*form.code.errors, _("This code is already used in the instrument.")]
        elif qtype not in factor_types():
            form.qtype.errors = [*form.qtype.errors, _("Choose one of the offered answer scales.")]
        else:
            text = {"vi": form.text_vi.data, **({"en": form.text_en.data} if form.text_en.data else {})}
            item = {"code": item_code, "type": qtype, "text": text, "weight": 1.0}
            _edit(code, number, lambda d: builder.add_item(d, section, item), f"add item {item['code']}")
            done(_("Item %(item)s added.", item=item["code"]))
            return _to_version(code, number, section)
    return _render_version(code, number, failed=(section, form), status=422)


@bp.post("/<code>/v<int:number>/items/<item>/drop")
@permission_required(MANAGE)
def drop_item(code: str, number: int, item: str):
    """Remove an item from the draft."""
    _edit(code, number, lambda d: builder.drop_item(d, item), f"drop item {item}")
    done(_("Item %(item)s removed.", item=item))
    return _to_version(code, number)


@bp.post("/<code>/v<int:number>/scale")
@permission_required(MANAGE)
def scale(code: str, number: int):
    """Choose the kiosk's 3- or 5-level rating scale."""
    drafts.draft_version(code, number, g.scope)  # refuse other provinces' and published versions before anything
    form = ScaleForm()
    if form.validate_on_submit():
        _edit(code, number, lambda d: builder.set_kiosk_scale(d, form.scale.data), f"kiosk scale {form.scale.data}")
        done(_("The kiosk scale is saved."))
    return _to_version(code, number)


@bp.post("/<code>/v<int:number>/publish")
@permission_required(MANAGE)
def publish(code: str, number: int):
    """Publish the draft; when it is not valid, say so and show the problems on the version page."""
    try:
        drafts.publish_version(code, number, current_actor(), g.scope)
        db.session.commit()
        done(_("%(code)s version %(number)s is published; it can no longer change.", code=code, number=number))
    except Invalid as exc:
        db.session.rollback()
        flash(ngettext("Not published: %(num)d problem must be fixed first.",
                       "Not published: %(num)d problems must be fixed first.", len(exc.errors)), "error")
    return _to_version(code, number)


@bp.post("/<code>/new-version")
@permission_required(MANAGE)
def new_version(code: str):
    """Start the next version of an own instrument as a draft copy of the latest."""
    version = drafts.new_version(code, current_actor(), g.scope)
    db.session.commit()
    done(_("Version %(number)s started as a draft.", number=version.version))
    return _to_version(code, version.version)


@bp.route("/<code>/v<int:number>/translate", methods=["GET", "POST"])
@permission_required(MANAGE)
def translate(code: str, number: int):
    """Every wording of the version side by side in Vietnamese and English; a draft's can be edited."""
    version = _visible_version(code, number)
    rows = translation_rows(version.definition)
    if request.method == "POST":
        # Only the inputs sent count, so a partial form never blanks the wording it did not show.
        sent = [(row, lang, nfc(request.form[f"{lang}|{row.key}"])) for row in rows for lang in ("vi", "en")
                if f"{lang}|{row.key}" in request.form]
        changes = [(row, lang, text) for row, lang, text in sent if text != row.text.get(lang, "")]

        def apply(doc: builder.Document) -> builder.Document:
            for row, lang, text in changes:
                doc = row.apply(doc, lang, text)
            return doc

        if changes:
            _edit(code, number, apply, f"translate {len(changes)} text(s)")
        done(ngettext("%(num)d text saved.", "%(num)d texts saved.", len(changes)))
        return redirect(url_for(".translate", code=code, number=number))
    editable = version.status == "draft" and not version.instrument.official
    return render_template("admin/instruments/translate.html", version=version, rows=rows, editable=editable,
                           statuses=STATUSES)


PREVIEW_SIZES = ("tablet", "phone")


@bp.get("/<code>/v<int:number>/preview")
@permission_required(MANAGE)
def preview(code: str, number: int):
    """The version at the size of a kiosk tablet (or a phone reached by QR code), in the chosen language."""
    version = _visible_version(code, number)
    size = request.args.get("size") if request.args.get("size") in PREVIEW_SIZES else "tablet"
    errors = drafts.draft_errors(version) if version.status == "draft" else []
    screens, blocks = [], []
    if not errors:
        defn = parse_definition(version.definition)
        blocks = sorted(defn.settings.get("blocks", {}))
        block = request.args.get("block") if request.args.get("block") in blocks else None
        screens = preview_screens(defn, str(get_locale()), block)
    return render_template("admin/instruments/preview.html", version=version, size=size, screens=screens,
                           blocks=blocks, errors=errors, sizes=PREVIEW_SIZES, statuses=STATUSES)

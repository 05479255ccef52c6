"""Forms of the instrument builder (Flask-WTF: CSRF on every POST form)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from survey.instruments.types import REGISTRY
from survey.text import nfc

CODE_PATTERN = r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$"
SCALE_LABELS = (("sat5", _l("5 levels (Very dissatisfied … Very satisfied)")),
                ("sat3", _l("3 levels (Dissatisfied, Satisfied, Very satisfied)")))


class NewInstrumentForm(FlaskForm):
    """A province's own instrument: which published instrument to start from, its code and name."""

    base = SelectField(_l("Start from"), validators=[DataRequired()])
    code = StringField(_l("Code of the new instrument"), filters=[nfc],
                       validators=[DataRequired(), Regexp(CODE_PATTERN, message=_l(
                           "Letters, digits, '.', '_' or '-', starting with a letter (at most 40)"))],
                       description=_l("e.g. KIOSK-QN or SIPAS-1001-QN"))
    name_vi = StringField(_l("Name in Vietnamese"), filters=[nfc], validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name in English"), filters=[nfc], validators=[Optional(), Length(max=300)])


class AddItemForm(FlaskForm):
    """A new satisfaction item inside a factor (one form per factor, told apart by its prefix)."""

    # Empty means the suggested code (shown as the placeholder, so typing never appends to a pre-filled value).
    code = StringField(_l("Item code"), filters=[nfc], validators=[Optional(), Regexp(CODE_PATTERN, message=_l(
        "Letters, digits, '.', '_' or '-', starting with a letter (at most 40)"))],
                       description=_l("Leave empty to use the suggested code."))
    # Checked against the registry's factor types in the view; absent means the section's current type.
    qtype = SelectField(_l("Answer scale"), validate_choice=False)
    text_vi = TextAreaField(_l("Wording in Vietnamese"), filters=[nfc],
                            validators=[DataRequired(), Length(max=1000)])
    text_en = TextAreaField(_l("English gloss"), filters=[nfc], validators=[Optional(), Length(max=1000)])


class ScaleForm(FlaskForm):
    """The kiosk's rating scale: 5 or 3 levels (both stored on the 5-level codes)."""

    scale = SelectField(_l("Rating scale at the kiosk"),
                        choices=[SelectChoice(value, label) for value, label in SCALE_LABELS])


# Labels of the question types a satisfaction item may use; the choices themselves come from the registry.
TYPE_LABELS = dict(SCALE_LABELS)


def factor_types() -> list[str]:
    """The registry's question types allowed inside a factor (those scored as satisfaction, top-2-box)."""
    return [name for name, qtype in REGISTRY.items() if qtype.scoring == "top2box"]


def add_item_form(section: str, suggested: str = "", qtype: str = "sat5", **data) -> AddItemForm:
    """The add-item form of one factor; its inputs are prefixed with the factor so ids stay unique on the page."""
    form = AddItemForm(prefix=f"add-{section}", **data)
    form.qtype.choices = [SelectChoice(name, str(TYPE_LABELS.get(name, name))) for name in factor_types()]
    if form.qtype.data is None or "formdata" in data and data["formdata"] is None:
        form.qtype.data = qtype
    form.code.render_kw = {"placeholder": suggested} if suggested else None
    form.suggested = suggested
    return form

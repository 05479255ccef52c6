"""Forms of the administration screens (Flask-WTF, CSRF on every POST form)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, IntegerField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from survey.labels import AGENCY_KINDS, POINT_KINDS, ROLES as ROLE_LABELS_TABLE
from survey.models.accounts import ROLES
from survey.services.organisation.manage import IDLE_SECONDS



def choices(pairs) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs (WTForms 3.3 wants SelectChoice objects)."""
    return [SelectChoice(value, label) for value, label in pairs]


AGENCY_KIND_LABELS = tuple(AGENCY_KINDS.items())
POINT_KIND_LABELS = tuple(POINT_KINDS.items())
ROLE_LABELS = ROLE_LABELS_TABLE
LANGUAGE_LABELS = (("vi", "Tiếng Việt"), ("en", "English"))
IDLE_ACTION_LABELS = (("discard", _l("Discard the unfinished answers")),
                      ("submit", _l("Send what was answered")))


class AgencyForm(FlaskForm):
    """A new agency: electronic identifier, name, unit, parent and kind."""

    code = StringField(_l("Electronic identifier"), validators=[DataRequired(), Length(max=40)],
                       description=_l("e.g. 000.21.22.H49"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    unit = StringField(_l("Unit code"), validators=[DataRequired(), Length(max=10)])
    parent = StringField(_l("Parent agency (identifier)"), validators=[Optional(), Length(max=40)])
    kind = SelectField(_l("Kind"), choices=choices(AGENCY_KIND_LABELS), default="department")


class ServicePointForm(FlaskForm):
    """A new service point of an agency in a unit."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("2–40 letters, digits, '.', '_' or '-', e.g. TTPVHCC-QN-01"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    agency = StringField(_l("Agency (identifier)"), validators=[DataRequired(), Length(max=40)])
    unit = StringField(_l("Unit code"), validators=[DataRequired(), Length(max=10)])
    kind = SelectField(_l("Kind"), choices=choices(POINT_KIND_LABELS), default="centre")


class DeviceForm(FlaskForm):
    """Register a kiosk at a service point (choices filled from the caller's service points)."""

    service_point = SelectField(_l("Service point"), validators=[DataRequired()], choices=[])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    instrument = SelectField(_l("Questionnaire"), choices=[])  # the scope's offered instruments (the view)


class DeviceSettingsForm(FlaskForm):
    """What a manager may set on a kiosk of their units."""

    language = SelectField(_l("Default language"), choices=choices(LANGUAGE_LABELS))
    idle_seconds = IntegerField(_l("Reset after idle (seconds)"),
                                validators=[DataRequired(), NumberRange(*IDLE_SECONDS)])
    idle_action = SelectField(_l("When a person walks away"), choices=choices(IDLE_ACTION_LABELS))
    counters = TextAreaField(_l("Counters (one per line, offered to staff for attribution)"),
                             validators=[Optional(), Length(max=50 * 41)])
    instrument = SelectField(_l("Questionnaire"), choices=[])  # filled by the view, the device's own included
    # The staff panel's PIN (issue 19.16): typed on the kiosk's keypad; empty keeps the current one.
    pin = PasswordField(_l("Staff panel PIN (4–8 digits; leave empty to keep the current one)"),
                        validators=[Optional(), Regexp(r"^[0-9]{4,8}$", message=_l("The PIN must be 4 to 8 digits."))],
                        render_kw={"inputmode": "numeric", "autocomplete": "new-password", "maxlength": 8})
    clear_pin = BooleanField(_l("Remove the PIN (a long press opens the panel again)"))

    def validate_clear_pin(self, field: BooleanField) -> None:
        """Setting a PIN and removing it at once is a mistake, not a choice."""
        if field.data and self.pin.data:
            raise ValidationError(_l("Set a new PIN or remove it, not both."))


class UserForm(FlaskForm):
    """A new staff account; the password is generated and shown once."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=200)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES), default="viewer")
    unit = StringField(_l("Home unit code"), validators=[Optional(), Length(max=10)])
    agency = StringField(_l("Home agency (identifier)"), validators=[Optional(), Length(max=40)])


class TokenForm(FlaskForm):
    """A new API token acting as one account."""

    email = EmailField(_l("Account e-mail"), validators=[DataRequired(), Length(max=200)])
    label = StringField(_l("Label"), validators=[Optional(), Length(max=100)])


class AuditFilterForm(FlaskForm):
    """Filters of the audit log viewer (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=200)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)])
    since = DateField(_l("From (UTC date)"), validators=[Optional()])
    until = DateField(_l("To (UTC date)"), validators=[Optional()])

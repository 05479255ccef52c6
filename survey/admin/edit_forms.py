"""Forms of the edit, search and import screens of the administration (CSRF on every POST form)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from survey.admin.forms import AGENCY_KIND_LABELS, POINT_KIND_LABELS, ROLE_LABELS, choices
from survey.models.accounts import ROLES

STATE_LABELS = (("all", _l("All")), ("active", _l("Active")), ("inactive", _l("Deactivated")))


class SearchForm(FlaskForm):
    """The search box above a list (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)],
                    description=_l("Part of a name or code; accents may be left out"))
    state = SelectField(_l("State"), choices=choices(STATE_LABELS), default="all", validators=[Optional()])


class AgencyEditForm(FlaskForm):
    """Rename an agency, change its kind or its parent."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=choices(AGENCY_KIND_LABELS))
    parent = StringField(_l("Parent agency (identifier)"), validators=[Optional(), Length(max=40)])


class ServicePointEditForm(FlaskForm):
    """Rename a service point or change its kind."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=choices(POINT_KIND_LABELS))


class UserEditForm(FlaskForm):
    """An account's name, role and home scope."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices((r, ROLE_LABELS[r]) for r in ROLES))
    unit = StringField(_l("Home unit code"), validators=[Optional(), Length(max=10)])
    agency = StringField(_l("Home agency (identifier)"), validators=[Optional(), Length(max=40)])


class DeviceImportForm(FlaskForm):
    """A CSV of kiosks to register: service_point, name, instrument."""

    file = FileField(_l("CSV file (UTF-8)"))

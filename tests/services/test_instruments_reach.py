"""Who sees a province-made instrument (issue 19): everyone working in the province (commune and agency staff
too) reads it and collects with it; another province's staff never; only Home Affairs of the province changes it."""
from __future__ import annotations

import pytest

from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.services.access.scope import OPERATOR, home_province_ids, scope_for
from survey.services.instruments import drafts
from survey.services.instruments.versions import get_instrument, manages_instrument, sees_instrument, \
    visible_instruments
from survey.services.organisation.manage import kiosk_instruments
from survey.services.responses.catalog import published_codes
from survey.services.organisation.units import get_unit
from tests.fixtures.factories import commune_codes


@pytest.fixture
def own(app):
    """A published kiosk instrument of province 22 and one of province 01."""
    for code, province in (("QN-KIOSK", "22"), ("HN-KIOSK", "01")):
        drafts.create_own_instrument("KIOSK-QUICK", code, {"vi": f"Phiếu riêng {code}"}, province, "test", OPERATOR)
        drafts.publish_version(code, 1, "test", OPERATOR)
    db.session.commit()


def _codes(scope) -> set[str]:
    return {i.code for i in visible_instruments(scope)}


@pytest.mark.parametrize("role", ["viewer", "manager", "clerk"])
def test_commune_staff_see_their_provinces_instruments_and_no_other(own, make_user, role):
    home = scope_for(make_user(role, unit=commune_codes("22", 1)[0]))
    foreign = scope_for(make_user(role, unit=commune_codes("01", 1)[0]))
    assert {"QN-KIOSK", "KIOSK-QUICK", "SIPAS-1001"} <= _codes(home) and "HN-KIOSK" not in _codes(home)
    assert "HN-KIOSK" in _codes(foreign) and "QN-KIOSK" not in _codes(foreign)
    # Paper entry and CSV import offer the same (collection uses it).
    assert "QN-KIOSK" in published_codes(home) and "HN-KIOSK" not in published_codes(home)
    assert home_province_ids(home) >= {get_unit("22").id} and get_unit("01").id not in home_province_ids(home)


def test_agency_staff_see_the_province_of_their_agency_only(own, make_user, make_agency):
    agency = make_agency(unit="22", code="000.31.22.H99")
    scope = scope_for(make_user("viewer", unit=None, agency=agency.code))
    assert scope.unit_ids is None  # an agency scope: every unit "visible" on that axis, which is not every province
    assert "QN-KIOSK" in _codes(scope) and "HN-KIOSK" not in _codes(scope)
    boss = scope_for(make_user("homeaffairs", unit=None, agency=agency.code))
    assert [o.code for o in kiosk_instruments(boss) if not o.official] == ["QN-KIOSK"]


def test_seeing_is_not_changing(own, make_user, make_agency):
    instrument = get_instrument("QN-KIOSK")
    commune = scope_for(make_user("homeaffairs", unit=commune_codes("22", 1)[0]))
    province = scope_for(make_user("homeaffairs", unit="22"))
    agency = scope_for(make_user("homeaffairs", unit=None, agency=make_agency(unit="22").code))
    assert sees_instrument(commune, instrument) and sees_instrument(agency, instrument)
    assert not manages_instrument(commune, instrument) and not manages_instrument(agency, instrument)
    assert manages_instrument(province, instrument) and manages_instrument(OPERATOR, instrument)
    drafts.new_version("QN-KIOSK", "test", province)
    db.session.commit()
    for scope in (commune, agency):
        with pytest.raises(Forbidden):
            drafts.edit_draft("QN-KIOSK", 2, lambda d: d, "x", "x@example.vn", scope)
    with pytest.raises(NotFound):  # another province's: as if it did not exist
        drafts.edit_draft("QN-KIOSK", 2, lambda d: d, "x", "x@example.vn",
                          scope_for(make_user("homeaffairs", unit="01")))


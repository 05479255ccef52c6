"""The unit registry: official units, accent-insensitive search, legacy import with crosswalk."""
from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Unit, UnitSuccession
from survey.services.organisation import legacy
from survey.services.organisation import units


def test_all_provinces_and_communes_are_loaded_with_official_codes(app):
    counts = units.count_units()
    assert counts["2025:province"] == 34
    assert counts["2025:commune"] == 3321
    hanoi = units.get_unit("01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert units.get_unit("00004").parent_id == hanoi.id  # Phường Ba Đình lies in Hà Nội


def test_loading_again_adds_nothing(app):
    assert units.load_current_units() == {"province": 0, "commune": 0}


def test_unknown_province_is_refused(app):
    with pytest.raises(NotFound):
        units.load_current_units("99")


def test_names_are_nfc(app):
    names = db.session.scalars(select(Unit.name)).all()
    assert all(unicodedata.is_normalized("NFC", n) for n in names)


def test_search_ignores_accents(app):
    found = {u.name for u in units.search_units("Ha Long", province="22")}
    assert "Phường Hạ Long" in found
    assert {u.name for u in units.search_units("hạ long", province="22")} == found


LEGACY = """Tỉnh / Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,successor_codes
Tỉnh Quảng Ninh,22,Thành phố Hạ Long,193,Phường Hà Khánh,06628,{a}
Tỉnh Quảng Ninh,22,Thành phố Hạ Long,193,Phường Hà Phong,06631,{a}
Tỉnh Quảng Ninh,22,Huyện Cô Tô,207,Xã Thanh Lân,07195,{a};{b}
"""


def _two_communes():
    prov = units.get_unit("22")
    return db.session.scalars(select(Unit.code).where(Unit.parent_id == prov.id).order_by(Unit.code).limit(2)).all()


def test_legacy_import_builds_levels_and_crosswalk(app):
    a, b = _two_communes()
    result = legacy.import_legacy_csv(LEGACY.format(a=a, b=b))
    assert result == {"province": 1, "district": 2, "commune": 3, "successions": 5}
    old = units.get_unit("07195", vintage="legacy")
    assert old.parent.name == "Huyện Cô Tô" and old.parent.level == "district"
    assert str(old.valid_to) == "2025-06-30"
    shares = db.session.scalars(select(UnitSuccession.share).where(UnitSuccession.legacy_unit_id == old.id)).all()
    assert sorted(shares) == [0.5, 0.5]


def test_legacy_import_with_a_bad_row_imports_nothing(app):
    a, _b = _two_communes()
    bad = LEGACY.format(a=a, b="99999")
    with pytest.raises(Invalid) as caught:
        legacy.import_legacy_csv(bad)
    assert any(e["line"] == 4 and e["code"] == "unknown_successor" for e in caught.value.errors)
    assert db.session.scalar(select(func.count()).where(Unit.vintage == "legacy")) == 0


def test_legacy_import_names_missing_columns(app):
    with pytest.raises(Invalid) as caught:
        legacy.import_legacy_csv("Mã TP,Tỉnh\n22,Quảng Ninh\n")
    assert {e["field"] for e in caught.value.errors} >= {"district_code", "commune_code", "successor_codes"}


LONG_HEADER = "level,code,name,parent_code,valid_from,valid_to,successor_codes\n"


def _long(rows: str, successor: str) -> str:
    return LONG_HEADER + rows.format(s=successor)


GOOD_LONG = """province,22,Tỉnh Quảng Ninh,,2008-08-01,2025-06-30,
district,193,Thành phố Hạ Long,22,2008-08-01,2025-06-30,
commune,06628,Phường Hà Khánh,193,2008-08-01,2025-06-30,{s}
"""

BAD_FILES = {
    "unknown_parent": "province,22,Tỉnh Quảng Ninh,,,,\ndistrict,193,Thành phố Hạ Long,22,,,\n"
                      "commune,06628,Phường Hà Khánh,194,,,{s}\n",
    "duplicate": GOOD_LONG + "commune,06628,Phường Hà Khánh,193,2008-08-01,2025-06-30,{s}\n",
    "overlapping_validity": "province,22,Tỉnh Quảng Ninh,,,,\ndistrict,193,Thành phố Hạ Long,22,,,\n"
                            "commune,06628,Phường Hà Khánh,193,2008-08-01,2019-12-31,{s}\n"
                            "commune,06628,Phường Hà Khánh mới,193,2019-06-01,2025-06-30,{s}\n",
    "cycle": "province,22,Tỉnh Quảng Ninh,,,,\ndistrict,193,Thành phố Hạ Long,06628,,,\n"
             "commune,06628,Phường Hà Khánh,193,,,{s}\n",
}


def test_long_form_file_imports(app):
    a, _b = _two_communes()
    assert legacy.import_legacy_csv(_long(GOOD_LONG, a).encode())["commune"] == 1


@pytest.mark.parametrize("problem", sorted(BAD_FILES))
def test_bad_legacy_file_names_the_row_and_imports_nothing(app, problem):
    a, _b = _two_communes()
    with pytest.raises(Invalid) as caught:
        legacy.import_legacy_csv(_long(BAD_FILES[problem], a).encode())
    found = [e for e in caught.value.errors if e["code"] == problem]
    assert found and all(e["line"] >= 2 and f"line {e['line']}" in e["message"] for e in found)
    assert db.session.scalar(select(func.count()).where(Unit.vintage == "legacy")) == 0


def test_broken_encoding_names_the_line_and_imports_nothing(app):
    a, _b = _two_communes()
    data = _long(GOOD_LONG, a).encode("utf-8").replace("Hà Khánh".encode(), b"H\xe0 Kh\xe1nh")
    with pytest.raises(Invalid) as caught:
        legacy.import_legacy_csv(data)
    assert caught.value.errors[0]["code"] == "encoding" and caught.value.errors[0]["line"] == 4
    assert db.session.scalar(select(func.count()).where(Unit.vintage == "legacy")) == 0


def test_cli_import_legacy_reports_rows(runner, tmp_path):
    a, _b = _two_communes()
    path = tmp_path / "old.csv"
    path.write_bytes(_long(BAD_FILES["unknown_parent"], a).encode())
    result = runner.invoke(args=["units", "import-legacy", str(path)])
    assert result.exit_code != 0 and "line 4" in result.output and "194" in result.output

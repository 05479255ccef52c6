"""Population margins and the secondary, weighted figures on SQLite and PostgreSQL: all-or-nothing imports by Home
Affairs only, a hand-computed post-stratified index, and unweighted figures that never move."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from survey.errors import Forbidden, Invalid, NotFound
from survey.extensions import db
from survey.models import PopulationMargin
from survey.services.indices.compute import compute_indices
from survey.services.access.scope import OPERATOR, scope_for
from survey.services.organisation.units import get_unit
from survey.services.indices.weights import import_margins, margins_for
from tests.fixtures.factories import HOME_PROVINCE, commune_codes

from tests.fixtures.weights_data import MARGINS, NOW, submit  # noqa: F401 - used by the tests below


def stored() -> int:
    return db.session.scalar(select(func.count()).select_from(PopulationMargin))


def test_home_affairs_imports_margins_and_a_new_file_replaces_them(app, make_user):
    scope = scope_for(make_user(role="homeaffairs"))
    assert import_margins(scope, HOME_PROVINCE, MARGINS, actor="ha@example.vn") == 3
    assert import_margins(scope, HOME_PROVINCE, "\ufeffsex,age_band,population\n2,5,70\n1,5,30\n") == 2
    db.session.commit()
    rows = margins_for(get_unit(HOME_PROVINCE).id)
    assert [(r.sex, r.age_band, r.population) for r in rows] == [(1, 5, 30), (2, 5, 70)]


@pytest.mark.parametrize("text, field, code", [
    ("sex,age_band,population\n1,1,500\n3,1,500\n", "sex", "out_of_range"),
    ("sex,age_band,population\n1,1,500\n2,6,500\n", "age_band", "out_of_range"),
    ("sex,age_band,population\n1,1,500\n2,1,lots\n", "population", "invalid"),
    ("sex,age_band,population\n1,1,500\n1,1,-4\n", "population", "out_of_range"),
    ("sex,age_band,population\n1,1,500\n1,1,600\n", "sex", "duplicate"),
    ("sex,population\n1,500\n", "age_band", "missing_column"),
    ("sex,age_band,population\n1,1,500\n2,1,1_000\n", "population", "invalid"),  # digits only
    ("sex,age_band,population\n1,1,500\n2,1,99999999999999999999\n", "population", "invalid"),
    ("sex,age_band,population\n1,1,500\n2,1,1000000001\n", "population", "out_of_range"),
    ("sex,age_band,population\n1,1,500\n2,1,\"" + "9" * 200_000 + "\"\n", "file", "not_csv"),
])
def test_a_bad_row_stores_nothing_and_names_the_line(app, text, field, code):
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()
    with pytest.raises(Invalid) as caught:
        import_margins(OPERATOR, HOME_PROVINCE, text)
    db.session.rollback()
    assert (caught.value.errors[0]["field"], caught.value.errors[0]["code"]) == (field, code)
    assert code == "missing_column" or caught.value.errors[0]["line"] == 3
    assert stored() == 3  # the previous margins are untouched


@pytest.mark.parametrize("role", ["manager", "viewer", "clerk"])
def test_only_home_affairs_may_upload_margins(app, make_user, role):
    with pytest.raises(Forbidden):
        import_margins(scope_for(make_user(role=role)), HOME_PROVINCE, MARGINS)
    assert stored() == 0


def test_a_province_outside_the_scope_or_not_a_province_is_refused(app, make_user):
    scope = scope_for(make_user(role="homeaffairs"))
    with pytest.raises(NotFound):
        import_margins(scope, "01", MARGINS)
    with pytest.raises(Invalid):
        import_margins(OPERATOR, commune_codes(HOME_PROVINCE, 1)[0], MARGINS)
    assert stored() == 0


def test_golden_weighted_index_by_hand(profiled_data):
    c1, c2, c3 = profiled_data
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()
    rows = {r["unit_code"]: r for r in compute_indices("SIPAS-1001", "2026", "commune", HOME_PROVINCE,
                                                        min_n=30, weighted=True, now=NOW).document["rows"]}
    # n_known = 40; weight(1-1) = ½·40/30 = 2/3, weight(2-1) = ½·40/10 = 2; the 5 without a profile weigh 0.
    # Weighted top-2 box = (2/3·15 + 2·10) / (2/3·30 + 2·10) = 30/40 = 75 %; unweighted (15 + 10)/45 = 55.56 %.
    assert rows[c1]["index"] == 55.56
    assert rows[c1]["weighted"] == {"index": 75.0, "n_weighted_cells": 2}
    assert rows[c2]["index"] == 100.0 and rows[c2]["weighted"] is None  # nobody gave sex and age band
    assert rows[c3]["suppressed"] is True and rows[c3]["weighted"] is None


def test_province_and_agency_rows_are_weighted_too(profiled_data):
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()
    province = compute_indices("SIPAS-1001", "2026", "province", HOME_PROVINCE, min_n=30, weighted=True)
    # All 83: strata 1-1 (30), 2-1 (10), 2-3 (3, no margin → weight 0): the same weights as c1 → 75 %.
    assert [r["weighted"] for r in province.document["rows"]] == [{"index": 75.0, "n_weighted_cells": 2}]
    agencies = compute_indices("SIPAS-1001", "2026", "agency", HOME_PROVINCE, min_n=30, weighted=True)
    # Each commune's service point has its own agency: c1's (n 45) is weighted, c2's has no profiles.
    assert sorted((r["n"], r["weighted"] is None) for r in agencies.document["rows"]) == [
        (3, True), (35, True), (45, False)]
    assert [r["weighted"] for r in agencies.document["rows"] if r["n"] == 45] == [
        {"index": 75.0, "n_weighted_cells": 2}]


def test_unweighted_figures_are_the_same_with_and_without_margins(profiled_data):
    def document(weighted: bool) -> dict:
        return compute_indices("SIPAS-1001", "2026", "commune", HOME_PROVINCE, min_n=30, weighted=weighted,
                               now=NOW).document

    plain = document(False)
    assert all("weighted" not in r for r in plain["rows"])
    without_margins = document(True)
    assert all(r["weighted"] is None for r in without_margins["rows"])
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()
    with_margins = document(True)
    assert any(r["weighted"] for r in with_margins["rows"])
    strip = lambda doc: [{k: v for k, v in r.items() if k != "weighted"} for r in doc["rows"]]  # noqa: E731
    assert strip(with_margins) == strip(without_margins) == strip(plain)
    assert document(False) == plain


def test_profile_breakdowns_get_no_weighted_figures(profiled_data):
    import_margins(OPERATOR, HOME_PROVINCE, MARGINS)
    db.session.commit()
    doc = compute_indices("SIPAS-1001", "2026", "sex", HOME_PROVINCE, min_n=1, weighted=True).document
    assert doc["rows"] and all(r["weighted"] is None for r in doc["rows"])


def test_cli_imports_shows_and_prints_weighted_figures(profiled_data, runner, tmp_path):
    c1 = profiled_data[0]
    path = tmp_path / "margins.csv"
    path.write_text(MARGINS, encoding="utf-8")
    assert "3 margins stored" in runner.invoke(args=["weights", "import", "--province", HOME_PROVINCE,
                                                     str(path)]).output
    shown = runner.invoke(args=["weights", "show", "--province", HOME_PROVINCE])
    assert shown.exit_code == 0 and "1000" in shown.output and "50.00%" in shown.output
    path.write_text("sex,age_band,population\n9,1,5\n", encoding="utf-8")
    bad = runner.invoke(args=["weights", "import", "--province", HOME_PROVINCE, str(path)])
    assert bad.exit_code != 0 and "line 2" in bad.output
    out = runner.invoke(args=["indices", "--instrument", "SIPAS-1001", "--period", "2026", "--province",
                              HOME_PROVINCE, "--format", "json", "--weighted"])
    assert out.exit_code == 0, out.output
    rows = {r["unit_code"]: r for r in json.loads(out.output)["rows"]}
    assert rows[c1]["weighted"] == {"index": 75.0, "n_weighted_cells": 2}

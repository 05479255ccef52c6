"""Every import, web and CLI, answers a malformed file (a huge cell, bytes that are not UTF-8, an empty file, a
missing header, semicolons) with a clear error naming the line or the problem: 4xx or a non-zero exit without a
traceback, and nothing written."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Agency, PopulationMargin, Response, ServicePoint, Unit
from tests.fixtures.factories import HOME_PROVINCE, commune_codes

HUGE = "x" * 200_000  # beyond the csv module's own field limit
LONG = "y" * 20_000  # within it, beyond an import's cell limit


def written() -> tuple:
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in
                 (Response, Agency, ServicePoint, PopulationMargin)) + (
        db.session.scalar(select(func.count()).where(Unit.vintage == "legacy")),)


# import → (good header, a good row); the malformed files are made from them.
IMPORTS = {
    "responses": ("instrument,service_point,submitted_at,Q,COMMENT", "KIOSK-QUICK,SP-UP,2026-01-05,4,{cell}"),
    "agencies": ("code,name,unit,kind", "000.55.22.H22,{cell},22,department"),
    "service-points": ("code,name,agency,unit,kind", "SP-NEW,{cell},000.54.22.H22,{commune},counter"),
    "units": ("level,code,name,parent_code,valid_from,valid_to,successor_codes", "province,22,{cell},,,,"),
    "weights": ("sex,age_band,population", "1,1,{cell}"),
}
CLI = {"responses": ["responses", "import"], "agencies": ["agencies", "import"],
       "service-points": ["service-points", "import"], "units": ["units", "import-legacy"],
       "weights": ["weights", "import", "--province", HOME_PROVINCE]}


def files(kind: str, commune: str) -> dict[str, bytes]:
    header, row = IMPORTS[kind]
    good = lambda cell: f"{header}\n{row.format(cell=cell, commune=commune)}\n"  # noqa: E731
    return {
        "huge_cell": good(f'"{HUGE}"').encode(),
        "long_cell": good(LONG).encode(),
        "not_utf8": good("Sở Tư pháp").encode("utf-16"),
        "latin1": good("Sở").encode("utf-8").replace("ở".encode(), b"\xf6"),
        "empty": b"",
        "no_header": row.format(cell="a", commune=commune).encode() + b"\n",
        "semicolons": good("z").replace(",", ";").encode(),
    }


@pytest.fixture
def world(make_service_point, make_agency):
    commune = commune_codes(HOME_PROVINCE, 1)[0]
    make_agency(unit="22", code="000.54.22.H22")
    make_service_point(unit=commune, code="SP-UP")
    return commune


CASES = [(kind, problem) for kind in IMPORTS for problem in
         ("huge_cell", "long_cell", "not_utf8", "latin1", "empty", "no_header", "semicolons")]


@pytest.mark.parametrize("kind, problem", CASES)
def test_cli_import_of_a_malformed_file_fails_cleanly(runner, world, tmp_path, kind, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(files(kind, world)[problem])
    before = written()
    result = runner.invoke(args=[*CLI[kind], str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "Error:" in result.output
    if problem in ("huge_cell", "long_cell", "latin1"):
        assert "line 2" in result.output, result.output
    if problem in ("not_utf8", "latin1"):
        assert "UTF-8" in result.output
    assert written() == before


WEB = {"responses": ("clerk", "/paper/import"), "weights": ("homeaffairs", "/admin/weights")}


@pytest.mark.parametrize("kind, problem", [c for c in CASES if c[0] in WEB])
def test_web_import_of_a_malformed_file_is_a_4xx(client, world, login_as, kind, problem):
    role, url = WEB[kind]
    login_as(role, unit=HOME_PROVINCE if role == "homeaffairs" else world)
    before = written()
    resp = client.post(url, data={"file": (io.BytesIO(files(kind, world)[problem]), "bad.csv")},
                       content_type="multipart/form-data")
    assert 400 <= resp.status_code < 500, resp.status_code
    page = resp.get_data(as_text=True)
    if problem in ("huge_cell", "long_cell") and kind == "responses":
        assert "dòng 2" in page  # the paper screen says it in Vietnamese (issue 19.9)
    assert written() == before

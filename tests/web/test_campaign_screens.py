"""Home Affairs' campaign screens and the official figures (issue 18): create, draw, progress, outcome, frame,
packs, estimates beside the Ministry's published figures; scoped through the services."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest

from survey.errors import Invalid
from survey.extensions import db
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import manage, official
from survey.services.campaigns.answers import complete_questionnaire
from tests.fixtures.factories import commune_codes


def _frame(c1: str, c2: str) -> bytes:
    return ("commune_code,village_code,village_name,population\n"
            f"{c1},V1,Thôn Một,400\n{c1},V2,Thôn Hai,500\n{c2},W1,Thôn Ba,300\n").encode()


def test_home_affairs_runs_a_campaign_from_the_screens(client, login_as, monkeypatch, app):
    c1, c2 = commune_codes("22", 2)
    monkeypatch.setitem(app.config, "MIN_N", 1)
    login_as("homeaffairs", "22")
    bad = client.post("/campaigns/frame", data={"province": "22", "file": (io.BytesIO(b"x,y\n1,2\n"), "f.csv")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "commune_code" in bad.text
    sent = client.post("/campaigns/frame", data={"province": "22", "file": (io.BytesIO(_frame(c1, c2)), "f.csv")},
                       content_type="multipart/form-data")
    assert sent.status_code == 302
    view = client.get(f"/campaigns/frame?province=22&commune={c1}")
    assert view.status_code == 200 and "Thôn Hai" in view.text and ">900<" in view.text
    today = date.today()
    form = {"code": "QN-WEB", "province": "22", "instrument": "SIPAS-1001", "from": str(today - timedelta(days=3)),
            "to": str(today + timedelta(days=30)), "villages_per_commune": "2", "people_per_village": "2",
            "seed": "11"}
    wrong = client.post("/campaigns/new", data={**form, "villages_per_commune": "x"})
    assert wrong.status_code == 422 and "villages_per_commune" in wrong.text
    assert client.post("/campaigns/new", data=form).status_code == 302
    assert "QN-WEB" in client.get("/campaigns/").text
    assert client.post("/campaigns/QN-WEB/draw").status_code == 302
    rows = manage.questionnaire_rows(OPERATOR, "QN-WEB")
    assert len(rows) == 6
    complete_questionnaire("QN-WEB", rows[0]["questionnaire"], {"A2.3.1": 5, "X.4": 1})
    complete_questionnaire("QN-WEB", rows[2]["questionnaire"], {"A2.3.1": 4, "X.4": 1})
    db.session.commit()
    assert client.post("/campaigns/QN-WEB/outcome", data={"questionnaire": rows[1]["questionnaire"],
                                                          "status": "refused"}).status_code == 302
    page = client.get("/campaigns/QN-WEB")
    assert page.status_code == 200
    text = page.text
    assert 'id="n-completed">2<' in text and "33,33%" in text  # RR1 = 2 / (6 issued − 0 ineligible)
    assert "<meter" in text and "style=" not in text  # the bar is a meter element: no inline style (CSP)
    assert "Kết quả chính thức (Bộ Nội vụ)" in text and "83,94%" in text and "vietnam.vnanet.vn" in text
    assert "90,61%" in text  # Quảng Ninh's published 2023 index: the campaign's province (22)
    assert "75,03%" not in text  # another province's figure is not shown
    packs = client.get("/campaigns/QN-WEB/packs.zip")
    assert packs.status_code == 200 and len(zipfile.ZipFile(io.BytesIO(packs.data)).namelist()) == 3


def test_a_commune_manager_reads_but_does_not_manage(client, login_as):
    c1, c2 = commune_codes("22", 2)
    from survey.services.campaigns.frame import import_frame

    import_frame(OPERATOR, "22", _frame(c1, c2).decode())
    manage.create_campaign(OPERATOR, "QN-M", "22", "SIPAS-1001", None, date(2026, 10, 1), date(2026, 10, 31), 1, 2,
                           None, 3)
    manage.draw(OPERATOR, "QN-M")
    db.session.commit()
    login_as("manager", c1)
    page = client.get("/campaigns/QN-M")
    assert page.status_code == 200 and c2 not in page.text.split('id="communes"')[1].split("</table>")[0]
    assert client.get("/campaigns/QN-M/packs.zip").status_code == 403
    assert client.get("/campaigns/new").status_code == 403
    assert client.post("/campaigns/QN-M/draw").status_code == 403


def test_official_import_refuses_a_row_without_source_and_replaces_by_key(runner, tmp_path):
    header = "year,level,unit_code,unit_name,measure,label,value,source\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "2024,province,22,Quảng Ninh,index,SIPAS,91.2,\n2024,region,X,Y,index,Z,101,src.vn\n",
                   "utf-8")
    out = runner.invoke(args=["official", "import", str(bad)])
    assert out.exit_code != 0 and "row 2.source" in out.output and "row 3.value" in out.output
    good = tmp_path / "good.csv"
    good.write_text(header + "2024,province,22,Quảng Ninh,index,Chỉ số SIPAS,88.5,Báo cáo SIPAS 2024 (bnv.gov.vn)\n"
                    "2024,national,VN,Toàn quốc,index,Chỉ số SIPAS,84.00,Corrected figure (example source)\n", "utf-8")
    out = runner.invoke(args=["official", "import", str(good)])
    assert out.exit_code == 0 and "2 added, 0 replaced" in out.output
    figures = {(f["year"], f["unit_code"], f["measure"]): f for f in official.all_figures()}
    assert figures[(2024, "22", "index")]["value"] == 88.5
    assert figures[(2024, "VN", "index")]["value"] == 84.0  # the imported row replaces the shipped one
    assert figures[(2023, "VN", "index")]["value"] == 82.66  # shipped rows stay


def test_every_shipped_official_row_cites_a_source():
    rows = official.parse_figures(official.SHIPPED.read_text("utf-8"))
    assert rows and all(len(r["source"]) > 10 for r in rows)
    with pytest.raises(Invalid):
        official.parse_figures("year,level,unit_code,unit_name,measure,label,value,source\n"
                               "2024,national,VN,VN,index,x,83.94,\n")

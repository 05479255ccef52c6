"""The population weights screen: Home Affairs uploads its province's sex × age band margins as CSV; a bad file
changes nothing and says which lines are wrong, in Vietnamese first."""
from __future__ import annotations

import io

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, PopulationMargin
from tests.fixtures.factories import commune_codes

GOOD = "sex,age_band,population\n" + "".join(f"{s},{b},{1000 * s + b}\n" for s in (1, 2) for b in range(1, 6))


def _upload(client, text: str, lang: str = "vi"):
    return client.post(f"/admin/weights?lang={lang}", data={"file": (io.BytesIO(text.encode()), "margins.csv")},
                       content_type="multipart/form-data")


def _stored() -> dict:
    db.session.expire_all()
    return {(m.sex, m.age_band): m.population for m in db.session.scalars(select(PopulationMargin))}


def test_home_affairs_uploads_margins_and_sees_them(client, login_as):
    login_as("homeaffairs", unit="22")
    empty = client.get("/admin/weights?lang=en").get_data(as_text=True)
    assert 'id="no-margins"' in empty and "Population weights" in empty
    assert _upload(client, GOOD).status_code == 200
    assert _stored() == {(s, b): 1000 * s + b for s in (1, 2) for b in range(1, 6)}
    page = client.get("/admin/weights").get_data(as_text=True)
    assert "Từ 18 đến 24 tuổi" in page and "1.001" in page and "15.030" in page  # Vietnamese digit grouping
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "weights.import"))
    assert entry.object == "22"


def test_a_bad_file_changes_nothing_and_names_each_line(client, login_as):
    login_as("homeaffairs", unit="22")
    _upload(client, GOOD)
    bad = "sex,age_band,population\n1,1,500\n3,1,20\n1,7,x\n1,1,9\n"
    response = _upload(client, bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Dòng 3: giới tính phải là 1 (nam) hoặc 2 (nữ)." in page
    assert "Dòng 4: nhóm tuổi phải từ 1 đến 5." in page and "Dòng 4: population phải là số nguyên." in page
    assert "Dòng 5: giới tính và nhóm tuổi này xuất hiện hai lần." in page
    assert _stored()[(1, 1)] == 1001  # the earlier upload stands
    missing = _upload(client, "sex,population\n1,2\n", lang="en").get_data(as_text=True)
    assert "Column age_band is missing" in missing
    huge = _upload(client, "sex,age_band,population\n" + "1,1,1\n" * 12_000)  # 72 kB: not a margins file
    assert huge.status_code == 422 and "Vui lòng chọn tệp CSV không quá 64 KB." in huge.get_data(as_text=True)


def test_the_template_holds_the_current_figures(client, login_as):
    login_as("homeaffairs", unit="22")
    blank = client.get("/admin/weights/template.csv").get_data(as_text=True)
    assert blank.lstrip("\ufeff").splitlines()[:2] == ["sex,age_band,population", "1,1,"]
    _upload(client, GOOD)
    filled = client.get("/admin/weights/template.csv").get_data(as_text=True).lstrip("\ufeff")
    assert filled == GOOD


def test_only_home_affairs_manages_weights(client, login_as):
    login_as("manager", unit=commune_codes("22", 1)[0])
    assert client.get("/admin/weights").status_code == 403
    assert _upload(client, GOOD).status_code == 403
    assert _stored() == {}

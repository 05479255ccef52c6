"""The online form: province-made instruments and a point's QR choice (19.6), comment and consent-to-contact
(19.7), what an empty or wrong submission says, the progress line and the first question (19.8)."""
from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Comment, Contact, InstrumentVersion, Response
from tests.web.test_collect_own_instruments import own_instrument


@pytest.fixture
def point(make_service_point):
    return make_service_point(name="Bộ phận Một cửa phường Bãi Cháy")


@pytest.fixture
def own(app):
    own_instrument("KIOSK-QUICK", "QN-KIOSK")
    own_instrument("KIOSK-QUICK", "HN-KIOSK", province="01")


def rows(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def asked(html: str) -> str:
    return re.search(r'name="i" value="([^"]+)"', html).group(1)


def fieldsets(html: str) -> list[str]:
    return re.findall(r'<fieldset class="sf-q" id="q-([^"]+)"', html)


# 19.6 — province-made instruments online, and the instruments a point's QR code offers.

def test_the_online_form_asks_a_province_made_instrument(client, point, own):
    html = client.get(f"/s/{point.public_key}?i=QN-KIOSK").get_data(as_text=True)
    assert asked(html) == "QN-KIOSK" and 'name="a.Q"' in html and 'name="r.sex"' not in html
    sent = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "QN-KIOSK", "a.Q": "5"})
    assert sent.status_code == 302
    stored = db.session.get(InstrumentVersion, db.session.scalar(select(Response)).instrument_version_id)
    assert stored.instrument.code == "QN-KIOSK"
    # Another province's instrument is not asked here: the point's default is.
    assert asked(client.get(f"/s/{point.public_key}?i=HN-KIOSK").get_data(as_text=True)) == "SIPAS-1001"


def test_a_service_point_chooses_the_instruments_of_its_qr_code(client, login_as, point, own):
    login_as("homeaffairs")
    page = client.get(f"/admin/service-points/{point.code}/online").get_data(as_text=True)
    assert 'value="QN-KIOSK"' in page and 'value="HN-KIOSK"' not in page and 'value="ONESTOP-118"' in page
    saved = client.post(f"/admin/service-points/{point.code}/online", data={"instruments": ["KIOSK-QUICK", "QN-KIOSK"]})
    assert saved.status_code == 302
    refused = client.post(f"/admin/service-points/{point.code}/online", data={"instruments": ["HN-KIOSK"]})
    assert refused.status_code == 200 and "HN-KIOSK" not in str(db.session.get(type(point), point.id)
                                                                  .online_instruments)
    chooser = client.get(f"/s/{point.public_key}").get_data(as_text=True)
    assert 'name="i"' not in chooser
    assert f"/s/{point.public_key}?i=KIOSK-QUICK" in chooser and f"/s/{point.public_key}?i=QN-KIOSK" in chooser
    assert asked(client.get(f"/s/{point.public_key}?i=QN-KIOSK").get_data(as_text=True)) == "QN-KIOSK"
    # What the point does not offer opens its first instrument.
    assert asked(client.get(f"/s/{point.public_key}?i=SIPAS-1001").get_data(as_text=True)) == "KIOSK-QUICK"


def test_a_point_with_one_instrument_opens_it_without_a_choice(client, login_as, point, own):
    login_as("homeaffairs")
    client.post(f"/admin/service-points/{point.code}/online", data={"instruments": ["QN-KIOSK"]})
    assert asked(client.get(f"/s/{point.public_key}").get_data(as_text=True)) == "QN-KIOSK"


# 19.7 — the comment box and the consent-to-contact box.

def test_the_sipas_form_has_a_comment_box_and_an_unticked_consent_box(client, point):
    html = client.get(f"/s/{point.public_key}").get_data(as_text=True)
    assert '<textarea id="f-COMMENT" name="a.COMMENT"' in html
    box = re.search(r'<input type="checkbox" name="consent"[^>]*>', html).group(0)
    assert "checked" not in box
    assert 'name="contact_phone"' in html and 'name="contact_email"' in html


def test_a_comment_and_consented_contact_are_stored_apart(client, point):
    data = {"id": str(uuid.uuid4()), "i": "SIPAS-1001", "a.A2.1.1": "5", "a.COMMENT": "Cán bộ rất nhiệt tình",
            "consent": "1", "contact_name": "Trần Thị B", "contact_phone": "0912 345 678", "contact_email": ""}
    assert client.post(f"/s/{point.public_key}", data=data).status_code == 302
    response = db.session.scalar(select(Response))
    assert db.session.scalar(select(Comment.text).where(Comment.response_id == response.id)) == \
        "Cán bộ rất nhiệt tình"
    contact = db.session.scalar(select(Contact))
    assert (contact.response_id, contact.name, contact.phone, contact.email) == \
        (response.id, "Trần Thị B", "0912 345 678", None)
    # A resend of the same form keeps one response and one contact.
    assert client.post(f"/s/{point.public_key}", data=data).status_code == 302
    assert rows(Response) == 1 and rows(Contact) == 1


@pytest.mark.parametrize("fields, bad", [
    ({"contact_phone": "0912345678"}, "consent"),  # details without the consent box
    ({"consent": "1"}, "contact_phone"),  # consent without details
    ({"consent": "1", "contact_phone": "12"}, "contact_phone"),
    ({"consent": "1", "contact_email": "not-an-address"}, "contact_email"),
])
def test_contact_problems_are_marked_and_nothing_is_stored(client, point, fields, bad):
    data = {"id": str(uuid.uuid4()), "i": "SIPAS-1001", "a.A2.1.1": "5", **fields}
    resp = client.post(f"/s/{point.public_key}", data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and rows(Response) == 0 and rows(Contact) == 0
    marked = {"consent": 'id="f-consent"', "contact_phone": 'id="f-contact-phone"',
              "contact_email": 'id="f-contact-email"'}[bad]
    after = html[html.index(marked):]
    assert after.index('class="sf-error"') < after.index("</fieldset>")
    assert re.search(r'name="a.A2.1.1" value="5"\s+checked', html)  # the answers given stay


# 19.8 — an empty submission says what is missing; the progress line; the first question.

def test_an_empty_submission_says_what_is_missing(client, point):
    resp = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "SIPAS-1001"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and rows(Response) == 0
    message = re.search(r'id="sf-message">([^<]+)<', html).group(1)
    assert message == "Xin trả lời ít nhất một câu hỏi."


def test_a_wrong_answer_is_marked_where_it_is(client, point):
    resp = client.post(f"/s/{point.public_key}", data={"id": str(uuid.uuid4()), "i": "KIOSK-QUICK", "a.Q": "8"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Xin kiểm tra lại các câu trả lời được đánh dấu." in html
    question = html[html.index('id="q-Q"'):]
    assert question.index('class="sf-error"') < question.index("</fieldset>")


def test_the_long_form_has_a_progress_line_and_opens_with_a_question(client, point):
    html = client.get(f"/s/{point.public_key}").get_data(as_text=True)
    assert 'id="sf-progress"' in html and "<progress" in html
    assert re.search(r'class="sf-count">\d+ câu hỏi<', html)
    first = fieldsets(html)[0]
    assert first == "A2.1.1"  # not the yes/no gate X.5, which now comes just before the items it opens
    order = fieldsets(html)
    assert order.index("X.5") == order.index("A2.5.1") - 1
    # The lead-in of the satisfaction block, a question, comes before the first item.
    assert html.index("Xin Ông/Bà cho biết mức độ hài lòng") < html.index('id="q-A2.1.1"')

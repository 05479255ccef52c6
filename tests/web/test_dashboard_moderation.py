"""Comment moderation from the unit page: Home Affairs and the unit's manager only, CSRF-protected, audited."""
from __future__ import annotations

import html
import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEntry, Comment, Response, ServicePoint
from tests.fixtures.dashboard import PERIOD


def comment_of(point_code: str) -> Comment:
    return db.session.scalars(select(Comment).join(Response).join(ServicePoint)
                              .where(ServicePoint.code == point_code).order_by(Comment.id)).first()


def status(comment_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Comment, comment_id).status


def moderate(client, comment_id: int, to: str, next_url: str = ""):
    return client.post(f"/dashboard/comments/{comment_id}", data={"status": to, "next": next_url})


def test_home_affairs_approves_and_hides_and_returns_to_the_page(client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    comment = comment_of(home.point)
    user = login_as("homeaffairs")
    page = f"/dashboard/commune/{home.code}?instrument=KIOSK-QUICK&period={PERIOD}"
    response = moderate(client, comment.id, "approved", page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert status(comment.id) == "approved"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "comment.moderate")).one()
    assert entry.actor == user.email and entry.object == f"comment:{comment.id}"
    assert entry.details == {"before": "new", "after": "approved"}
    assert home.comment not in str(entry.details)  # the audit log never copies comment text
    followed = html.unescape(client.get(page + "&comments=approved").get_data(as_text=True))
    assert "Đã duyệt ý kiến" in followed and home.comment in followed
    assert moderate(client, comment.id, "hidden", page).status_code == 302
    assert status(comment.id) == "hidden"


def test_the_units_manager_may_moderate_its_own_comments_only(client, login_as, dashboard_world):
    home, sibling = dashboard_world.places["home"], dashboard_world.places["sibling"]
    own, other = comment_of(home.point), comment_of(sibling.point)
    login_as("manager", unit=home.code)
    assert moderate(client, own.id, "approved").status_code == 302
    assert status(own.id) == "approved"
    assert moderate(client, other.id, "hidden").status_code == 404
    assert status(other.id) == "new"


def test_viewers_and_anonymous_callers_cannot_moderate(client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    comment = comment_of(home.point)
    response = moderate(client, comment.id, "hidden")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login_as("viewer", unit=home.code)
    assert moderate(client, comment.id, "hidden").status_code == 403
    page = client.get(f"/dashboard/commune/{home.code}?instrument=KIOSK-QUICK&period={PERIOD}")
    text = html.unescape(page.get_data(as_text=True))
    assert home.comment in text and "/dashboard/comments/" not in text  # read-only feed
    assert status(comment.id) == "new"


def test_home_affairs_cannot_touch_another_provinces_comments(client, login_as, dashboard_world):
    comment = comment_of(dashboard_world.places["foreign"].point)
    login_as("homeaffairs")
    assert moderate(client, comment.id, "hidden").status_code == 404
    assert moderate(client, 10**9, "hidden").status_code == 404
    assert status(comment.id) == "new"


def test_an_unknown_status_changes_nothing(client, login_as, dashboard_world):
    comment = comment_of(dashboard_world.places["home"].point)
    login_as("homeaffairs")
    response = moderate(client, comment.id, "deleted")
    assert response.status_code == 422
    assert status(comment.id) == "new"


def test_redirects_stay_on_the_dashboard(client, login_as, dashboard_world):
    comment = comment_of(dashboard_world.places["home"].point)
    login_as("homeaffairs")
    for target in ("https://evil.example/", "//evil.example/dashboard/", "/admin/"):
        response = moderate(client, comment.id, "approved", target)
        assert response.headers["Location"].endswith("/dashboard/")


def test_moderation_needs_the_csrf_token(app, client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    comment = comment_of(home.point)
    login_as("homeaffairs")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert moderate(client, comment.id, "hidden").status_code == 400
        assert status(comment.id) == "new"
        page = client.get(f"/dashboard/commune/{home.code}?instrument=KIOSK-QUICK&period={PERIOD}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
        response = client.post(f"/dashboard/comments/{comment.id}", data={"status": "hidden", "csrf_token": token})
        assert response.status_code == 302
        assert status(comment.id) == "hidden"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_comment_filters_list_each_status(client, login_as, dashboard_world):
    home = dashboard_world.places["home"]
    login_as("homeaffairs")
    url = f"/dashboard/commune/{home.code}?instrument=KIOSK-QUICK&period={PERIOD}"
    new = client.get(url).get_data(as_text=True)
    assert len(re.findall(r'data-status="new"', new)) == 10
    assert "Chưa xem xét (10)" in html.unescape(new)
    hidden = client.get(url + "&comments=hidden").get_data(as_text=True)
    assert 'data-status="' not in hidden
    assert client.get(url + "&comments=bogus").status_code == 400

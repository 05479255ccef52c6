"""GET /api/v1/units and /api/v1/service-points: token authentication and scope."""
from __future__ import annotations

from tests.fixtures.factories import commune_codes


def _get(client, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, headers=headers)


def test_units_need_authentication(client):
    assert _get(client, "/api/v1/units").status_code == 401
    assert _get(client, "/api/v1/units", "tok_not-a-real-token").status_code == 401


def test_device_token_cannot_read(client, make_device):
    _device, token = make_device()
    assert _get(client, "/api/v1/units", token).status_code == 403


def test_home_affairs_token_lists_its_province_only(client, make_token):
    token = make_token("homeaffairs", unit="22")
    body = _get(client, "/api/v1/units?level=commune", token).get_json()
    codes = {u["code"] for u in body["units"]}
    assert set(commune_codes("22", 5)) <= codes
    assert "00004" not in codes  # a Hà Nội ward
    assert all(u["parent_code"] == "22" for u in body["units"])


def test_unknown_level_is_a_clear_422(client, make_token):
    response = _get(client, "/api/v1/units?level=hamlet", make_token())
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "level"


def test_service_points_are_scoped(client, make_service_point, make_token):
    home, other = commune_codes("22", 2)
    mine = make_service_point(unit=home)
    theirs = make_service_point(unit=other)
    token = make_token("manager", unit=home)
    codes = {p["code"] for p in _get(client, "/api/v1/service-points", token).get_json()["service_points"]}
    assert mine.code in codes and theirs.code not in codes


def test_revoked_token_is_refused(client, app, make_user):
    from survey.extensions import db
    from survey.services.access import accounts

    user = make_user()
    token, secret = accounts.add_token(user.email)
    db.session.commit()
    assert _get(client, "/api/v1/units", secret).status_code == 200
    accounts.revoke_token(token.id)
    db.session.commit()
    assert _get(client, "/api/v1/units", secret).status_code == 403


def test_service_points_are_read_in_one_scoped_query(app, make_service_point):
    """The list and each point's agency and unit come from one statement that filters the scope in SQL."""
    from sqlalchemy import event

    from survey.extensions import db
    from survey.services.access.scope import Scope
    from survey.services.organisation.places import directory_points
    from survey.services.organisation.units import get_unit

    communes = commune_codes("22", 4)
    codes = [make_service_point(unit=code).code for code in communes]
    mine = Scope("manager", frozenset(get_unit(code).id for code in communes[:3]), None)
    db.session.expunge_all()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        listed = [(p.code, p.agency.code, p.unit.name) for p in directory_points(mine)]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [code for code, _agency, _unit in listed] == sorted(codes[:3])
    assert len(statements) == 1

"""A kiosk revoked by another server (or worker) is refused at once, although this worker remembers its token for a
minute: with the group commit and without it (SUBMIT_GROUP_COMMIT=false writes on the request's own session)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from survey.extensions import db
from survey.models import Response

NOW = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)


def post(client, token: str, client_id: str | None = None):
    body = {"id": client_id or str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": NOW.isoformat(),
            "answers": {"Q": 5}}
    return client.post("/api/v1/responses", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("group_commit", [True, False])
def test_a_device_revoked_elsewhere_stores_nothing_more(variant, make_device, group_commit):
    device, token = make_device()
    client = variant(SUBMIT_GROUP_COMMIT=group_commit).test_client()
    first = str(uuid.uuid4())
    assert post(client, token, first).status_code == 201  # the token is remembered by this worker now
    # What another server's revocation does: the row changes, this worker's memory does not.
    db.session.execute(text("UPDATE devices SET revoked_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": device.id})
    db.session.commit()
    assert post(client, token).status_code == 403
    assert post(client, token, first).status_code == 403  # not even a resend
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_a_device_re_enrolled_elsewhere_is_unknown_with_its_old_token(variant, make_device):
    device, token = make_device()
    client = variant(SUBMIT_GROUP_COMMIT=False).test_client()
    assert post(client, token).status_code == 201
    db.session.execute(text("UPDATE devices SET token_hash = 'replaced' WHERE id = :id"), {"id": device.id})
    db.session.commit()
    assert post(client, token).status_code == 401

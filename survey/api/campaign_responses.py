"""POST /api/v1/responses from a campaign tablet (a `cam_…` token): a questionnaire completed once."""
from __future__ import annotations

import json
from functools import wraps

from flask import abort, current_app

from survey.api.auth import bearer_token
from survey.errors import Forbidden, NotFound
from survey.extensions import db
from survey.services.campaigns.fieldwork import complete_from_device, is_campaign_token


def campaign_tablets(view):
    """A campaign tablet's submission goes to the campaign path; every other token goes on to `view` unchanged
    (the prefix check costs the kiosk path nothing)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = bearer_token()
        if not is_campaign_token(token):
            return view(*args, **kwargs)
        from survey.api.responses import read_json_body

        payload = read_json_body()
        try:
            recorded = complete_from_device(token, payload)
        except (NotFound, Forbidden) as exc:
            if exc.code not in ("unknown_token", "revoked_device"):
                raise
            abort(401 if exc.status == 404 else 403, description=exc.message)
        db.session.commit()
        body = {"id": recorded.client_id, "status": "stored" if recorded.created else "already_stored"}
        return current_app.response_class(json.dumps(body), 201 if recorded.created else 200,
                                          mimetype="application/json")
    return wrapper

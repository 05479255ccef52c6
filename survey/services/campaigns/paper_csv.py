"""A row of the paper CSV import with a `questionnaire` column: a campaign questionnaire, checked then stored."""
from __future__ import annotations

from datetime import datetime

from survey.errors import Invalid
from survey.services.access.scope import OPERATOR, Scope
from survey.services.campaigns.answers import Completion
from survey.services.campaigns.fieldwork import Recorded, campaign_of, campaign_version, prepare_paper, store_paper

SKIP = ("questionnaire", "instrument", "version", "service_point", "submitted_at", "channel", "id")


def campaign_row(row: dict[str, str], payload: dict, scope: Scope | None) -> Completion:
    """Check one row (answers typed by the campaign's instrument) without writing."""
    from survey.services.responses.csv_import import _cell  # the import's own cell rules; imported late (cycle)

    scope = scope or OPERATOR
    code = row["questionnaire"].strip()
    campaign = campaign_of(scope, code)
    defn = campaign_version(campaign).definition
    answers, respondent = {}, {}
    for key, value in row.items():
        key, value = (key or "").strip(), (value or "").strip()
        if not key or not value or key in SKIP:
            continue
        name = key.removeprefix("respondent.").removeprefix("answers.")
        item = defn.item(name) if defn.has_item(name) else None
        target = respondent if (item is not None and item.profile) or key.startswith("respondent.") else answers
        target[name] = _cell(value, item.type if item is not None else None)
    when = None
    if payload.get("submitted_at"):
        try:
            when = datetime.fromisoformat(str(payload["submitted_at"]).replace("Z", "+00:00"))
        except ValueError:
            raise Invalid([{"field": "submitted_at", "code": "bad_format", "message": "a date YYYY-MM-DD"}],
                          "Bad date") from None
    return prepare_paper(scope, code, answers, respondent, payload.get("channel") or "paper", when,
                         str(payload.get("id")) if payload.get("id") else None)


def store_campaign_row(completion: Completion) -> Recorded:
    """Write a checked row (the import's second pass)."""
    return store_paper(completion)

"""`survey demo` also makes a finished sample-survey campaign (issue 18): a frame, a draw, 10–20% non-response,
closed, with design-based estimates; its responses stay apart from the N kiosk/online ones."""
from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import AnswerTally, Campaign, FrameVillage, Response
from survey.services.access.scope import OPERATOR
from survey.services.campaigns import estimates, progress
from survey.services.indices.tallies import rebuild_tallies


def test_demo_makes_a_closed_campaign_with_estimates(runner):
    out = runner.invoke(args=["demo", "--province", "22", "--responses", "200", "--seed", "4"])
    assert out.exit_code == 0, out.output
    campaign = db.session.scalar(select(Campaign))
    assert campaign.code.startswith("DEMO-22-") and campaign.status == "closed" and campaign.code in out.output
    assert db.session.scalar(select(func.count()).select_from(FrameVillage)) > 200
    status = progress.campaign_status(OPERATOR, campaign.code)
    assert 80 <= status["response_rate"] <= 90
    non_response = status["refused"] + status["not_reached"] + status["ineligible"]
    assert 0.10 <= non_response / status["issued"] <= 0.20 and min(
        status["refused"], status["not_reached"], status["ineligible"]) > 0
    assert status["outstanding"] == 0 and len(status["communes"]) > 40
    kiosk_online = select(func.count()).select_from(Response).where(Response.campaign_id.is_(None))
    assert db.session.scalar(kiosk_online) == 200
    assert db.session.scalar(select(func.count()).select_from(Response).where(
        Response.campaign_id == campaign.id)) == status["completed"]
    row = estimates.estimates_document(OPERATOR, campaign.code, "province")["rows"][0]
    assert not row["suppressed"] and 70 < row["index"] < 98 and row["ci_low"] < row["index"] < row["ci_high"]
    by_commune = estimates.estimates_document(OPERATOR, campaign.code, "commune")["rows"]
    assert sum(not r["suppressed"] for r in by_commune) > len(by_commune) / 2
    loaded = sorted(tuple(r) for r in db.session.execute(select(AnswerTally.__table__)).all())
    rebuild_tallies()  # counts kiosk/online responses only: the demo's roll-ups never took the campaign's
    assert sorted(tuple(r) for r in db.session.execute(select(AnswerTally.__table__)).all()) == loaded
    db.session.commit()
    again = runner.invoke(args=["demo", "--province", "22", "--responses", "10", "--seed", "5"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1  # made once


def test_demo_without_a_campaign(runner):
    out = runner.invoke(args=["demo", "--province", "22", "--responses", "50", "--no-campaign"])
    assert out.exit_code == 0, out.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0

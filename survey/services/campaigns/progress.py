"""Fieldwork progress: outcomes and the AAPOR RR1 response rate per village, commune and campaign."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from survey.extensions import db
from survey.models import FrameVillage, Questionnaire, Unit
from survey.models.campaigns import OUTCOMES
from survey.services.access.scope import Scope
from survey.services.campaigns.manage import get_campaign


def outcome_frame(campaign_id: int) -> pd.DataFrame:
    """[questionnaire id, commune, village, status, π_v, π_k|v, base_weight, response_id, code, names] of a campaign."""
    rows = db.session.execute(
        select(Questionnaire.id, Unit.code, FrameVillage.code, Questionnaire.status, Questionnaire.village_probability,
               Questionnaire.person_probability, Questionnaire.base_weight, Questionnaire.response_id,
               Questionnaire.code, Unit.name, FrameVillage.name)
        .join(FrameVillage, FrameVillage.id == Questionnaire.village_id).join(Unit, Unit.id == FrameVillage.commune_id)
        .where(Questionnaire.campaign_id == campaign_id)).all()
    return pd.DataFrame(rows, columns=["id", "commune", "village", "status", "pv", "pk", "base_weight",
                                       "response_id", "code", "commune_name", "village_name"])


def response_rate(counts: dict[str, int]) -> float | None:
    """AAPOR RR1 = completed / (issued − ineligible), in percent; None when nobody is eligible."""
    eligible = sum(counts.values()) - counts.get("ineligible", 0)
    return 100.0 * counts.get("completed", 0) / eligible if eligible else None


def _summary(part: pd.DataFrame) -> dict:
    counts = {s: int((part["status"] == s).sum()) for s in OUTCOMES}
    counts["issued"] = len(part)  # the issued column counts every questionnaire handed out
    outcomes = {s: counts[s] for s in OUTCOMES if s != "issued"}
    outcomes["issued"] = int((part["status"] == "issued").sum())
    return {"issued": len(part), **{s: counts[s] for s in OUTCOMES if s != "issued"},
            "outstanding": outcomes["issued"], "response_rate": response_rate(outcomes)}


def campaign_status(scope: Scope, code: str) -> dict:
    """Outcome counts and RR1 for the campaign, each commune and each village."""
    campaign = get_campaign(scope, code, "results.read")
    frame = outcome_frame(campaign.id)
    communes = [{"commune_code": c, "commune_name": p["commune_name"].iat[0], **_summary(p)}
                for c, p in frame.groupby("commune", sort=True)] if len(frame) else []
    villages = [{"commune_code": c, "village_code": v, "commune_name": p["commune_name"].iat[0],
                 "village_name": p["village_name"].iat[0], **_summary(p)}
                for (c, v), p in frame.groupby(["commune", "village"], sort=True)] if len(frame) else []
    if scope.unit_ids is not None and campaign.province_id not in scope.unit_ids:
        seen = {u.code for u in db.session.scalars(select(Unit).where(Unit.id.in_(sorted(scope.unit_ids))))}
        communes = [r for r in communes if r["commune_code"] in seen]
        villages = [r for r in villages if r["commune_code"] in seen]
        frame = frame[frame["commune"].isin(seen)]
    return {"campaign": campaign.code, "status": campaign.status, **_summary(frame), "communes": communes,
            "villages": villages}

"""Printable packs of a drawn campaign: per village, its questionnaires with codes and personal links."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from survey.errors import Conflict
from survey.extensions import db
from survey.models import FrameVillage, Questionnaire, Unit
from survey.services.access.scope import Scope
from survey.services.campaigns.manage import get_campaign, personal_link


@dataclass
class VillagePack:
    """One village's envelope of questionnaires, as the postal service delivers it."""

    campaign: str
    province: str
    commune_code: str
    commune: str
    village_code: str
    village: str
    fieldwork_from: date
    fieldwork_to: date
    questionnaires: list[tuple[str, str]] = field(default_factory=list)  # (code, personal link)

    @property
    def filename(self) -> str:
        """The PDF's name in a folder or zip: commune-village.pdf."""
        return f"{self.commune_code}-{self.village_code}.pdf"


def village_packs(scope: Scope, code: str, village: str | None = None) -> list[VillagePack]:
    """Every drawn village's pack (or one village's), questionnaires in the order they were issued."""
    campaign = get_campaign(scope, code)
    if campaign.status == "draft":
        raise Conflict("not_drawn", f"Campaign {code} has not been drawn yet", campaign=code)
    province = db.session.get(Unit, campaign.province_id)
    query = (select(Questionnaire.code, FrameVillage.code, FrameVillage.name, Unit.code, Unit.name)
             .join(FrameVillage, FrameVillage.id == Questionnaire.village_id)
             .join(Unit, Unit.id == FrameVillage.commune_id)
             .where(Questionnaire.campaign_id == campaign.id).order_by(Unit.code, FrameVillage.code, Questionnaire.id))
    if village:
        query = query.where(FrameVillage.code == village)
    packs: dict[str, VillagePack] = {}
    for q, v_code, v_name, c_code, c_name in db.session.execute(query):
        pack = packs.setdefault(v_code, VillagePack(campaign.code, province.name, c_code, c_name, v_code, v_name,
                                                    campaign.fieldwork_from, campaign.fieldwork_to))
        pack.questionnaires.append((q, personal_link(q)))
    return list(packs.values())

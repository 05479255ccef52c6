"""A campaign's report for its province: design, sample per stratum, response rates, design-based estimates by
commune and overall, and the Ministry's published figures beside them. Home Affairs of the province only."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import FrameVillage, Unit
from survey.reports.data import Bilingual, CampaignEstimate, CampaignReport, CampaignStratum
from survey.sampling import METHOD_VERSION
from survey.services.access.scope import Scope, require
from survey.services.campaigns.answers import campaign_version
from survey.services.campaigns.estimates import estimates_document
from survey.services.campaigns.manage import get_campaign
from survey.services.campaigns.official import Z95, official_rows
from survey.services.campaigns.progress import campaign_status
from survey.services.reports.settings import document_of
from survey.services.reports.targets import formal_name, issuer_of

COUNTS = ("issued", "completed", "refused", "not_reached", "ineligible", "outstanding")


def campaign_report(scope: Scope, code: str, min_n: int, now: datetime | None = None) -> CampaignReport:
    """Everything the campaign report prints, computed once (the weights the estimates store are the caller's
    to keep or roll back)."""
    require(scope, "reports.download")
    campaign = get_campaign(scope, code)  # campaigns.manage: Home Affairs of the campaign's province
    province = db.session.get(Unit, campaign.province_id)
    version = campaign_version(campaign)
    status = campaign_status(scope, code)
    names = dict(db.session.execute(select(Unit.code, Unit.name).where(Unit.parent_id == province.id)).all())
    overall = by_commune = None
    if status["completed"]:
        overall = estimates_document(scope, code, "province", min_n)["rows"]
        by_commune = estimates_document(scope, code, "commune", min_n)["rows"]
    top = overall[0] if overall else None
    return CampaignReport(
        campaign_code=campaign.code, province_name=formal_name(province), province_code=province.code,
        instrument_code=version.code, instrument_version=version.number, method_version=METHOD_VERSION,
        status=campaign.status, fieldwork_from=campaign.fieldwork_from, fieldwork_to=campaign.fieldwork_to,
        villages_per_commune=campaign.villages_per_commune, people_per_village=campaign.people_per_village,
        seed=campaign.seed, min_n=min_n, generated_at=now or datetime.now(timezone.utc),
        totals=_stratum("", "", (0, 0), {**status, "villages": len(status["villages"])}),
        strata=_strata(status, names, _frame(province.id)),
        overall=_estimate(top, province.code, Bilingual(formal_name(province))) if top else None,
        communes=[_estimate(r, r["unit_code"], Bilingual(names.get(r["unit_code"], r["unit_code"])))
                  for r in by_commune or []],
        components=_components(top, version.definition) if top else [],
        official=official_rows(province, top), issuer=issuer_of(province), document=document_of(province))


def _frame(province_id: int) -> dict[str, tuple[int, int]]:
    """Per commune code: villages in the frame and their adult population."""
    rows = db.session.execute(
        select(Unit.code, func.count(FrameVillage.id), func.sum(FrameVillage.population))
        .join(Unit, Unit.id == FrameVillage.commune_id).where(FrameVillage.province_id == province_id)
        .group_by(Unit.code)).all()
    return {code: (int(n), int(pop or 0)) for code, n, pop in rows}


def _strata(status: dict, names: dict[str, str], frame: dict[str, tuple[int, int]]) -> list[CampaignStratum]:
    villages: dict[str, int] = {}
    for v in status["villages"]:
        villages[v["commune_code"]] = villages.get(v["commune_code"], 0) + 1
    return [_stratum(r["commune_code"], names.get(r["commune_code"], r["commune_code"]),
                     frame.get(r["commune_code"], (0, 0)), {**r, "villages": villages.get(r["commune_code"], 0)})
            for r in status["communes"]]


def _stratum(code: str, name: str, frame: tuple[int, int], row: dict) -> CampaignStratum:
    return CampaignStratum(code, name, frame[0], frame[1], int(row["villages"]),
                           *(int(row[c]) for c in COUNTS), row["response_rate"])


def _estimate(row: dict, code: str, name: Bilingual) -> CampaignEstimate:
    return CampaignEstimate(code, name, row["n"], row["index"], row["ci_low"], row["ci_high"], row["se"],
                            row["deff"], row["suppressed"])


def _components(row: dict, definition) -> list[CampaignEstimate]:
    """The overall row's aspects and factors with intervals (estimate ± 1.96 se, clipped to 0–100)."""
    out = []
    for code, part in row["components"].items():
        if not part["n"]:
            continue  # a part the campaign did not ask (or nobody answered): nothing to print
        section = definition.section(code)
        pct, se = part["pct"], part["se"]
        low = None if pct is None or se is None else max(0.0, pct - Z95 * se)
        high = None if pct is None or se is None else min(100.0, pct + Z95 * se)
        out.append(CampaignEstimate(code, Bilingual(section.title.get("vi", code), section.title.get("en", "")),
                                    part["n"], pct, low, high, se, None, row["suppressed"] or pct is None))
    return out

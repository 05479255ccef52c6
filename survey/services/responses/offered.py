"""Which instruments a collection channel may offer: the official ones and the province's own, published, in force."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select

from survey.errors import Invalid, NotFound
from survey.extensions import db
from survey.models import Instrument, InstrumentVersion, ServicePoint
from survey.services.organisation.units import province_of
from survey.services.responses.envelope import LOCAL_TZ

# Instrument kinds each channel can ask: a kiosk cannot take a dossier code, so no one-stop evaluation there;
# SIPAS-2640 (kind sipas-2640) was replaced by SIPAS-1001 and is no longer collected.
CHANNEL_KINDS = {"kiosk": ("kiosk", "sipas-1001"), "online": ("sipas-1001", "kiosk", "onestop")}


@dataclass(frozen=True)
class Offer:
    """One instrument a screen may offer: code, kind, names and whether the Ministry made it."""

    code: str
    kind: str
    name_vi: str
    name_en: str
    official: bool

    def label(self, lang: str = "vi") -> str:
        """"CODE — name" in the reader's language (Vietnamese when there is no English name)."""
        name = self.name_en if lang == "en" and self.name_en else self.name_vi
        return f"{self.code} — {name}" if name else self.code


def _today() -> date:
    return datetime.now(timezone.utc).astimezone(LOCAL_TZ).date()


def offered(channel: str, visible: Callable[[int], bool] | None = None, today: date | None = None) -> list[Offer]:
    """Instruments with a published version that `channel` can ask and that are in force today: the official
    ones, and the provinces' own whose owner `visible` accepts (every province's when it is None)."""
    today = today or _today()
    published = select(InstrumentVersion.id).where(InstrumentVersion.instrument_id == Instrument.id,
                                                    InstrumentVersion.status == "published").exists()
    rows = db.session.scalars(select(Instrument).where(Instrument.kind.in_(CHANNEL_KINDS[channel]), published)
                              .order_by(Instrument.official.desc(), Instrument.code))
    kinds = CHANNEL_KINDS[channel]
    out = []
    for i in rows:
        if i.valid_to is not None and i.valid_to < today or i.valid_from is not None and i.valid_from > today:
            continue
        if not i.official and (i.owner_unit_id is None or (visible is not None and not visible(i.owner_unit_id))):
            continue
        out.append(Offer(i.code, i.kind, i.name_vi, i.name_en, i.official))
    # The official instruments first, in the channel's order of kinds (the usual choice on top), then the own ones.
    return sorted(out, key=lambda o: (not o.official, kinds.index(o.kind), o.code))


def offered_at(point: ServicePoint, channel: str) -> list[Offer]:
    """What `channel` may offer at this service point: the official instruments and its province's own."""
    province = province_of(point.unit).id
    return offered(channel, lambda owner: owner == province)


def check_offered(point: ServicePoint, channel: str, code: str, field: str = "instrument") -> str:
    """`code` when the channel may ask it at this point; Invalid naming the field and the choices otherwise."""
    codes = [o.code for o in offered_at(point, channel)]
    if code not in codes:
        raise Invalid([{"field": field, "code": "unknown",
                        "message": f"instrument must be one of {', '.join(codes)}"}])
    return code


def set_online_instruments(scope, actor: str, code: str, codes: list[str]) -> ServicePoint:
    """Choose the instruments a service point's QR code offers (the first is its default; none: the site's
    default); Home Affairs only, audited. Every code must be one the point's province may ask online."""
    from survey.services.access import audit
    from survey.services.access.scope import check_service_point, require
    from survey.services.organisation.agencies import get_service_point

    require(scope, "service_points.manage")
    try:
        point = get_service_point(code)
    except NotFound:
        point = None
    point = check_service_point(scope, point, code)
    allowed = [o.code for o in offered_at(point, "online")]
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise Invalid([{"field": "instruments", "code": "unknown",
                        "message": f"{', '.join(unknown)}: instrument must be one of {', '.join(allowed)}"}])
    point.online_instruments = list(dict.fromkeys(codes)) or None
    db.session.flush()
    audit.record(actor, "service_point.online_instruments", point.code, instruments=point.online_instruments)
    return point

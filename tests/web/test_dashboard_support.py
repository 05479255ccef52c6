"""Data for the dashboard tests (no tests here): places in the home and a foreign province, and responses stored
through the real submission service (so the roll-up tallies are kept as in production)."""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field

import pytest

from survey.extensions import db
from survey.services.responses import record_response
from tests.fixtures.factories import commune_codes

PERIOD = "2025-Q3"  # a closed quarter: seeded answers never lie in the future whatever the test date
WHEN = "2025-08-15T09:30:00+07:00"
_ids = itertools.count(1)


def kiosk(point: str, ratings: list[int], reasons: tuple[int, ...] = (), comment: str | None = None,
          when: str = WHEN, channel: str = "kiosk") -> None:
    """Store one KIOSK-QUICK response per rating (reasons and the comment go with ratings of 1–2)."""
    for q in ratings:
        answers: dict = {"Q": q}
        if q <= 2 and reasons:
            answers["R"] = list(reasons)
        if q <= 2 and comment:
            answers["COMMENT"] = comment
        record_response({"id": str(uuid.UUID(int=next(_ids) + (1 << 64))), "instrument": "KIOSK-QUICK",
                         "service_point": point, "channel": channel, "submitted_at": when, "answers": answers},
                        channel=channel)


@dataclass
class Place:
    """One commune with its committee, service point, kiosk and what it holds."""

    code: str
    name: str
    agency: str
    point: str
    point_name: str
    device_name: str = ""
    comment: str = ""


@dataclass
class World:
    """home, sibling and small communes of Quảng Ninh (22), a department there, and a Hà Nội (01) commune."""

    places: dict[str, Place] = field(default_factory=dict)
    department: str = ""
    department_name: str = ""


def build_world(make_agency, make_service_point, make_device) -> World:
    """Known figures: home 75% (40), sibling 50% (40), small 5 ratings, department 100% (35), foreign 100% (40)."""
    from survey.services.organisation.units import get_unit

    world = World()
    home, sibling, small = commune_codes("22", 3)
    foreign = commune_codes("01", 1)[0]
    plan = {"home": (home, [5] * 30 + [2] * 10, "Chờ lâu quá, cần thêm quầy Alpha"),
            "sibling": (sibling, [4] * 20 + [1] * 20, "Góp ý riêng của xã Beta"),
            "small": (small, [5] * 4 + [1], "Góp ý của xã Gamma"),
            "foreign": (foreign, [5] * 39 + [2], "Góp ý riêng Hà Nội Zeta")}
    for n, (key, (code, ratings, comment)) in enumerate(plan.items()):
        tag = key.capitalize()
        agency = make_agency(unit=code, code=f"000.{60 + n}.{code[-2:]}.H{code[:2] if key == 'foreign' else '22'}",
                             name=f"UBND thử nghiệm {tag}", kind="commune_committee")
        point = make_service_point(unit=code, agency=agency.code, code=f"SP-DASH-{key.upper()}",
                                   name=f"Bộ phận Một cửa {tag}")
        device, _token = make_device(service_point=point.code)
        device.name = f"Ki-ốt {tag}"
        device.queue_length = n
        kiosk(point.code, ratings, reasons=(1, 3), comment=comment)
        world.places[key] = Place(code, get_unit(code).name, agency.code, point.code, point.name, device.name,
                                  comment)
    department = make_agency(unit="22", code="000.70.22.H22", name="Sở Tư pháp thử nghiệm", kind="department")
    centre = make_service_point(unit="22", agency=department.code, code="SP-DASH-DEPT",
                                name="Quầy Sở Tư pháp tại Trung tâm tỉnh")
    kiosk(centre.code, [4] * 35)
    world.department, world.department_name = department.code, department.name
    db.session.commit()
    return world


@pytest.fixture
def dashboard_world(app, make_agency, make_service_point, make_device) -> World:
    """The seeded world, committed."""
    return build_world(make_agency, make_service_point, make_device)

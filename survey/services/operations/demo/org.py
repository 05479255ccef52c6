"""Demo organisation: the provincial departments, the service centres and a service point per commune."""
from __future__ import annotations

import secrets

from sqlalchemy import insert, select

from survey.extensions import db
from survey.models import Agency, ServicePoint, Unit
from survey.services.organisation.units import get_unit
from survey.text import fold

# The departments after the 2025 restructuring, plus provincial branches of central agencies.
DEPARTMENTS = (
    ("department", "Sở Nội vụ"), ("department", "Sở Tư pháp"), ("department", "Sở Tài chính"),
    ("department", "Sở Xây dựng"), ("department", "Sở Nông nghiệp và Môi trường"), ("department", "Sở Y tế"),
    ("department", "Sở Giáo dục và Đào tạo"), ("department", "Sở Công Thương"),
    ("department", "Sở Khoa học và Công nghệ"), ("department", "Sở Văn hóa, Thể thao và Du lịch"),
    ("department", "Sở Dân tộc và Tôn giáo"), ("department", "Sở Ngoại vụ"),
    ("department", "Thanh tra tỉnh"), ("department", "Ban Quản lý các khu công nghiệp"),
    ("branch", "Công an tỉnh"), ("branch", "Bảo hiểm xã hội tỉnh"), ("branch", "Thuế tỉnh"),
    ("branch", "Kho bạc Nhà nước khu vực"), ("branch", "Ngân hàng Chính sách xã hội tỉnh"),
    ("branch", "Điện lực tỉnh"),
)


def build_organisation(province_code: str) -> dict[str, int]:
    """Create (once) the province's agencies and service points; returns how many exist."""
    province = get_unit(province_code)
    pp = province.code
    existing = set(db.session.scalars(select(Agency.code)))
    centre_code = f"000.00.01.H{pp}"
    rows = []
    if centre_code not in existing:
        name = f"Trung tâm Phục vụ hành chính công {province.name}"
        rows.append(_agency(centre_code, name, "centre", province.id))
    for i, (kind, name) in enumerate(DEPARTMENTS, start=1):
        code = f"000.{i:02d}.00.H{pp}"
        if code not in existing:
            rows.append(_agency(code, f"{name} {_short(province)}" if kind == "branch" else name, kind, province.id))
    communes = list(db.session.scalars(
        select(Unit).where(Unit.parent_id == province.id, Unit.level == "commune").order_by(Unit.code)))
    for i, commune in enumerate(communes):
        code = _commune_agency_code(i, pp)
        if code not in existing:
            rows.append(_agency(code, f"Ủy ban nhân dân {commune.name}", "commune_committee", commune.id))
    if rows:
        db.session.execute(insert(Agency), rows)
    agency_ids = dict(db.session.execute(select(Agency.code, Agency.id)).all())
    points = set(db.session.scalars(select(ServicePoint.code)))
    new_points = []
    if f"TTPVHCC-{pp}" not in points:
        new_points.append(_point(f"TTPVHCC-{pp}", f"Trung tâm Phục vụ hành chính công {province.name}",
                                 agency_ids[centre_code], province.id))
    for i, commune in enumerate(communes):
        if f"TTPVHCC-{commune.code}" not in points:
            new_points.append(_point(f"TTPVHCC-{commune.code}", f"Trung tâm Phục vụ hành chính công {commune.name}",
                                     agency_ids[_commune_agency_code(i, pp)], commune.id))
    if new_points:
        db.session.execute(insert(ServicePoint), new_points)
    db.session.flush()
    return {"agencies": len(DEPARTMENTS) + 1 + len(communes), "service_points": 1 + len(communes),
            "communes": len(communes)}


def _commune_agency_code(index: int, pp: str) -> str:
    """A valid, unique electronic identifier for the People's Committee of the index-th commune."""
    return f"{100 + index // 100:03d}.{index % 100:02d}.00.H{pp}"


def _short(province: Unit) -> str:
    """"Tỉnh Quảng Ninh" → "Quảng Ninh" (branch names carry the bare province name)."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if province.name.startswith(prefix):
            return province.name[len(prefix):]
    return province.name


def _agency(code: str, name: str, kind: str, unit_id: int) -> dict:
    return {"code": code, "name": name, "search_name": fold(name), "kind": kind, "unit_id": unit_id,
            "parent_id": None}


def _point(code: str, name: str, agency_id: int, unit_id: int) -> dict:
    return {"code": code, "name": name, "search_name": fold(name), "kind": "centre", "agency_id": agency_id,
            "unit_id": unit_id, "public_key": secrets.token_urlsafe(12)}

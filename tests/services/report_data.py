"""A small, exactly known data set for report and export tests: two communes of the home province, two quarters."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import update

from survey.extensions import db
from survey.models import Comment
from survey.services.responses import record_response
from tests.fixtures.factories import HOME_PROVINCE, commune_codes

# Commune A, 2026-Q1: 40 answers of Q → 30 satisfied (75.0 %), mean 154/40 = 3.85.
A_NOW = [(5, None)] * 12 + [(4, None)] * 18 + [(3, None)] * 4 + [(2, [1, 2])] * 4 + [(1, [1])] * 2
# Commune A, 2025-Q4: 32 answers → 16 satisfied (50.0 %).
A_BEFORE = [(5, None)] * 8 + [(4, None)] * 8 + [(3, None)] * 16
# Commune B, 2026-Q1: 10 answers, all 5: fewer than min_n = 30, so suppressed everywhere.
B_NOW = [(5, None)] * 10
COMMENT = "Chờ quá lâu ở quầy số 2, cần thêm ghế ngồi"


@dataclass(frozen=True)
class Dataset:
    """Codes of what was created."""

    commune_a: str
    commune_b: str
    point_a: str
    point_b: str
    agency_a: str


def _send(point: str, when: str, rows: list[tuple[int, list[int] | None]], comment_on: int | None = None) -> None:
    for i, (q, reasons) in enumerate(rows):
        answers: dict = {"Q": q}
        if reasons:
            answers["R"] = reasons
        if comment_on is not None and i == comment_on:
            answers["COMMENT"] = COMMENT
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "service_point": point,
                         "submitted_at": when, "answers": answers}, channel="paper")


def build(make_service_point) -> Dataset:
    """Record the responses through the real submission path (tallies included), approve the one comment."""
    a, b = commune_codes(HOME_PROVINCE, 2)
    point_a = make_service_point(unit=a, name="Trung tâm Phục vụ hành chính công xã")
    point_b = make_service_point(unit=b)
    _send(point_a.code, "2026-02-10T09:00:00+07:00", A_NOW, comment_on=len(A_NOW) - 1)
    _send(point_a.code, "2025-11-10T09:00:00+07:00", A_BEFORE)
    _send(point_b.code, "2026-02-11T09:00:00+07:00", B_NOW)
    db.session.execute(update(Comment).values(status="approved"))
    db.session.commit()
    return Dataset(a, b, point_a.code, point_b.code, point_a.agency.code)

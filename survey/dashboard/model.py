"""What the dashboard pages show: plain dataclasses filled from the index service, read by the templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Cell:
    """One row of an index document (a province, commune, department or service point) as published."""

    code: str | None
    name: str
    level: str
    n: int
    index: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    incomplete: bool = False
    rank: int | None = None
    flag: str | None = None  # above / below / same the province, at 95%
    weighted: float | None = None  # the secondary post-stratified index (methodology §3), never the published one


@dataclass(frozen=True)
class ComponentRow:
    """An aspect, factor or element: share satisfied, respondents, and the province's figure beside it."""

    code: str
    label: str
    role: str  # aspect | factor
    depth: int
    pct: float | None
    n: int | None
    reference: float | None = None  # the province's pct (unit pages)
    general_code: str = ""  # its general question (SIPAS-1001 v2), e.g. "A2.1.G"
    general: float | None = None  # that question's % satisfied, shown beside the factor's


@dataclass(frozen=True)
class ItemRow:
    """One satisfaction item with its distribution over the answer codes 1–5 (percent of valid answers)."""

    code: str
    label: str
    component: str
    pct: float | None
    n_valid: int | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    shares: tuple[float, ...] | None  # codes 1..5, None when suppressed or unanswered


@dataclass(frozen=True)
class TrendPoint:
    """The index of one period."""

    period: str
    label: str
    index: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    suppressed: bool


@dataclass(frozen=True)
class Change:
    """The difference from the previous period and whether it is significant at 95%."""

    previous_label: str
    previous: float | None
    diff: float | None
    trend: str | None  # above (rose) / below (fell) / same / None


@dataclass(frozen=True)
class Share:
    """A labelled share or count: an improvement priority or a low-score reason."""

    code: str
    label: str
    value: float | None
    n: int
    rank: int | None = None


@dataclass
class Meta:
    """Where the figures come from, printed under every page."""

    instrument: str
    instrument_name: str
    instrument_version: int
    method_version: str
    period: str
    period_label: str
    min_n: int
    computed_at: datetime
    approximate: bool = False


@dataclass
class Overview:
    """The province overview."""

    meta: Meta
    province: Cell
    components: list[ComponentRow]
    change: Change | None
    trend: list[TrendPoint]
    communes: list[Cell]
    departments: list[Cell]
    small_units: list[Cell]
    priorities: list[Share]
    breakdown: list[Cell] = field(default_factory=list)
    breakdown_by: str = ""


@dataclass
class National:
    """The national overview (the ministry): every province ranked with its interval, against the whole country."""

    meta: Meta
    country: Cell  # every province's responses together
    change: Change | None
    trend: list[TrendPoint]
    provinces: list[Cell]  # ranked, best first
    small_provinces: list[Cell]  # too few responses (suppressed, not ranked), then none at all
    breakdown: list[Cell] = field(default_factory=list)
    breakdown_by: str = ""


@dataclass
class UnitPage:
    """One commune, department or service point."""

    meta: Meta
    kind: str  # commune | agency | service_point
    cell: Cell
    province: Cell | None
    components: list[ComponentRow]
    items: list[ItemRow]
    change: Change | None
    trend: list[TrendPoint]
    reasons: list[Share]
    reasons_n: int = 0
    reasons_note: str = ""  # why no reasons are shown: "few" kiosk ratings, or "none" of them low
    assessment: list = field(default_factory=list)  # AssessmentFigure per part I item (SIPAS-1001 v2)

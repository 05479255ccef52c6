"""Report data: plain dataclasses with figures already computed, filled by the reports service, read by pdf.py."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from survey.indices.projection import Projection

# Result of a 95% significance test against a reference (the province, or the previous period).
Flag = Literal["above", "below", "same"]
# Geographic or organisational level a unit summary is about.
Level = Literal["province", "commune", "district", "agency", "service_point"]


@dataclass(frozen=True)
class Bilingual:
    """A text with its Vietnamese wording and an optional English gloss (falls back to Vietnamese)."""

    vi: str
    en: str = ""

    def pick(self, lang: str) -> str:
        """The wording for `lang` ("vi" or "en")."""
        return self.en if lang == "en" and self.en else self.vi


@dataclass(frozen=True)
class ComponentFigure:
    """An element (2640) or factor/aspect (1001): share satisfied in percent, or None when suppressed."""

    code: str
    label: Bilingual
    pct: float | None
    n: int
    suppressed: bool = False
    role: Literal["aspect", "factor"] = "factor"  # aspects (1001) are drawn stronger than their factors
    general: float | None = None  # % satisfied on the factor's general question (SIPAS-1001 v2), beside it
    general_code: str = ""  # that question's code, e.g. "A2.1.G"; empty when the version has none


@dataclass(frozen=True)
class ItemRow:
    """One questionnaire item: valid answers, counts per answer code, share satisfied and mean on 1–5."""

    code: str
    text: Bilingual
    n_valid: int
    distribution: dict[int, int]
    pct: float | None
    mean: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class Change:
    """Difference from the previous period in index points, with its significance."""

    previous_period: str
    previous_index: float | None
    delta: float | None
    flag: Flag | None


@dataclass(frozen=True)
class ProvinceComparison:
    """The unit's index against its province's for the same period."""

    province_name: str
    province_index: float | None
    flag: Flag | None


@dataclass(frozen=True)
class Count:
    """A labelled count, e.g. a low-score reason and how many respondents chose it."""

    label: Bilingual
    count: int


@dataclass(frozen=True)
class TargetProgress:
    """A unit's index target for the report's year beside its figures (issue 23): the report period's index and
    the projected year-end (the year-to-date index with its interval) with its status."""

    year: int
    target: float
    as_of: date  # the year-to-date figures run from 1 January to this day
    value: float | None  # the report period's index (None when suppressed)
    ytd: Projection | None = None
    status: str | None = None  # on_track / uncertain / off_track (survey.indices.projection), from `ytd`

    @property
    def gap(self) -> float | None:
        """The period's index minus the target, in points (negative: below it)."""
        return None if self.value is None else round(self.value - self.target, 2)


@dataclass(frozen=True)
class ProgressRow:
    """One commune or agency with an index target on the provincial report."""

    level: str
    code: str
    name: str
    target: float
    value: float | None  # the report period's index
    ytd: Projection | None
    status: str | None


@dataclass(frozen=True)
class ProgressTable:
    """The provincial report's units with a target for the year, and the day their year-to-date runs to."""

    year: int
    as_of: date
    rows: tuple[ProgressRow, ...]


@dataclass
class UnitSummary:
    """Everything printed on the one-unit summary (service point, commune or department)."""

    unit_name: str
    unit_code: str
    level: Level
    period: str
    instrument_code: str
    instrument_version: int | str
    method_version: str
    min_n: int
    n: int
    index: float | None
    ci_low: float | None
    ci_high: float | None
    generated_at: datetime
    suppressed: bool = False
    incomplete: bool = False
    components: list[ComponentFigure] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    change: Change | None = None
    province: ProvinceComparison | None = None
    low_score_reasons: list[Count] = field(default_factory=list)
    reasons_asked: bool = True  # False when the instrument has no reasons question: the section is left out
    comments: list[str] = field(default_factory=list)
    assessment: list[AssessmentFigure] = field(default_factory=list)  # part I shares (SIPAS-1001 v2)
    progress: TargetProgress | None = None  # None when the unit has no index target for the report's year
    approximate: bool = False  # pre-July-2025 data re-based onto today's units through the crosswalk
    issuer: str = ""  # issuing body; a line break separates the parent body (regular) from the issuer (bold)
    document: Document | None = None  # number, place, signer, recipients (None: a document without them)


@dataclass(frozen=True)
class TrendPoint:
    """The province index in one period."""

    period: str
    index: float | None
    n: int


@dataclass(frozen=True)
class RankingRow:
    """One ranked unit: rank 1 is the most satisfied; flag compares it with the province."""

    rank: int
    name: str
    code: str
    n: int
    index: float
    ci_low: float | None
    ci_high: float | None
    flag: Flag | None


@dataclass(frozen=True)
class SmallUnit:
    """A unit left out of the rankings because it has fewer than min_n respondents."""

    name: str
    code: str
    n: int


@dataclass(frozen=True)
class Priority:
    """An improvement priority (1001 P.k) and the share answering 'much' or 'very much'."""

    label: Bilingual
    pct: float | None


@dataclass
class ProvinceReport:
    """Everything printed on the provincial report: index, trend, rankings, priorities, method note."""

    province_name: str
    province_code: str
    period: str
    instrument_code: str
    instrument_version: int | str
    method_version: str
    min_n: int
    n: int
    index: float | None
    ci_low: float | None
    ci_high: float | None
    generated_at: datetime
    trend: list[TrendPoint] = field(default_factory=list)
    communes: list[RankingRow] = field(default_factory=list)
    departments: list[RankingRow] = field(default_factory=list)
    progress: ProgressTable | None = None  # units with an index target for the report's year (None: none has one)
    small_units: list[SmallUnit] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    official: list[OfficialFigureRow] = field(default_factory=list)  # the Ministry's published figures (§8)
    methodology_note: str = ""
    issuer: str = ""  # as in UnitSummary
    document: Document | None = None  # as in UnitSummary
    national: bool = False  # the national report: `communes` holds the provinces, ranked against the country


@dataclass(frozen=True)
class Document:
    """The administrative elements of a report (Decree 30/2020/NĐ-CP): number, place, signer and recipients."""

    number: str = ""  # "12/BC-SNV"; empty prints "Số:      /BC-SNV", the number written in by hand
    place: str = ""  # printed before the date: "Quảng Ninh, ngày …"
    signer_title: str = ""  # one or more lines, printed in capitals: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer_name: str = ""
    recipients: tuple[str, ...] = ()  # "UBND tỉnh (để b/c)", …; "Lưu: VT" is always added last


@dataclass(frozen=True)
class AssessmentFigure:
    """One assessment item (SIPAS-1001 v2 part I): the share at each level, as the Ministry reports it."""

    code: str
    text: Bilingual
    n_valid: int | None  # None when the row is suppressed
    shares: tuple[tuple[str, Bilingual, float | None], ...]  # (level code, its label, % of n_valid)
    multiple: bool = False  # several levels may be ticked: shares may add up to more than 100


@dataclass(frozen=True)
class OfficialFigureRow:
    """A figure the Ministry published (methodology §8) beside our own figure of the same measure (None when we
    have none): two different measurements side by side, never combined."""

    year: int
    unit_name: str
    label: str
    value: float
    source: str
    ours: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class CampaignStratum:
    """One commune (stratum) of a campaign: its frame, the villages drawn and the fieldwork outcomes (RR1)."""

    code: str
    name: str
    frame_villages: int
    frame_population: int
    villages: int
    issued: int
    completed: int
    refused: int
    not_reached: int
    ineligible: int
    outstanding: int
    response_rate: float | None


@dataclass(frozen=True)
class CampaignEstimate:
    """A design-based estimate (index or component) with its 95% interval, standard error and design effect."""

    code: str
    name: Bilingual
    n: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    se: float | None
    deff: float | None = None
    suppressed: bool = False


@dataclass
class CampaignReport:
    """Everything printed on a campaign's report: design, sample, response rates, estimates, official figures."""

    campaign_code: str
    province_name: str
    province_code: str
    instrument_code: str
    instrument_version: int | str
    method_version: str
    status: str
    fieldwork_from: date
    fieldwork_to: date
    villages_per_commune: int
    people_per_village: int
    seed: int
    min_n: int
    generated_at: datetime
    totals: CampaignStratum
    strata: list[CampaignStratum] = field(default_factory=list)
    overall: CampaignEstimate | None = None
    communes: list[CampaignEstimate] = field(default_factory=list)
    components: list[CampaignEstimate] = field(default_factory=list)
    official: list[OfficialFigureRow] = field(default_factory=list)
    issuer: str = ""
    document: Document | None = None

"""The API's declarations besides the submission (survey/services/responses/contract.py): the query parameters each
endpoint validates, the other request bodies and the answers, as pydantic models the OpenAPI document is made of."""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from survey.models.responses import CHANNELS, PROFILE_FIELDS
from survey.models.units import LEVELS
from survey.services.campaigns.estimates import BY as ESTIMATE_BY
from survey.services.indices.compute import BREAKDOWNS

Number = Optional[float]  # a figure: null when suppressed or not measured
# A query parameter's text: no control characters (PostgreSQL refuses NUL in a query: a 500, not a 422) and short.
Text = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]*$", max_length=200)]


class Query(BaseModel):
    """Query parameters: unknown ones are ignored, an empty one counts as absent."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _p(description: str, **kwargs: Any) -> Any:
    return Field(None, description=description, **kwargs)


VERSION = _p("Instrument version (default: the current published one)", ge=1, le=10_000)
LANG = _p("Language of the file (this file only)")


class UnitsQuery(Query):
    province: Optional[Text] = _p("Province code")
    level: Optional[Literal[LEVELS]] = _p("Level")  # type: ignore[valid-type]
    q: Optional[Text] = _p("Name, accent-insensitive")
    vintage: Optional[Literal["2025", "legacy"]] = _p("2025 (default) or legacy (before the July 2025 reform)")


class ServicePointsQuery(Query):
    province: Optional[Text] = _p("Province code")


class InstrumentsQuery(Query):
    code: Optional[Text] = _p("Only this instrument (404 when the caller cannot see it)")
    status: Optional[Literal["published", "all"]] = _p("all adds drafts (Home Affairs)")


class _Filters(Query):
    channel: Optional[Literal[CHANNELS]] = _p("Only responses of this channel")  # type: ignore[valid-type]
    field: Optional[Text] = _p("Only responses of this procedure field (code)")
    procedure: Optional[Text] = _p("Only responses of this procedure (code)")


class _IndicesQuery(_Filters):
    instrument: Text = Field(description="Instrument code", examples=["SIPAS-1001"])
    period: Optional[Text] = _p("2026, 2026-Q3, 2026-09 or a range A..B", examples=["2026"])
    from_: Optional[Text] = _p("Start of a range (with `to`) when period is not given", alias="from")
    to: Optional[Text] = _p("End of a range (with `from`)")
    by: Optional[Literal[BREAKDOWNS]] = _p("Breakdown (default commune)")  # type: ignore[valid-type]
    province: Optional[Text] = _p("Province code")
    weighted: Optional[Literal["0", "1", "true", "false"]] = _p(
        "1: add each row's secondary post-stratified figures (row.weighted)")
    lang: Optional[Literal["vi", "en"]] = _p("Language of the names (default: the request's)")
    quality: Optional[Literal["all", "clean"]] = _p(
        "clean: leave out responses with a quality flag (the published default, all, counts every response)")


# Plus one optional filter per profile field (methodology 2.6).
IndicesQuery = create_model("IndicesQuery", __base__=_IndicesQuery, **{
    name: (Optional[int], _p(f"Only respondents with this {name} code (profile choice)", ge=0, le=10_000))
    for name in PROFILE_FIELDS})


class ReportUnitQuery(Query):
    unit: Text = Field(description="Unit, agency or service point code")
    period: Text = Field(description="2026, 2026-Q3, 2026-09 or a range A..B")
    instrument: Optional[Text] = _p("Instrument code")
    version: Optional[int] = VERSION
    lang: Optional[Literal["vi", "en"]] = LANG


class ReportProvinceQuery(Query):
    province: Text = Field(description="Province code")
    period: Text = Field(description="2026, 2026-Q3, 2026-09 or a range A..B")
    instrument: Optional[Text] = _p("Instrument code (default SIPAS-1001)")
    version: Optional[int] = VERSION
    lang: Optional[Literal["vi", "en"]] = LANG


class ReportNationalQuery(Query):
    period: Text = Field(description="2026, 2026-Q3, 2026-09 or a range A..B")
    instrument: Optional[Text] = _p("Instrument code (default SIPAS-1001)")
    version: Optional[int] = VERSION
    lang: Optional[Literal["vi", "en"]] = LANG


class ExportIndicesQuery(Query):
    instrument: Text = Field(description="Instrument code")
    period: Text = Field(description="2026, 2026-Q3, 2026-09 or a range A..B")
    by: Optional[Text] = _p("Breakdown (default commune)")
    province: Optional[Text] = _p("Province code")
    unit: Optional[Text] = _p("Unit code")
    version: Optional[int] = VERSION
    format: Optional[Literal["csv", "xlsx"]] = _p("File format (default csv)")
    lang: Optional[Literal["vi", "en"]] = LANG


class ExportResponsesQuery(Query):
    instrument: Text = Field(description="Instrument code")
    period: Text = Field(description="2026, 2026-Q3, 2026-09 or a range A..B")
    unit: Optional[Text] = _p("Unit code")
    version: Optional[int] = VERSION
    format: Optional[Literal["csv", "xlsx"]] = _p("File format (default csv)")
    part: Optional[Literal["responses", "codebook"]] = _p("What to download (default responses)")


class EstimatesQuery(Query):
    by: Optional[Literal[ESTIMATE_BY]] = _p("province (default), commune or a profile field")  # type: ignore
    calibrate: Optional[Literal["0", "1", "true", "false"]] = _p(
        "1: post-stratify the weights to the province's sex × age-band margins (422 `no_margins` when none are "
        "uploaded); the document's `calibrated` says which weights were used")


# Request bodies besides the submission

class Heartbeat(BaseModel):
    """A kiosk's report that it is alive."""

    queue_length: int = Field(ge=0, le=1_000_000, strict=True, description="Responses waiting in its outbox")


# Answers

class ErrorItem(BaseModel):
    field: str
    code: str
    message: str


class Error(BaseModel):
    """Every 4xx/5xx of the API: a code, a message, and for 413/422 the fields at fault."""

    error: str
    message: str
    errors: Optional[list[ErrorItem]] = None
    params: Optional[dict[str, Any]] = None


class Stored(BaseModel):
    id: str = Field(json_schema_extra={"format": "uuid"})
    status: Literal["stored", "already_stored"]


class HeartbeatNoted(BaseModel):
    status: Literal["ok"]
    queue_length: int


class Unit(BaseModel):
    code: str
    name: str
    level: str
    division_type: Optional[str]
    vintage: str
    parent_code: Optional[str]
    valid_from: Optional[str]
    valid_to: Optional[str]


class Units(BaseModel):
    units: list[Unit]


class ServicePoint(BaseModel):
    code: str
    name: str
    kind: str
    agency: str
    agency_name: str
    unit_code: str
    unit_name: str


class ServicePoints(BaseModel):
    service_points: list[ServicePoint]


class InstrumentSummary(BaseModel):
    code: str
    name: dict[str, Optional[str]]
    kind: str
    official: bool
    owner: Optional[str]
    current_version: Optional[int]
    versions: list[dict[str, Any]] = Field(description="version, status, method_version, definition_hash, "
                                                       "published_at, and the items with codes, scales and routing")


class Instruments(BaseModel):
    scales: dict[str, Any]
    instruments: list[InstrumentSummary]


class Weighted(BaseModel):
    index: Number
    n_weighted_cells: int


class ComponentFigure(BaseModel):
    pct: Number
    n: int
    se: Number = None


class ItemFigure(BaseModel):
    pct: Number
    n_valid: int
    mean: Number = None
    ci_low: Number = None
    ci_high: Number = None
    se: Number = None


class IndexRow(BaseModel):
    unit_code: Optional[str]
    unit_name: Optional[str]
    level: Optional[str]
    n: int
    index: Number
    ci_low: Number
    ci_high: Number
    suppressed: bool
    incomplete: bool
    weighted: Optional[Weighted] = Field(None, description=(
        "Secondary figure, only with ?weighted=1: post-stratified by sex × age band against the province's "
        "margins; null without margins, when suppressed or without profile data"))
    flagged: Optional[int] = Field(None, description="Responses of this row that carry a quality flag (counted in "
                                   "the default figures, left out with ?quality=clean)")
    components: dict[str, ComponentFigure]
    items: dict[str, ItemFigure]


class Indices(BaseModel):
    instrument: str
    instrument_version: Optional[int] = None
    method_version: Optional[str] = None
    period: str
    by: str
    min_n: int
    computed_at: Optional[str] = Field(None, json_schema_extra={"format": "date-time"})
    filters: dict[str, Any] = Field({}, description="The filters applied; empty when every response counts")
    rows: list[IndexRow]


class EstimateRow(IndexRow):
    se: Number = None
    deff: Number = None
    response_rate: Number = None


class Calibration(BaseModel):
    margins: str
    respondents_in_cells: int
    respondents_without_cell: int = Field(description="Respondents without sex or age band: their weight is kept")


class Estimates(Indices):
    """A campaign's estimates: the indices document with se, deff and response_rate on every row."""

    rows: list[EstimateRow]  # type: ignore[assignment]
    calibrated: bool = Field(False, description="Whether the weights were post-stratified to sex × age-band margins")
    calibration: Optional[Calibration] = None

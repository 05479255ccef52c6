"""The submitted response as declared once: the patterns, limits and choices that envelope.py checks and that the
OpenAPI document (survey/api/openapi.py) publishes as JSON Schema, so the two cannot drift."""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from survey.models.responses import CHANNELS

# Patterns are written for both Python's `re` and ECMA 262 (JSON Schema): ASCII classes, no flags, no \d.
INSTRUMENT_CODE = r"^[A-Z0-9][A-Z0-9._-]{0,39}$"
POINT_CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$"  # never a leading = + - @ (exports)
AGENCY_CODE = r"^[0-9A-Z]{2,3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$"
# National procedure codes (1.001234, 2.002345.000.00.00.H12) and field codes: letters, digits, '.', '_', '-',
# starting with a letter or digit, so no code can start a spreadsheet formula in an export (= + - @).
PROCEDURE_CODE = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$"
FIELD_CODE = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,79}$"
# Dossier codes (methodology 5): Circular 01/2018 art. 19, and Circular 03/2025 for national systems; the
# group is the date (yymmdd) that envelope.py checks is a real day.
DOSSIER_CODES = (r"^[0-9A-Z]{2,3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}-([0-9]{6})-[0-9]{4}$",
                 r"^[A-Z][0-9]{2}\.[0-9A-Z]{3}\.[0-9A-Z]{2}-([0-9]{6})-[0-9]{6,}$")
DOSSIER_CODE = "^(?:" + "|".join(p[1:-1] for p in DOSSIER_CODES) + ")$"
MAX_LENGTH = {"id": 36, "submitted_at": 40, "counter": 40, "officer": 80, "field": 80, "dossier": 60}
MAX_VERSION = 10_000
UPPER_CASED = ("instrument", "agency", "dossier")  # compared upper-case: lower-case letters are accepted
EXAMPLE = {"id": "3f2b8c1e-5d4a-4c7b-9e21-0a6f1d2c3b4e", "instrument": "KIOSK-QUICK",
           "submitted_at": "2026-03-01T09:30:00+07:00", "channel": "kiosk",
           "answers": {"Q": 2, "R": [1, 3], "COMMENT": "Chờ lâu quá"}}


def _code(pattern: str, description: str, example: str | None = None, max_length: int | None = None):
    extra = {"examples": [example]} if example else None
    return Field(None, pattern=pattern, max_length=max_length, description=description, json_schema_extra=extra)


Answer = Union[StrictInt, list[StrictInt], str]


class RespondentProfile(BaseModel):
    """Profile codes (methodology 2.6): the instrument's profile items by code, these being the usual ones."""

    model_config = ConfigDict(extra="allow")
    sex: StrictInt | None = None
    age_band: StrictInt | None = None
    ethnicity: StrictInt | None = None
    education: StrictInt | None = None
    occupation: StrictInt | None = None
    area: StrictInt | None = None
    terrain: StrictInt | None = None
    respondent_type: StrictInt | None = None


class Submission(BaseModel):
    """One response as a kiosk, the online form or the paper entry sends it (POST /api/v1/responses)."""

    model_config = ConfigDict(extra="forbid", title="Submission", json_schema_extra={"examples": [EXAMPLE]})
    id: Annotated[str, Field(max_length=MAX_LENGTH["id"], json_schema_extra={"format": "uuid"},
                             description="Made by the client when the response starts; the idempotency key")]
    instrument: Annotated[str, Field(pattern=INSTRUMENT_CODE, description="Instrument code (upper-cased)",
                                     examples=["KIOSK-QUICK"])]
    version: Annotated[int | None, Field(None, ge=1, le=MAX_VERSION, strict=True,
                                         description="Default: the current published version")]
    service_point: Annotated[str | None, _code(POINT_CODE, "Service point code; optional when the device token "
                                                           "is bound to one")]
    agency: Annotated[str | None, _code(AGENCY_CODE, "Agency whose procedure was served (upper-cased); "
                                                     "default the service point's", "000.21.22.H49")]
    procedure: Annotated[str | None, _code(PROCEDURE_CODE, "National procedure code", "1.001234")]
    field: Annotated[str | None, _code(FIELD_CODE, "Field (lĩnh vực) code of the procedure")]
    dossier: Annotated[str | None, _code(DOSSIER_CODE, "Dossier code (upper-cased), its date a real day; one "
                                                       "rating per dossier per channel", "000.21.22.H49-250701-0001",
                                         MAX_LENGTH["dossier"])]
    channel: Literal[CHANNELS] = Field("kiosk", description="Default kiosk for a device")  # type: ignore[valid-type]
    submitted_at: Annotated[str, Field(max_length=MAX_LENGTH["submitted_at"], json_schema_extra={
        "format": "date-time"}, description="ISO 8601 with a UTC offset, between 2017 and ten minutes from now",
        examples=["2026-03-01T09:30:00+07:00"])]
    started_at: Annotated[str | None, Field(None, max_length=MAX_LENGTH["submitted_at"], json_schema_extra={
        "format": "date-time"}, description="When the person began the form (ISO 8601 with offset, not after "
        "submitted_at): the quality rule for completions faster than a threshold uses it")] = None
    answers: Annotated[dict[str, Answer], Field(description="Item code → answer code, list of codes (multiple "
                                                            "choice) or text (comment items)")]
    respondent: RespondentProfile | None = None
    counter: Annotated[str | None, Field(None, max_length=MAX_LENGTH["counter"],
                                         description="Counter attribution (never shown)")]
    officer: Annotated[str | None, Field(None, max_length=MAX_LENGTH["officer"],
                                         description="Officer attribution (never shown)")]

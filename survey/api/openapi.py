"""GET /api/v1/openapi.json: the OpenAPI 3 description of every v1 endpoint (SPEC 2.3)."""
from __future__ import annotations

from flask import jsonify

from survey.api import bp
from survey.models.responses import CHANNELS, PROFILE_FIELDS

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "Bad request", 401: "No or unknown token", 403: "Token not allowed here (revoked, wrong kind, "
            "or outside the caller's scope)", 404: "Not found", 409: "Conflict", 413: "Body too large",
            415: "Not JSON", 422: "Invalid; `errors` names each field", 429: "Rate limited",
            503: "Not confirmed in time (the database was busy): send the same response again"}
    return {str(code): _json(ERROR, text[code]) for code in codes}


def _query(name: str, description: str, required: bool = False, enum: list | None = None) -> dict:
    schema: dict = {"type": "string"}
    if enum:
        schema["enum"] = enum
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema}


def _download(summary: str, operation: str, media: str, parameters: list[dict]) -> dict:
    """A staff download (a file, not JSON), scoped to the caller's units and audited."""
    binary = {"type": "string", "format": "binary"}
    content = {media: {"schema": binary}}
    if media == "text/csv":
        content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = {"schema": binary}
    return {"summary": summary, "operationId": operation, "security": STAFF, "parameters": parameters,
            "responses": {"200": {"description": "The file", "content": content}, **_errors(401, 403, 404, 422)}}


RESPONSE_BODY = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "instrument", "submitted_at", "answers"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Made by the client when the response starts; "
                                                                  "the idempotency key"},
        "instrument": {"type": "string", "example": "KIOSK-QUICK"},
        "version": {"type": "integer", "minimum": 1, "description": "Default: the current published version"},
        "service_point": {"type": "string", "description": "Optional when the device token is bound to one"},
        "agency": {"type": "string", "example": "000.21.22.H49", "description": "Agency whose procedure was "
                                                                               "served; default the point's"},
        "procedure": {"type": "string", "description": "National procedure code"},
        "field": {"type": "string", "description": "Field (lĩnh vực) of the procedure"},
        "dossier": {"type": "string", "example": "000.21.22.H49-250701-0001",
                    "description": "Dossier code; one rating per dossier per channel"},
        "channel": {"type": "string", "enum": list(CHANNELS), "default": "kiosk"},
        "submitted_at": {"type": "string", "format": "date-time", "example": "2026-03-01T09:30:00+07:00",
                         "description": "ISO 8601 with an offset; not more than 10 minutes ahead"},
        "started_at": {"type": "string", "format": "date-time", "example": "2026-03-01T09:29:10+07:00",
                       "description": "Optional: when the form was opened (not after submitted_at); only the "
                                      "too-fast quality flag reads it"},
        "answers": {"type": "object", "description": "Item code → code, list of codes (multi-select) or text",
                    "additionalProperties": {"oneOf": [{"type": "integer"},
                                                       {"type": "array", "items": {"type": "integer"}},
                                                       {"type": "string"}]},
                    "example": {"Q": 2, "R": [1, 3], "COMMENT": "Chờ lâu quá"}},
        "respondent": {"type": "object", "description": "Profile codes (methodology 2.6)",
                       "properties": {name: {"type": "integer"} for name in PROFILE_FIELDS}},
        "counter": {"type": "string", "maxLength": 40, "description": "Counter attribution (never shown)"},
        "officer": {"type": "string", "maxLength": 80, "description": "Officer attribution (never shown)"},
    },
}

STAFF = [{"staffToken": []}, {"session": []}]


def document() -> dict:
    """The OpenAPI 3.0 document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Citizen satisfaction survey API", "version": "1",
                 "description": "Kiosks submit responses with a device token; staff read indices, instruments, "
                                "units and service points with an API token or a session, scoped to their units."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/responses": {"post": {
                "summary": "Submit one response", "operationId": "submitResponse", "security": [{"deviceToken": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": RESPONSE_BODY}}},
                "parameters": [{"name": "X-Outbox-Length", "in": "header", "required": False,
                                "description": "Responses waiting in the kiosk's outbox", "schema": {"type": "integer"}}],
                "responses": {"201": _json({"$ref": "#/components/schemas/Stored"}, "Stored"),
                              "200": _json({"$ref": "#/components/schemas/Stored"},
                                           "The same id with the same content was stored before"),
                              **_errors(401, 403, 409, 413, 415, 422, 429, 503)}}},
            "/devices/heartbeat": {"post": {
                "summary": "A kiosk reports its outbox length", "operationId": "deviceHeartbeat",
                "security": [{"deviceToken": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["queue_length"],
                    "properties": {"queue_length": {"type": "integer", "minimum": 0}}}}}},
                "responses": {"200": _json({"type": "object"}, "Noted"), **_errors(401, 403, 422, 429)}}},
            "/indices": {"get": {
                "summary": "Indices by unit, agency, channel or profile", "operationId": "getIndices",
                "security": STAFF,
                "parameters": [_query("instrument", "Instrument code", True), _query("period", "2026, 2026-Q3, "
                               "2026-09", True), _query("by", "Breakdown", False,
                               ["province", "commune", "district", "agency", "service_point", "procedure", "field",
                                "channel", *PROFILE_FIELDS]), _query("province", "Province code"),
                               _query("weighted", "1: add each row's secondary post-stratified figures "
                                      "(row.weighted)", False, ["0", "1"]),
                               _query("quality", "clean: leave out responses with a quality flag (the "
                                      "published default, all, counts every response)", False, ["all", "clean"]),
                               _query("channel", "Only responses of this channel", False, list(CHANNELS)),
                               _query("field", "Only responses of this procedure field (code)"),
                               _query("procedure", "Only responses of this procedure (code)"),
                               *[_query(name, f"Only respondents with this {name} code (profile choice)")
                                 for name in PROFILE_FIELDS]],
                "responses": {"200": _json({"$ref": "#/components/schemas/Indices"}, "The table"),
                              **_errors(401, 403, 422)}}},
            "/instruments": {"get": {
                "summary": "Instruments and their versions", "operationId": "listInstruments", "security": STAFF,
                "responses": {"200": _json({"type": "object"}, "Instruments"), **_errors(401, 403)}}},
            "/units": {"get": {
                "summary": "Geographic units", "operationId": "listUnits", "security": STAFF,
                "parameters": [_query("province", "Province code"), _query("level", "Level", False,
                                                                           ["province", "district", "commune"]),
                               _query("q", "Name, accent-insensitive"), _query("vintage", "2025 or legacy")],
                "responses": {"200": _json({"type": "object", "properties": {"units": {"type": "array", "items": {
                    "$ref": "#/components/schemas/Unit"}}}}, "Units"), **_errors(401, 403, 422)}}},
            "/service-points": {"get": {
                "summary": "Service points visible to the caller", "operationId": "listServicePoints",
                "security": STAFF, "parameters": [_query("province", "Province code")],
                "responses": {"200": _json({"type": "object", "properties": {"service_points": {
                    "type": "array", "items": {"$ref": "#/components/schemas/ServicePoint"}}}}, "Service points"),
                    **_errors(401, 403, 404)}}},
            "/reports/unit": {"get": _download(
                "PDF summary of one unit, agency or service point", "reportUnit", "application/pdf",
                [_query("unit", "Unit, agency or service point code", True), _query("period", "Period", True),
                 _query("instrument", "Instrument code"), _query("version", "Version"),
                 _query("lang", "Language", False, ["vi", "en"])])},
            "/reports/province": {"get": _download(
                "PDF summary of a province", "reportProvince", "application/pdf",
                [_query("province", "Province code", True), _query("period", "Period", True),
                 _query("instrument", "Instrument code"), _query("version", "Version"),
                 _query("lang", "Language", False, ["vi", "en"])])},
            "/exports/indices": {"get": _download(
                "The index table as CSV or XLSX (the columns of /indices, flattened)", "exportIndices", "text/csv",
                [_query("instrument", "Instrument code", True), _query("period", "Period", True),
                 _query("by", "Breakdown"), _query("province", "Province code"), _query("unit", "Unit code"),
                 _query("format", "File format", False, ["csv", "xlsx"])])},
            "/exports/responses": {"get": _download(
                "Anonymised responses (or their codebook) as CSV or XLSX; small cells suppressed", "exportResponses",
                "text/csv",
                [_query("instrument", "Instrument code", True), _query("period", "Period", True),
                 _query("unit", "Unit code"), _query("version", "Version"),
                 _query("format", "File format", False, ["csv", "xlsx"]),
                 _query("part", "What to download", False, ["responses", "codebook"])])},
            "/openapi.json": {"get": {"summary": "This document", "operationId": "openapi", "security": [],
                                      "responses": {"200": _json({"type": "object"}, "OpenAPI 3 document")}}},
        },
        "components": {
            "securitySchemes": {
                "deviceToken": {"type": "http", "scheme": "bearer", "description": "Kiosk device token (dev_…)"},
                "staffToken": {"type": "http", "scheme": "bearer", "description": "Staff API token (tok_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": _schemas()},
    }


def _schemas() -> dict:
    figure = {"type": "number", "nullable": True}
    return {
        "Error": {"type": "object", "required": ["error", "message"], "properties": {
            "error": {"type": "string"}, "message": {"type": "string"},
            "errors": {"type": "array", "items": {"type": "object", "required": ["field", "code", "message"],
                                                  "properties": {"field": {"type": "string"},
                                                                 "code": {"type": "string"},
                                                                 "message": {"type": "string"}}}}}},
        "Stored": {"type": "object", "properties": {"id": {"type": "string", "format": "uuid"},
                                                    "status": {"type": "string",
                                                               "enum": ["stored", "already_stored"]}}},
        "Unit": {"type": "object", "properties": {k: {"type": "string", "nullable": True} for k in (
            "code", "name", "level", "division_type", "vintage", "parent_code", "valid_from", "valid_to")}},
        "ServicePoint": {"type": "object", "properties": {k: {"type": "string"} for k in (
            "code", "name", "kind", "agency", "agency_name", "unit_code", "unit_name")}},
        "Indices": {"type": "object", "properties": {
            "instrument": {"type": "string"}, "instrument_version": {"type": "integer"},
            "method_version": {"type": "string"}, "period": {"type": "string"}, "by": {"type": "string"},
            "min_n": {"type": "integer"}, "computed_at": {"type": "string", "format": "date-time"},
            "quality": {"type": "string", "enum": ["clean"], "description": "Present when flagged responses "
                        "were left out (quality=clean)"},
            "filters": {"type": "object", "description": "The filters applied (channel, field, procedure, profile "
                        "codes); empty when every response counts", "additionalProperties": {
                            "oneOf": [{"type": "string"}, {"type": "integer"}]}},
            "rows": {"type": "array", "items": {"type": "object", "properties": {
                "unit_code": {"type": "string"}, "unit_name": {"type": "string"}, "level": {"type": "string"},
                "n": {"type": "integer"}, "index": figure, "ci_low": figure, "ci_high": figure,
                "suppressed": {"type": "boolean"}, "incomplete": {"type": "boolean"},
                "flagged": {"type": "integer", "description": "Responses of the row with a quality flag "
                            "(methodology §9); counted in the figures unless quality=clean"},
                "weighted": {"type": "object", "nullable": True, "description": (
                    "Secondary figure, only with ?weighted=1: post-stratified by sex × age band against the "
                    "province's margins; null without margins, when suppressed or without profile data"),
                    "properties": {"index": figure, "n_weighted_cells": {"type": "integer"}}},
                "components": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                    "pct": figure, "n": {"type": "integer"}}}},
                "items": {"type": "object", "additionalProperties": {"type": "object", "properties": {
                    "pct": figure, "n_valid": {"type": "integer"}, "mean": figure, "ci_low": figure,
                    "ci_high": figure}}}}}}}},
    }


@bp.get("/openapi.json")
def openapi_document():
    """The OpenAPI document (public: it holds no data)."""
    return jsonify(document())

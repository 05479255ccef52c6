"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, made from the declarations the endpoints validate with
(survey/api/declare.py, survey/api/schemas.py, survey/services/responses/contract.py); /api/v1/docs shows it."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from flask import current_app, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from survey.api import bp, schemas
from survey.api.declare import AUTH_ERRORS, OPERATIONS, PATH_PATTERN, PUBLIC, Operation, declared

REF = "#/components/schemas/{model}"
STATUS_TEXT = {
    200: "OK", 201: "Stored", 400: "Bad request", 401: "No or unknown token",
    403: "Not allowed: a revoked device, the wrong kind of token, or outside the caller's scope",
    404: "Not found", 409: "Conflict: the same id with different content, or a dossier already rated",
    413: "Body too large", 414: "URL too long (answered by the server in front)", 415: "Not JSON",
    422: "Invalid; `errors` names each field", 429: "Rate limited; Retry-After says when to send again",
    503: "Not confirmed in time (the database was busy): send the same response again"}


def _models() -> list[type[BaseModel]]:
    found = {schemas.Error}
    for op in OPERATIONS.values():
        found.update(m for m in (op.body, *op.answers.values()) if isinstance(m, type) and issubclass(m, BaseModel))
    return sorted(found, key=lambda m: m.__name__)


def _parameters(op: Operation, path: str) -> list[dict]:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": PATH_PATTERN}}
              for name in re.findall(r"{(\w+)}", path)]
    if op.params is not None:
        schema = op.params.model_json_schema(by_alias=True)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            description = prop.pop("description", "")
            prop.pop("title", None)
            prop.pop("default", None)
            param = {"name": name, "in": "query", "required": name in required, "description": description,
                     "schema": _plain(prop)}
            if param["schema"].get("examples"):
                param["example"] = param["schema"].pop("examples")[0]
            params.append(param)
    for name, description in op.headers.items():
        params.append({"name": name, "in": "header", "required": False, "description": description,
                       "schema": {"type": "string", "pattern": "^[0-9]{1,7}$"}})
    return params


def _plain(prop: dict) -> dict:
    """A query parameter's schema without pydantic's Optional wrapper (absent is how a query says null)."""
    choices = [p for p in prop.get("anyOf", []) if p.get("type") != "null"]
    if len(choices) == 1:
        return {**{k: v for k, v in prop.items() if k != "anyOf"}, **choices[0]}
    return prop


def _answer(status: int, answer: Any) -> dict:
    if isinstance(answer, tuple):  # a file
        return {"description": STATUS_TEXT.get(status, "The file"),
                "content": {media: {"schema": {"type": "string", "contentMediaType": media}} for media in answer}}
    if answer is dict:  # any JSON object
        return {"description": STATUS_TEXT[status], "content": {"application/json": {"schema": {"type": "object"}}}}
    model = answer or schemas.Error
    return {"description": model.__doc__.strip().splitlines()[0] if answer and status < 300 and model.__doc__
            else STATUS_TEXT[status], "content": {"application/json": {"schema": {"$ref": REF.format(
                model=model.__name__)}}}}


def _operation(op: Operation, path: str) -> dict:
    statuses = dict(op.answers)
    if op.security:
        statuses.update({code: None for code in AUTH_ERRORS if code not in statuses})
    if op.params is not None:
        statuses.setdefault(422, None)
    out: dict[str, Any] = {"summary": op.summary, "operationId": op.operation_id, "security": op.security,
                           "parameters": _parameters(op, path),
                           "responses": {str(code): _answer(code, statuses[code]) for code in sorted(statuses)}}
    if op.description:
        out["description"] = op.description
    if op.body is not None:
        media: dict[str, Any] = {"schema": {"$ref": REF.format(model=op.body.__name__)}}
        examples = (op.body.model_config.get("json_schema_extra") or {}).get("examples")  # type: ignore[union-attr]
        if examples:  # the media type's example is what clients (and schemathesis's explicit phase) send first
            media["example"] = examples[0]
        out["requestBody"] = {"required": True, "content": {"application/json": media}}
    return out


def _paths() -> dict[str, dict]:
    paths: dict[str, dict] = {}
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/") or rule.endpoint not in OPERATIONS:
            continue  # an undeclared route is missing here, and tests/web/test_openapi.py says which
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(OPERATIONS[rule.endpoint], path)
    return paths


@lru_cache(maxsize=1)
def _components() -> dict:
    _, top = models_json_schema([(m, "validation") for m in _models()], ref_template=REF)
    return top["$defs"]


def document() -> dict:
    """The OpenAPI 3.1 document of every declared /api/v1 route of the app."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Citizen satisfaction survey API", "version": "1",
                 "description": "Kiosks submit responses with a device token; staff read indices, instruments, "
                                "units, service points, reports and exports with an API token or a session, "
                                "scoped to their units. Errors are JSON: `error`, `message` and, for 413/422, "
                                "`errors` naming each field."},
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(),
        "components": {
            "schemas": _components(),
            "securitySchemes": {
                "deviceToken": {"type": "http", "scheme": "bearer", "description": "Kiosk device token (dev_…)"},
                "staffToken": {"type": "http", "scheme": "bearer", "description": "Staff API token (tok_…)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"}}},
    }


@bp.get("/openapi.json")
@declared(Operation("This document (public: it holds no data)", "openapi", {200: dict}, security=PUBLIC))
def openapi_document():
    """The OpenAPI document."""
    return jsonify(document())


@bp.get("/docs")
@declared(Operation("The document as a browsable page", "docs", {200: ("text/html",)}, security=PUBLIC))
def docs_page():
    """The document rendered by the vendored Swagger UI (static/vendor/swagger-ui), no inline script."""
    return render_template("api_docs.html")

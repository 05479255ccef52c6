"""Each API view declares its operation (query, body, answers, security) beside its route; the declaration
validates the query before the view runs and is what the OpenAPI document is made from."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import request
from pydantic import BaseModel, ValidationError

from survey.errors import Invalid

DEVICE = [{"deviceToken": []}]
STAFF = [{"staffToken": []}, {"session": []}]
PUBLIC: list[dict] = []
# Statuses any authenticated call can get: no or unknown token, not allowed, too many requests, and 414 from the
# server in front when the URL is longer than it accepts.
AUTH_ERRORS = (401, 403, 414, 429)
PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Operation:
    """What one endpoint accepts and answers."""

    summary: str
    operation_id: str
    answers: dict[int, Any]  # status → a model (JSON), a tuple of file media types, or None (Error)
    security: list[dict] = field(default_factory=lambda: STAFF)
    params: type[BaseModel] | None = None  # the query string
    body: type[BaseModel] | None = None
    description: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # request header → description (integers)


PATH_MAX = 200
PATH_PATTERN = "^[^\\x00-\\x1f\\x7f]{1,%d}$" % PATH_MAX
PATH_TEXT = re.compile(PATH_PATTERN)
OPERATIONS: dict[str, Operation] = {}  # by endpoint name (api.<view>)


def declared(operation: Operation):
    """Register the view's operation; a declared query model is validated before the view runs."""
    def decorate(view):
        OPERATIONS[f"api.{view.__name__}"] = operation

        @wraps(view)
        def wrapper(*args, **kwargs):
            check_path(kwargs)
            if operation.params is not None:
                check_query(operation.params)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def check_path(values: dict[str, Any]) -> None:
    """Path parameters are codes: Invalid (422) for control characters (PostgreSQL refuses NUL) or a long one."""
    errors = [{"field": name, "code": "bad_format", "message": f"{name} must be at most {PATH_MAX} characters "
               "without control characters"} for name, value in values.items()
              if isinstance(value, str) and not PATH_TEXT.fullmatch(value)]
    if errors:
        raise Invalid(errors, "Invalid path parameters")


def check_query(model: type[BaseModel]) -> BaseModel:
    """The request's query string as the model; Invalid (422) naming each parameter at fault."""
    given = {name: value for name, value in request.args.items() if value.strip()}
    try:
        return model.model_validate(given)
    except ValidationError as exc:
        raise Invalid([_error(e) for e in exc.errors()], "Invalid query parameters") from None


def model_errors(exc: ValidationError) -> list[dict[str, str]]:
    """A pydantic validation error as the API's {field, code, message} list."""
    return [_error(e) for e in exc.errors()]


def _error(error: Any) -> dict[str, str]:
    name = ".".join(str(part) for part in error["loc"]) or "query"
    code = {"missing": "required", "literal_error": "unknown"}.get(error["type"], "bad_format")
    return {"field": name, "code": code, "message": f"{name}: {error['msg']}"}

"""Schemathesis against the live document of a test app: a few deterministic examples per operation, each answer
checked for 5xx and against the document (status, content type, body schema); the failures as text."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {"positive": 25, "negative": 15}  # per operation and backend: about a minute in all


def run(app, mode: str, device_token: str, staff_token: str) -> list[str]:
    """Every operation of /api/v1/openapi.json, called with the device token (kiosk endpoints) or the staff token."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        device = any("deviceToken" in s for s in operation.definition.raw.get("security", []))
        token = device_token if device else staff_token
        raw = operation.definition.raw
        if mode == "negative" and not raw.get("parameters") and "requestBody" not in raw:
            continue  # nothing to make invalid
        strategy = operation.as_strategy(generation_mode=GenerationMode(mode))
        if mode == "positive":  # the document's own examples first (the submission's must be stored: 201)
            for example in schema.get_strategies_from_examples(operation):
                strategy = example | strategy
        check = _checker(operation, strategy, token, mode, failures)
        before = len(failures)
        try:
            check()
        except Exception:
            if len(failures) == before:  # not a failed check (those are recorded above) but a broken run
                raise
    return failures


def _checker(operation, strategy, token: str, mode: str, failures: list[str]):
    @settings(max_examples=EXAMPLES[mode], derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case):
        # A generated Authorization header would replace the token: the calls test the parameters and bodies.
        headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        case.headers = {**headers, "Authorization": f"Bearer {token}"}
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:  # noqa: BLE001 - collected: every operation is tried before the test fails
            failures.append(f"{operation.label}: {exc}")
            raise
    return check

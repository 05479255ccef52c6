"""Operations' view of a running server: logs with request ids, health and readiness probes, Prometheus metrics."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Logging first (its request-id hook must run before any other hook can answer), then probes and metrics."""
    from survey.observability import health, logs, metrics

    logs.configure_logging(app)
    logs.init_request_ids(app)
    health.init_app(app)
    metrics.init_app(app)

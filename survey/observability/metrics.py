"""Prometheus metrics at /metrics when SURVEY_METRICS=1, guarded by SURVEY_METRICS_TOKEN when set.

Counted in memory as requests are answered, never by querying the database (the submission path is benchmarked,
SPEC P1): a few microseconds a request, nothing at all when metrics are off (the hooks are then not installed and
the service-side calls return at once). Under gunicorn set PROMETHEUS_MULTIPROC_DIR to an empty directory before
the workers start (see `on_starting` and `child_exit` for gunicorn.conf.py): each worker then writes its values
to files there and /metrics adds them up, whichever worker answers the scrape.
"""
from __future__ import annotations

import hmac
import os
import time
from pathlib import Path
from types import SimpleNamespace

from flask import Blueprint, Flask, abort, current_app, g, request

bp = Blueprint("metrics", __name__)
_metrics: SimpleNamespace | None = None  # built once per process, when an app first enables metrics

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64)  # group_commit.MAX_BATCH is 64
OUTBOX_BUCKETS = (0, 1, 5, 10, 50, 100, 500, 1000, 10_000)


def enabled(app: Flask) -> bool:
    """SURVEY_METRICS set to a true value (1, true, yes)."""
    return str(app.config.get("METRICS") or "").lower() in ("1", "true", "yes", "on")


def init_app(app: Flask) -> None:
    """When enabled: build the metrics, time every request and serve /metrics; otherwise /metrics is a 404."""
    if not enabled(app):
        return
    _build()
    app.before_request(_started)
    app.after_request(_answered)
    app.register_blueprint(bp)


def _build() -> SimpleNamespace:
    """The process's metrics (prometheus_client is imported only here: no cost to the CLI when metrics are off)."""
    global _metrics
    if _metrics is None:
        from prometheus_client import Counter, Gauge, Histogram

        _metrics = SimpleNamespace(
            requests=Counter("survey_http_requests_total", "HTTP requests answered, by endpoint, method and status",
                             ["endpoint", "method", "status"]),
            latency=Histogram("survey_http_request_duration_seconds", "Time to answer a request, by endpoint",
                              ["endpoint"], buckets=LATENCY_BUCKETS),
            stored=Counter("survey_submissions_stored_total",
                           "Kiosk submissions committed: created (new) or already_stored (a resend)", ["outcome"]),
            refused=Counter("survey_submissions_refused_total",
                            "Kiosk submissions refused as written (conflict, revoked or unknown device)", ["reason"]),
            batches=Histogram("survey_group_commit_batch_size",
                              "Kiosk submissions written per group-commit transaction", buckets=BATCH_BUCKETS),
            outbox=Histogram("survey_kiosk_outbox_length", "Outbox lengths reported by kiosks (responses waiting)",
                             buckets=OUTBOX_BUCKETS),
            outbox_last=Gauge("survey_kiosk_outbox_last", "The last outbox length each kiosk reported", ["device"],
                              multiprocess_mode="mostrecent"),
        )
    return _metrics


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _answered(response):
    started = g.get("metrics_started")
    if started is not None and _metrics is not None:
        endpoint = request.endpoint or "unmatched"  # 404s share one label: paths are unbounded, endpoints are not
        _metrics.requests.labels(endpoint, request.method, str(response.status_code)).inc()
        _metrics.latency.labels(endpoint).observe(time.perf_counter() - started)
    return response


def observe_batch(created: int, already: int, refused: dict[str, int], size: int) -> None:
    """A group commit (or a lone submission) committed: `size` submissions, so many new, resent and refused."""
    if _metrics is None:
        return
    if size:
        _metrics.batches.observe(size)
    if created:
        _metrics.stored.labels("created").inc(created)
    if already:
        _metrics.stored.labels("already_stored").inc(already)
    for reason, count in refused.items():
        _metrics.refused.labels(reason).inc(count)


def observe_outbox(device_id: int, length: int) -> None:
    """A kiosk reported how many responses wait in its outbox."""
    if _metrics is None:
        return
    _metrics.outbox.observe(length)
    _metrics.outbox_last.labels(str(device_id)).set(length)


@bp.get("/metrics")
def export():
    """The metrics in Prometheus' text format (every worker's, added up, in multiprocess mode)."""
    _check_token()
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    return current_app.response_class(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _check_token() -> None:
    """With SURVEY_METRICS_TOKEN set: 401 without a bearer token, 403 with another one."""
    expected = current_app.config.get("METRICS_TOKEN")
    if not isinstance(expected, str):  # from_prefixed_env read a numeric or boolean-looking token as JSON
        expected = os.environ.get("SURVEY_METRICS_TOKEN", "" if expected is None else str(expected))
    if not expected:
        return
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        abort(401, description="A bearer token is required for the metrics")
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        abort(403, description="Wrong metrics token")


def on_starting(_server=None) -> None:
    """gunicorn `on_starting` hook: the previous run's files out of PROMETHEUS_MULTIPROC_DIR (only those: the
    variable may name a directory holding other things), so counts restart with the server."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(_server, worker) -> None:
    """gunicorn `child_exit` hook: a dead worker's live gauges stop counting."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

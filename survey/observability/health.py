"""Probes: /healthz (the process answers; no I/O) and /readyz (database, migrations, Redis; 200 or 503, in JSON).

Both bodies are built from registries other modules may extend: `LIVENESS_FIELDS` (name → function of the app
giving a JSON value, cheap and without I/O) and `READINESS_CHECKS` (name → function of the app giving a dict with
"ok": True, False or None for "not applicable"; any False makes /readyz answer 503).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify

from survey.extensions import limiter
from survey.services.operations import readiness

bp = Blueprint("health", __name__)
LIVENESS_FIELDS: dict[str, Callable[[Flask], object]] = {}
READINESS_CHECKS: dict[str, Callable[[Flask], dict]] = {}
TIMEOUT_SECONDS = 2  # a probe answers within the load balancer's patience, even with Redis unreachable


def init_app(app: Flask) -> None:
    """Serve the probes (exempt from rate limits: a load balancer polls them)."""
    app.register_blueprint(bp)
    limiter.exempt(bp)


@bp.get("/healthz")
def alive():
    """Liveness: the worker answers. No database or network I/O, so a slow database restarts nothing."""
    app = current_app._get_current_object()
    return {"status": "ok", **{name: field(app) for name, field in LIVENESS_FIELDS.items()}}


@bp.get("/readyz")
def ready():
    """Readiness: every check that applies passes (200 "ready") or some check failed (503 "unavailable")."""
    app = current_app._get_current_object()
    checks = {name: check(app) for name, check in READINESS_CHECKS.items()}
    ok = all(result.get("ok") is not False for result in checks.values())
    return jsonify({"status": "ready" if ok else "unavailable", "checks": checks}), 200 if ok else 503


def rate_limit_state(app: Flask) -> str:
    """How rate limits are counted now: "shared" (Redis), "per-worker" (memory) or "degraded" (Redis configured but
    unreachable: counted in each worker's memory meanwhile); the kiosk throttle's own account of it."""
    from survey.api.throttle import status

    return status()


def check_rate_limits(app: Flask) -> dict:
    """Reported, never failing by itself: degraded limits still limit (per worker); the Redis check says whether
    Redis answers."""
    state = rate_limit_state(app)
    return {"ok": True, "state": state, "degraded": state == "degraded"}


def check_database(app: Flask) -> dict:
    """The database answers a query."""
    try:
        dialect = readiness.database_dialect()
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"; its class names the cause
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "dialect": dialect}


def check_migrations(app: Flask) -> dict:
    """The database's Alembic revision is the code's head (None when the database is empty or unreachable)."""
    heads = _heads(app)
    current = readiness.migration_revisions()
    return {"ok": current == heads, "current": current or None, "head": heads}


def _heads(app: Flask) -> list[str]:
    """The migration scripts' heads, read once per app (the scripts do not change while it runs)."""
    found = app.extensions.get("survey.migration_heads")
    if found is None:
        from alembic.script import ScriptDirectory

        found = app.extensions["survey.migration_heads"] = sorted(
            ScriptDirectory(app.extensions["migrate"].directory).get_heads())
    return found


def redis_url(app: Flask) -> str:
    """The Redis in use: SURVEY_REDIS_URL, or a redis:// rate-limit storage; "" when none is configured."""
    uri = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    return str(app.config.get("REDIS_URL") or (uri if uri.startswith(("redis", "rediss")) else ""))


def check_redis(app: Flask) -> dict:
    """Redis answers PING when one is configured (ok None without one)."""
    url = redis_url(app)
    if not url:
        return {"ok": None, "configured": False}
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - refused, timed out, wrong password: not reachable
        return {"ok": False, "configured": True, "error": type(exc).__name__}
    finally:
        client.close()
    return {"ok": True, "configured": True}


LIVENESS_FIELDS["rate_limits"] = rate_limit_state
READINESS_CHECKS.update(database=check_database, migrations=check_migrations, redis=check_redis,
                        rate_limits=check_rate_limits)

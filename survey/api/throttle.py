"""Rate limits of the kiosk endpoints, counted in Flask-Limiter's own storage with its own strategy.

Flask-Limiter's route decorators cost about 0.15 ms per limit per request, a fifth of a whole submission (SPEC P1),
while the hit itself costs 3 µs in memory. So these two endpoints hit `limiter.limiter` (the `limits` strategy
Flask-Limiter built from RATELIMIT_STORAGE_URI: per worker in memory, or shared in Redis) directly, with each limit
string parsed once; the rest of the app keeps the decorators.

When Redis stops answering, limits are counted in each worker's memory (Flask-Limiter's in-memory fallback, which
these endpoints switch to as well) with a logged warning: a citizen's rating is never refused for it. Counted per
worker, a limit is divided by the number of workers (WEB_CONCURRENCY), so N workers do not allow N times it.
"""
from __future__ import annotations

import logging
import math
import os
import threading
import time
from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from survey.extensions import limiter

log = logging.getLogger(__name__)
RECHECK_SECONDS = 30.0  # how often a worker counting in memory asks whether Redis is back
_recheck = {"at": 0.0}
_recheck_lock = threading.Lock()


@lru_cache(maxsize=256)
def _item(text: str, workers: int = 1) -> RateLimitItem:
    item = parse(text)
    if workers <= 1:
        return item
    return type(item)(max(1, item.amount // workers), item.multiples, item.namespace)


def workers() -> int:
    """Worker processes serving the app (WEB_CONCURRENCY, which gunicorn and scripts/run use too)."""
    value = current_app.config.get("WORKERS") or os.environ.get("WEB_CONCURRENCY") or 1
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def degraded() -> bool:
    """Whether the shared storage (Redis) failed and limits are counted in this worker's memory meanwhile."""
    return bool(getattr(limiter, "_storage_dead", False))


def status() -> str:
    """For /healthz: "shared" (Redis), "per-worker" (memory by configuration) or "degraded" (Redis down)."""
    if degraded():
        _maybe_recover()
    if degraded():
        return "degraded"
    return "per-worker" if _per_worker_storage() else "shared"


def _per_worker_storage() -> bool:
    uri = current_app.config.get("RATELIMIT_STORAGE_URI", "") or ""
    return degraded() or uri.startswith(("memory://", "worker-memory://"))


def per_worker(text: str) -> str:
    """A limit string as this worker must count it: divided by the workers when counted per worker."""
    return str(_item(text, workers() if _per_worker_storage() else 1))


class LimitReached(TooManyRequests):
    """429 with Retry-After: the client (a kiosk outbox) waits at least that long before sending again."""

    def __init__(self, description: str, retry_after: int) -> None:
        super().__init__(description)
        self.retry_after = retry_after

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("Retry-After", str(self.retry_after))]


def enforce(scope: str, limit: str, key: str) -> None:
    """Count one request against `limit` (e.g. "600/minute") for `key`; LimitReached (429) once it is used up."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    prefix = config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = (prefix, scope, key) if prefix else (scope, key)
    if degraded():
        _maybe_recover()
    try:
        item, strategy = _counted(limit)
        if strategy.hit(item, *identifiers):
            return
        reset_at = strategy.get_window_stats(item, *identifiers).reset_time
    except Exception as exc:  # noqa: BLE001 - whatever the storage raised (connection refused, timeout)
        if degraded() or not _fall_back(exc):
            raise
        item, strategy = _counted(limit)
        if strategy.hit(item, *identifiers):
            return
        reset_at = strategy.get_window_stats(item, *identifiers).reset_time
    raise LimitReached(f"Too many requests: at most {item} per {scope.split(':')[0]}",
                       max(1, math.ceil(reset_at - time.time())))


def _counted(limit: str):
    """The limit item (divided when per worker) and the strategy counting it now."""
    return _item(limit, workers() if _per_worker_storage() else 1), limiter.limiter


def _fall_back(exc: Exception) -> bool:
    """Switch to Flask-Limiter's in-memory fallback (as its decorators do); False when none is configured."""
    if not getattr(limiter, "_in_memory_fallback_enabled", False):
        return False
    log.warning("Rate limit storage unreachable (%s): counting limits in this worker's memory", exc)
    limiter._storage_dead = True
    _recheck["at"] = time.monotonic()
    return True


def _maybe_recover() -> None:
    """Every RECHECK_SECONDS, go back to the shared storage if it answers again."""
    now = time.monotonic()
    if now - _recheck["at"] < RECHECK_SECONDS or not _recheck_lock.acquire(blocking=False):
        return
    try:
        _recheck["at"] = now
        if limiter.storage.check():
            log.warning("Rate limit storage reachable again: limits are shared between workers")
            limiter._storage_dead = False
    finally:
        _recheck_lock.release()

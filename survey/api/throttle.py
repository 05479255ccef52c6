"""Rate limits of the kiosk endpoints, counted in Flask-Limiter's own storage with its own strategy.

Flask-Limiter's route decorators cost about 0.15 ms per limit per request, a fifth of a whole submission (SPEC P1),
while the hit itself costs 3 µs in memory. So these two endpoints hit `limiter.limiter` (the `limits` strategy
Flask-Limiter built from RATELIMIT_STORAGE_URI: per worker in memory, or shared in Redis) directly, with each limit
string parsed once; the rest of the app keeps the decorators.
"""
from __future__ import annotations

import math
import time
from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from survey.extensions import limiter


@lru_cache(maxsize=64)
def _item(text: str) -> RateLimitItem:
    return parse(text)


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
    item = _item(limit)
    prefix = config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = (prefix, scope, key) if prefix else (scope, key)
    strategy = limiter.limiter
    if strategy.hit(item, *identifiers):
        return
    reset_at = strategy.get_window_stats(item, *identifiers).reset_time
    raise LimitReached(f"Too many requests: at most {item} per {scope.split(':')[0]}",
                       max(1, math.ceil(reset_at - time.time())))

"""Configuration: safe defaults, then SURVEY_* environment variables (Flask's from_prefixed_env)."""
from __future__ import annotations

import os
from pathlib import Path


class Defaults:
    """Defaults for a single-centre install on the embedded database."""

    SECRET_KEY = "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = ""  # filled from DATABASE_URL or instance/survey.db
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    # Kiosks stay open for hours; CSRF tokens must outlive an idle kiosk.
    WTF_CSRF_TIME_LIMIT = None
    # The largest body any screen takes: the paper CSV import (5 MB) plus its form. Smaller screens check their own
    # limit (weights 64 KB) and the submission API sets 64 KB per request; form fields stay under werkzeug's 500 kB.
    MAX_CONTENT_LENGTH = 6 * 1024 * 1024
    MIN_N = 30
    KIOSK_IDLE_SECONDS = 60
    REDIS_URL = ""
    # Per worker, in memory (survey/limiter_storage.py); SURVEY_REDIS_URL shares the counters between workers.
    RATELIMIT_STORAGE_URI = "worker-memory://"
    RATELIMIT_ENABLED = True
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    RETENTION_DAYS = 730
    LOCAL_TIMEZONE = "Asia/Ho_Chi_Minh"
    # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (0: none, the headers are
    # ignored, since anyone can send them). Behind one nginx: 1.
    TRUSTED_PROXIES = 0


def load_config(app, override: dict | None = None) -> None:
    """Apply defaults, SURVEY_* variables, then an explicit override (tests)."""
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("SURVEY")
    if override:
        app.config.update(override)
    cfg = app.config
    if not cfg["SQLALCHEMY_DATABASE_URI"]:
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg.get("DATABASE_URL") or _default_sqlite(app)
    if cfg.get("REDIS_URL") and cfg["RATELIMIT_STORAGE_URI"] == Defaults.RATELIMIT_STORAGE_URI:
        cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"]
    _check_trusted_proxies(cfg)
    if cfg.get("ENV_PRODUCTION") or os.environ.get("SURVEY_PRODUCTION"):
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True


def _check_trusted_proxies(cfg) -> None:
    """SURVEY_TRUSTED_PROXIES is a hop count; anything else stops start-up with the variable's name."""
    hops = cfg.get("TRUSTED_PROXIES")
    if isinstance(hops, str) and hops.strip().isdigit():
        hops = int(hops)
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise ValueError(f"SURVEY_TRUSTED_PROXIES must be a whole number of proxy hops (0 or more), not {hops!r}")
    cfg["TRUSTED_PROXIES"] = hops


def _default_sqlite(app) -> str:
    """SQLite at instance/survey.db beside the project."""
    path = Path(app.instance_path)
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'survey.db'}"

"""Configuration: safe defaults, then SURVEY_* environment variables (Flask's from_prefixed_env)."""
from __future__ import annotations

import os
from pathlib import Path


class Defaults:
    """Defaults for a single-centre install on the embedded database."""

    SECRET_KEY = DEVELOPMENT_KEY = "dev-only-change-me"  # public: refused in production (check_secret_key)
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
    # Redis down: count in each worker's memory (logged) rather than answer 500 (survey/api/throttle.py).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Worker processes (gunicorn reads WEB_CONCURRENCY too): limits counted per worker are divided by it.
    WORKERS = 0  # 0: WEB_CONCURRENCY, else 1
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
    if str(cfg.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        # A Redis that hangs must not hang a submission: give up fast and count in memory meanwhile.
        cfg.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})
    production = bool(cfg.get("PRODUCTION") or cfg.get("ENV_PRODUCTION") or os.environ.get("SURVEY_PRODUCTION"))
    if production:
        cfg["PRODUCTION"] = True
        cfg["SESSION_COOKIE_SECURE"] = True
        cfg["REMEMBER_COOKIE_SECURE"] = True
    elif cfg.get("SECRET_KEY") == Defaults.DEVELOPMENT_KEY:
        cfg["SECRET_KEY"] = _instance_key(app) or Defaults.DEVELOPMENT_KEY
    check_secret_key(cfg, production)


MIN_SECRET_KEY = 32


class ConfigError(ValueError):
    """The configuration cannot be served safely; the message says what to set."""


def check_secret_key(cfg, production: bool) -> None:
    """In production only an explicit key of at least MIN_SECRET_KEY characters signs sessions: the development
    key is public, and with it anyone can forge a staff session cookie."""
    key = cfg.get("SECRET_KEY")
    key = "" if key is None else str(key)
    cfg["SECRET_KEY"] = key  # from_prefixed_env turns an all-digit key into a number
    if not production:
        return
    if not key.strip() or key == Defaults.DEVELOPMENT_KEY or len(key) < MIN_SECRET_KEY:
        problem = ("is not set" if not key.strip() else "is the public development key"
                   if key == Defaults.DEVELOPMENT_KEY else f"has {len(key)} characters")
        raise ConfigError(
            f"SURVEY_PRODUCTION is set but SURVEY_SECRET_KEY {problem}: set SURVEY_SECRET_KEY to a random secret of "
            f"at least {MIN_SECRET_KEY} characters (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            " or start with scripts/run, which generates one into instance/secret_key.")


def _instance_key(app) -> str | None:
    """The key scripts/run generated into instance/secret_key (development only: production wants it explicit)."""
    path = Path(app.instance_path) / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _check_trusted_proxies(cfg) -> None:
    """SURVEY_TRUSTED_PROXIES is a hop count; anything else stops start-up with the variable's name."""
    hops = cfg.get("TRUSTED_PROXIES")
    if isinstance(hops, str) and hops.strip().isdigit():
        hops = int(hops)
    if isinstance(hops, bool) or not isinstance(hops, int) or hops < 0:
        raise ConfigError(f"SURVEY_TRUSTED_PROXIES must be a whole number of proxy hops (0 or more), not {hops!r}")
    cfg["TRUSTED_PROXIES"] = hops


def _default_sqlite(app) -> str:
    """SQLite at instance/survey.db beside the project."""
    path = Path(app.instance_path)
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'survey.db'}"


def public_url(cfg) -> str:
    """The base URL printed in links and QR codes outside a request: SURVEY_PUBLIC_URL, else the port
    ./scripts/run serves on (PORT, default 5000) on this machine."""
    configured = str(cfg.get("PUBLIC_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    port = (os.environ.get("PORT") or "5000").strip()
    return f"http://127.0.0.1:{port if port.isdigit() else '5000'}"

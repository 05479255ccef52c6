"""Application factory: a short list of register_* steps; no I/O, no migrations."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from survey.config import load_config
from survey.extensions import babel, csrf, db, limiter, login_manager, migrate


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides defaults and SURVEY_* variables (tests pass their own)."""
    app = Flask(__name__, template_folder=resource_dir("templates"), static_folder=resource_dir("static"),
                instance_relative_config=True)
    load_config(app, config)
    register_proxy(app)
    register_observability(app)
    register_extensions(app)
    register_blueprints(app)
    register_web(app)
    register_commands(app)
    return app


def register_observability(app: Flask) -> None:
    """Logging with request ids, /healthz and /readyz, and /metrics when SURVEY_METRICS=1 (first: its request-id
    hook runs before any other hook can answer)."""
    from survey import observability

    observability.init_app(app)


def resource_dir(name: str) -> str:
    """`templates`, `static` or `migrations`: inside the package when installed from a wheel (setup.py copies
    them there at build time), else the checkout's top-level folder (editable install, tests, scripts/run)."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return str(inside if inside.is_dir() else package.parent / name)


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme, host and port from the last
    that many X-Forwarded-* entries, so rate limits, lock-out and the audit log see the citizen, not nginx."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this app."""
    from survey import database
    from survey.i18n import select_locale, select_timezone

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=resource_dir("migrations"), render_as_batch=True,
                     compare_type=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories="translations")
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Web areas, each a blueprint; the API is CSRF-exempt (token authenticated)."""
    from survey.api import bp as api_bp
    from survey.home import bp as home_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)
    for name in OPTIONAL_BLUEPRINTS:
        module = _optional(name)
        if module is not None:
            app.register_blueprint(module.bp)


# Areas built in their own issues; each module exposes `bp` (with its own url_prefix).
OPTIONAL_BLUEPRINTS = (
    "survey.auth.views", "survey.collection.kiosk", "survey.collection.online", "survey.collection.paper",
    "survey.admin.views", "survey.admin.instruments", "survey.dashboard.views", "survey.reports.views",
    "survey.methodology_page", "survey.jobs.views", "survey.collection.campaign", "survey.dashboard.campaigns",
    "survey.schedule.views", "survey.alerts.views",
    "survey.improvement.views", "survey.public.views",
)


def _optional(name: str):
    """Import a blueprint module if that area exists yet."""
    import importlib
    import importlib.util

    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:  # the area's package does not exist yet
        return None
    return importlib.import_module(name)


def register_web(app: Flask) -> None:
    """Error pages, security headers, login loader and template helpers."""
    from survey import web

    web.init_app(app)


def register_commands(app: Flask) -> None:
    """The `survey` CLI groups."""
    from survey.cli import register

    register(app)

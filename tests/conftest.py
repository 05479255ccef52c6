"""The fixture ladder: database backends → app (clean data per test) → client / runner → login_as."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.scratch_db import PG_ADMIN_URL, scratch_postgres
from tests.fixtures.wipe import wipe

pytest_plugins = ["tests.fixtures.factories", "tests.fixtures.improvement", "tests.fixtures.dashboard",
                  "tests.fixtures.indices_data", "tests.fixtures.national", "tests.fixtures.smtp",
                  "tests.fixtures.weights_data", "tests.fixtures.campaigns"]

def _postgres_available() -> bool:
    """Whether a PostgreSQL server answers (or one was named explicitly)."""
    if os.environ.get("SURVEY_TEST_DATABASE_URL"):
        return True
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def pytest_configure(config):
    """Decide the backends once; under CI=true PostgreSQL is required, never skipped."""
    config.pg_available = _postgres_available()
    if os.environ.get("CI") == "true" and not config.pg_available:
        raise pytest.UsageError("CI=true but PostgreSQL does not answer on 127.0.0.1:5432")


def pytest_collection_modifyitems(config, items):
    """`slow` tests (building and installing the wheel) run under CI=true or SURVEY_SLOW_TESTS=1."""
    if os.environ.get("CI") == "true" or os.environ.get("SURVEY_SLOW_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set SURVEY_SLOW_TESTS=1 (CI=true runs it)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A fresh, empty database of each backend for the whole session."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    if not request.config.pg_available:
        pytest.skip("PostgreSQL is not available (set SURVEY_TEST_DATABASE_URL or start it on 127.0.0.1:5432)")
    if os.environ.get("SURVEY_TEST_DATABASE_URL"):
        yield os.environ["SURVEY_TEST_DATABASE_URL"]
        return
    with scratch_postgres("survey_test") as url:
        yield url


@pytest.fixture(scope="session")
def session_app(database_url, tmp_path_factory):
    """One app per backend: migrated to head by Alembic, with every current unit loaded."""
    from flask_migrate import upgrade

    from survey.app import create_app
    from survey.extensions import db
    from survey.services.organisation.units import load_current_units

    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "SERVER_NAME": "localhost",
        "PUBLIC_URL": "http://localhost",
    })
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade()
        if not db.session.execute(text("SELECT 1 FROM units LIMIT 1")).first():
            load_current_units()
            db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(session_app):
    """The backend's app with clean data and an app context pushed for the test."""
    wipe(session_app)
    with session_app.app_context():
        yield session_app


@pytest.fixture
def client(app):
    """Flask test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Click runner for `survey` commands."""
    return app.test_cli_runner()


def _variant(app, **overrides):
    """Another app on the same database with some settings changed (the limiter is restored afterwards)."""
    from survey.app import create_app

    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
              "SERVER_NAME": "localhost", **overrides}
    variant = create_app(config)
    variant.instance_path = app.instance_path
    return variant


@pytest.fixture
def variant(app):
    """Factory of app variants; puts the shared limiter back to the test app's settings afterwards."""
    yield lambda **overrides: _variant(app, **overrides)
    from survey.extensions import limiter

    limiter.init_app(app)

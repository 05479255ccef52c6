"""Production refuses the public development key; sessions need the sign-in's password fingerprint (issue 15.3)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from survey.auth.session import session_keys
from survey.config import ConfigError, Defaults, load_config

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("key", [None, "", "   ", Defaults.DEVELOPMENT_KEY, "x" * 31])
def test_production_refuses_a_missing_public_or_short_key(variant, key):
    overrides = {"PRODUCTION": True, "SECRET_KEY": key}
    with pytest.raises(ConfigError, match="SURVEY_SECRET_KEY"):
        variant(**overrides)


def test_production_starts_with_a_real_key(variant):
    app = variant(PRODUCTION=True, SECRET_KEY="k" * 32)
    assert app.config["SECRET_KEY"] == "k" * 32 and app.config["SESSION_COOKIE_SECURE"]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    return {**env, **extra}


def test_production_environment_without_a_key_refuses_create_app(monkeypatch, tmp_path):
    monkeypatch.setenv("SURVEY_PRODUCTION", "1")
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    app = Flask("probe", instance_path=str(tmp_path))
    (tmp_path / "secret_key").write_text("f" * 64)  # only explicit keys count in production
    with pytest.raises(ConfigError, match="public development key"):
        load_config(app)


def test_development_reuses_the_generated_instance_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SURVEY_PRODUCTION", raising=False)
    monkeypatch.delenv("SURVEY_SECRET_KEY", raising=False)
    app = Flask("probe", instance_path=str(tmp_path))
    load_config(app, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SECRET_KEY"] == Defaults.DEVELOPMENT_KEY
    (tmp_path / "secret_key").write_text("a1" * 32 + "\n")
    again = Flask("probe", instance_path=str(tmp_path))
    load_config(again, {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert again.config["SECRET_KEY"] == "a1" * 32


def test_the_cli_exits_non_zero_with_a_message_not_a_traceback(tmp_path):
    env = _env(SURVEY_PRODUCTION="1", SURVEY_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run([str(BIN / "survey"), "users", "--help"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "SURVEY_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr


def test_gunicorn_exits_non_zero_with_the_message(tmp_path):
    env = _env(SURVEY_PRODUCTION="1", SURVEY_SECRET_KEY="short", SURVEY_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}")
    done = subprocess.run([str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1", "wsgi:app"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "SURVEY_SECRET_KEY has 5 characters" in done.stderr and "Traceback" not in done.stderr


def _forge(app, client, data: dict) -> None:
    """Set a session cookie signed with the app's key, as anyone who knows the key can."""
    value = app.session_interface.get_signing_serializer(app).dumps(data)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], value, domain="localhost")


def test_a_cookie_forged_with_the_development_key_does_not_open_admin_screens(variant, make_user):
    public = variant(SECRET_KEY=Defaults.DEVELOPMENT_KEY)
    admin = make_user("homeaffairs", unit="22")
    client = public.test_client()
    _forge(public, client, {"_user_id": str(admin.id), "_fresh": True})
    assert client.get("/admin/accounts").status_code == 302
    _forge(public, client, {"_user_id": str(admin.id), "_fresh": True, "_pw": "0" * 16})
    assert client.get("/admin/accounts").status_code == 302
    _forge(public, client, {"_user_id": str(admin.id), "_fresh": True, **session_keys(admin)})
    assert client.get("/admin/accounts").status_code == 200  # the same cookie with the real keys is a session

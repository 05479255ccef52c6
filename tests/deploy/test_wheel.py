"""The built wheel alone serves the platform: fresh venv, `survey db upgrade`, gunicorn from a foreign directory."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.deploy.serving import fetch, free_port, running

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _clean_env(**extra: str) -> dict:
    """The environment without anything pointing back at the checkout or its venv."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SURVEY_", "PYTHON", "VIRTUAL_ENV", "FLASK_"))}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding the wheel built from this checkout (dependencies from PyPI via pip's cache)."""
    work = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", ROOT, cwd=ROOT)
    wheels = list((work / "dist").glob("sipas_survey-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    constraints = ["-c", ROOT / "constraints.txt"] if (ROOT / "constraints.txt").exists() else []
    _run(env_dir / "bin" / "pip", "install", "-q", *constraints, wheels[0], env=_clean_env())
    return env_dir, wheels[0]


def test_wheel_holds_resources_and_compiled_catalogues(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed[1]).namelist())
    for required in ("survey/templates/base.html", "survey/static/css/app.css", "survey/static/kiosk/sw.js",
                     "survey/migrations/env.py", "survey/translations/vi/LC_MESSAGES/messages.mo",
                     "survey/wsgi.py"):
        assert required in names
    assert any(n.startswith("survey/migrations/versions/") and n.endswith(".py") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_installed_wheel_serves_pages_outside_the_checkout(installed, tmp_path):
    env_dir, _ = installed
    env = _clean_env(SURVEY_DATABASE_URL=f"sqlite:///{tmp_path / 'survey.db'}", SURVEY_SECRET_KEY="wheel-test")
    _run(env_dir / "bin" / "survey", "db", "upgrade", cwd=tmp_path, env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(env_dir / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
               "survey.wsgi:app"]
    with running(command, base + "/", cwd=tmp_path, env=env, log_path=tmp_path / "gunicorn.log"):
        status, _, body = fetch(base + "/")
        page = body.decode()
        assert status == 200
        assert "Khảo sát sự hài lòng của người dân" in page  # the compiled Vietnamese catalogue is in the wheel
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+\.css[^"]*)"', page).group(1)
        status, headers, css = fetch(base + stylesheet)
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert b"{" in css and css == (ROOT / "static" / stylesheet.split("?")[0].removeprefix("/static/")).read_bytes()
        status, headers, js = fetch(base + "/static/js/online.js")
        assert status == 200 and "javascript" in headers["Content-Type"]
        assert js == (ROOT / "static" / "js" / "online.js").read_bytes()

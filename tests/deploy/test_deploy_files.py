"""deploy/ is checked by the tools that will read it on a Debian server: systemd-analyze, nginx -t, gunicorn."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALLED_VENV = "/opt/survey/venv"  # where docs/deploy.md installs the package


def _tool(name: str) -> str:
    """The Debian tool's path; missing is a failure under CI=true (scripts/test installs it as root)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true needs {name} (Debian package; scripts/test installs it as root)")
        pytest.skip(f"{name} is not installed")
    return path


def test_systemd_units_verify_cleanly(tmp_path):
    analyze = _tool("systemd-analyze")
    # The units name the venv of docs/deploy.md; verify checks that ExecStart binaries exist, so point them at
    # this checkout's venv, which has the same `gunicorn` and `survey` commands.
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace(INSTALLED_VENV, sys.prefix)
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    assert {Path(u).name for u in units} >= {"survey-web.service", "survey-worker.service",
                                             "survey-maintenance.service", "survey-maintenance.timer"}
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True, cwd=tmp_path)
    # verify only warns (exit 0) on unknown keys and bad values, so any output at all is a failure.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_timer_starts_the_maintenance_service_which_purges_and_backs_up():
    service = (DEPLOY / "systemd" / "survey-maintenance.service").read_text()
    assert "survey privacy purge-comments" in service and "survey privacy purge-contacts" in service
    assert "survey backup " in service and "survey partitions " in service
    assert "OnCalendar=" in (DEPLOY / "systemd" / "survey-maintenance.timer").read_text()


def test_the_schedule_timer_sends_due_reports_every_day():
    assert "survey schedule run-due" in (DEPLOY / "systemd" / "survey-schedule.service").read_text()
    timer = (DEPLOY / "systemd" / "survey-schedule.timer").read_text()
    assert "OnCalendar=*-*-* 07:00:00" in timer and "Persistent=true" in timer


def test_the_alerts_timer_evaluates_rules_every_five_minutes():
    assert "survey alerts run" in (DEPLOY / "systemd" / "survey-alerts.service").read_text()
    assert "OnCalendar=*:0/5" in (DEPLOY / "systemd" / "survey-alerts.timer").read_text()


def _certificate(folder: Path) -> None:
    subprocess.run([_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=khaosat.example.vn", "-keyout", str(folder / "privkey.pem"),
                    "-out", str(folder / "fullchain.pem")], check=True, capture_output=True)


def test_nginx_site_passes_nginx_t(tmp_path):
    nginx = _tool("nginx")
    _certificate(tmp_path)
    site = (DEPLOY / "nginx" / "survey.conf").read_text()
    site = site.replace("/etc/ssl/survey/", f"{tmp_path}/").replace(
        "/etc/nginx/snippets/survey-proxy.conf", str(DEPLOY / "nginx" / "survey-proxy.conf"))
    (tmp_path / "survey.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  {mime}\n  access_log off;\n  include {tmp_path}/survey.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                             "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "[emerg]" not in result.stderr


def test_nginx_serves_static_files_from_the_package_and_the_service_worker_from_the_app():
    site = (DEPLOY / "nginx" / "survey.conf").read_text()
    assert f"alias {INSTALLED_VENV}/lib/python3.11/site-packages/survey/static/;" in site
    worker = site.split("location = /kiosk/sw.js", 1)[1].split("}", 1)[0]
    assert "proxy_pass http://survey_app;" in worker


def test_gunicorn_conf_gives_sixteen_threads_a_worker():
    gunicorn = Path(sys.prefix) / "bin" / "gunicorn"
    result = subprocess.run([str(gunicorn), "--print-config", "-c", str(DEPLOY / "gunicorn.conf.py"),
                             "survey.wsgi:app"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    settings = dict(line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    settings = {k.strip(): v.strip() for k, v in settings.items()}
    assert (settings["threads"], settings["bind"], settings["worker_class"]) == ("16", "['127.0.0.1:8000']",
                                                                                "gthread")

"""Helpers of the scale-out test: gunicorn app servers on 127.0.0.1, a small HTTP client with cookies, Redis keys."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """One app server: its own gunicorn master and workers on a free port, its log in a file."""

    def __init__(self, name: str, env: dict[str, str], workdir: Path, workers: int = 2, threads: int = 4) -> None:
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"server-{name}.log"
        self.metrics_dir = workdir / f"metrics-{name}"
        self.metrics_dir.mkdir()
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}, **env,
                    "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir), "SURVEY_PUBLIC_URL": self.url}
        self.command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers",
                        str(workers), "--threads", str(threads), "--graceful-timeout", "2",
                        "survey.app:create_app()"]
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> dict:
        """Poll /readyz until 200 (bounded); its body."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server {self.name} exited:\n{self.logs()[-3000:]}")
            try:
                last = call("GET", f"{self.url}/readyz")
                if last[0] == 200:
                    return last[2]
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server {self.name} not ready: {last}\n{self.logs()[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass
        self.process = None

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def json_lines(self) -> list[dict]:
        return [json.loads(line) for line in self.logs().splitlines() if line.startswith("{")]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(method: str, url: str, body: object = None, headers: dict | None = None,
         opener: urllib.request.OpenerDirector | None = None, form: dict | None = None) -> tuple[int, dict, object]:
    """(status, headers, JSON body or text) of one request; 4xx and 5xx are answers, not errors."""
    data, headers = None, dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            status, got, raw = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        status, got, raw = exc.code, dict(exc.headers), exc.read()
    text = raw.decode("utf-8", "replace")
    try:
        return status, got, json.loads(text)
    except ValueError:
        return status, got, text


def browser() -> urllib.request.OpenerDirector:
    """An opener keeping cookies (one staff member's browser), not following redirects."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)


def csrf_token(page: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert found, "no CSRF token on the page"
    return found.group(1)


def delete_keys(client, pattern: str) -> None:
    """Delete this run's Redis keys (bounded: SCAN's iterator ends)."""
    keys = list(client.scan_iter(match=pattern, count=500))
    if keys:
        client.delete(*keys)

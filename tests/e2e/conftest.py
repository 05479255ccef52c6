"""Shared end-to-end fixtures: the app served by gunicorn in its own process, and headless Chromium via Selenium.

`live_server` (per test, data wiped like `app`): `.url`, `.app` (the test's app, for seeding), `.seed(fn)`,
`.login(driver, email)`, `.stop()` / `.start()` (same port, to play a network outage); factories such as
`make_user` commit, so the server sees what they create. `browser` is a 1280×800 Chromium;
`browser_factory(width, height, mobile=False)` makes more (phone-sized, a second kiosk).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--lang=vi")


def browser_available() -> bool:
    """Whether Debian's chromium and chromedriver are installed."""
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


def pytest_collection_modifyitems(config, items):
    """e2e tests are skipped only when the browser is missing and this is not CI."""
    if browser_available():
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but chromium/chromedriver are missing (apt-get install chromium "
                                "chromium-driver)")
    skip = pytest.mark.skip(reason="chromium and chromedriver are not installed")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """gunicorn serving create_app() on 127.0.0.1:port against a given database; stoppable and restartable."""

    def __init__(self, database_url: str, port: int | None = None, env: dict[str, str] | None = None,
                 workers: int = 2, threads: int = 4) -> None:
        self.database_url, self.port = database_url, port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env, self.workers, self.threads = env or {}, workers, threads
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="live-server-", suffix=".log", delete=False)

    def environment(self) -> dict[str, str]:
        """The server's environment: the test database, no rate limits unless asked, a fixed secret."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
        env.update({"SURVEY_DATABASE_URL": self.database_url, "SURVEY_SECRET_KEY": "e2e-secret",
                    "SURVEY_RATELIMIT_ENABLED": "false", "SURVEY_PUBLIC_URL": self.url,
                    "PYTHONPATH": str(ROOT)})
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 120) -> None:
        """Start gunicorn and wait until /healthz answers (a deadline, not a wait: a loaded 2-core machine took over
        30 s to import the app in two workers; a server that exits fails at once)."""
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers",
                   str(self.workers), "--threads", str(self.threads), "--graceful-timeout", "2",
                   "--log-level", "warning", "survey.app:create_app()"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the live server exited: {Path(self.log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the live server did not answer: {Path(self.log.name).read_text()[-3000:]}")

    def stop(self) -> None:
        """Stop the server (the port is free again when this returns)."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def logs(self) -> str:
        """What the server printed (warnings and errors)."""
        return Path(self.log.name).read_text(errors="replace")


class LiveServer:
    """What a test gets: the base URL, the test app for seeding, and control over the server process."""

    def __init__(self, server: ServerProcess, app) -> None:
        self.server, self.app, self.url = server, app, server.url

    def seed(self, fn):
        """Run fn() against the test database and commit, so the server sees the data; returns fn's result."""
        from survey.extensions import db

        result = fn()
        db.session.commit()
        return result

    def login(self, driver, email: str, password: str | None = None) -> None:
        """Sign a browser in through the login page (default password: the factories' PASSWORD)."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait

        from tests.fixtures.factories import PASSWORD

        driver.get(f"{self.url}/auth/login")
        driver.find_element(By.NAME, "email").send_keys(email)
        driver.find_element(By.NAME, "password").send_keys((password or PASSWORD) + Keys.ENTER)
        try:
            WebDriverWait(driver, 10).until(lambda d: "/auth/login" not in d.current_url)
        except Exception:  # noqa: BLE001 - say what the page showed
            raise AssertionError(f"sign-in failed\n{page_report(driver)}") from None

    def stop(self) -> None:
        """Take the server down (a network outage as the browser sees it)."""
        self.server.stop()

    def start(self) -> None:
        """Bring the server back on the same port."""
        self.server.start()


@pytest.fixture(scope="session")
def live_server_process(session_app):
    """One gunicorn per database backend for the whole session."""
    server = ServerProcess(session_app.config["SQLALCHEMY_DATABASE_URI"])
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_server(app, live_server_process):
    """The live server with this test's clean data; restarted if a test left it stopped."""
    if live_server_process.process is None:
        live_server_process.start()
    yield LiveServer(live_server_process, app)
    if live_server_process.process is None:
        live_server_process.start()


@pytest.fixture
def browser_factory(tmp_path):
    """Make headless Chromium drivers with their own profile; all are quit after the test."""
    if not browser_available():
        pytest.skip("chromium and chromedriver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = []

    def make(width: int = 1280, height: int = 800, mobile: bool = False):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in CHROME_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tempfile.mkdtemp(dir=tmp_path, prefix='chrome-')}")
        options.add_argument(f"--window-size={width},{height}")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 3 if mobile else 1, "mobile": mobile})
        if mobile:
            driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
        driver.set_page_load_timeout(30)
        drivers.append(driver)
        return driver

    yield make
    for driver in drivers:
        driver.quit()


@pytest.fixture
def browser(browser_factory):
    """A tablet-sized (1280×800) headless Chromium."""
    return browser_factory(1280, 800)


def screenshot(driver, name: str) -> Path:
    """Save a PNG of the current page to test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    driver.save_screenshot(str(path))
    return path


def page_report(driver) -> str:
    """The page's URL, visible text and console messages: what a failing browser test should print."""
    try:
        logs = "\n".join(f"{e['level']}: {e['message']}" for e in driver.get_log("browser"))
    except Exception:  # noqa: BLE001 - logs are a courtesy
        logs = "(no console log)"
    body = driver.find_element("tag name", "body").text[:1500]
    return f"URL {driver.current_url}\n--- page ---\n{body}\n--- console ---\n{logs[-3000:]}"

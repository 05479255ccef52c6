"""Helpers for the dashboard browser tests (no tests here): demo data, signing in through the real form, reading
the figures a page marks with data-* attributes, fetching the API in the same session, and axe-core."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from survey.extensions import db

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def closed_quarters(today: date | None = None) -> tuple[str, str]:
    """The last two whole quarters before today's: both are offered by the period filter whatever the date."""
    last = previous_quarter(*quarter_of(today or date.today()))
    before = previous_quarter(*last)
    return f"{last[0]}-Q{last[1]}", f"{before[0]}-Q{before[1]}"


def seed_demo(responses: int = 24000) -> datetime:
    """Quảng Ninh's demo organisation and a year of responses ending when the current quarter began."""
    from survey.services.operations.demo import build_organisation, generate_responses
    from survey.services.indices.tallies import rebuild_tallies

    year, quarter = quarter_of(date.today())
    end = datetime(year, 3 * quarter - 2, 1)
    build_organisation("22")
    generate_responses("22", responses, seed=7, end=end)
    rebuild_tallies()
    db.session.commit()
    return end


def sign_in(driver, base_url: str, email: str, password: str) -> None:
    """Sign in through the real login form and wait until it lets us through."""
    driver.get(f"{base_url}/auth/login")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(driver, 15).until(lambda d: "/auth/login" not in d.current_url)


def api(driver, **params: str) -> dict:
    """GET /api/v1/indices from the page, with the browser's own session; rows keyed by unit code."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    body = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/v1/indices?' + arguments[0], {credentials: 'same-origin', headers: {Accept: 'application/json'}})"
        ".then(r => r.text().then(t => done(JSON.stringify({status: r.status, body: t}))))"
        ".catch(e => done(JSON.stringify({status: 0, body: String(e)})));", query)
    answer = json.loads(body)
    assert answer["status"] == 200, answer
    document = json.loads(answer["body"])
    return {row["unit_code"]: row for row in document["rows"]}


def marked(driver, selector: str, key: str = "data-unit") -> dict[str, dict[str, str]]:
    """Elements matching `selector`: their `key` attribute → every data-* attribute."""
    rows = driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => Object.fromEntries("
        "Array.from(e.attributes).filter(a => a.name.startsWith('data-')).map(a => [a.name, a.value])));", selector)
    return {row[key]: row for row in rows if key in row}


def figure(value: str | None) -> float | None:
    return None if value in (None, "") else float(value)


def ensure_axe() -> Path:
    """axe-core from the npm registry, installed from tests/e2e/package.json (pinned, with its lock)."""
    if AXE.exists():
        return AXE
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but npm is missing: cannot install axe-core (apt-get install npm)")
        pytest.skip("npm is not installed: cannot install axe-core")
    with open(HERE / ".npm-install.lock", "w") as lock:  # parallel workers install once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not AXE.exists():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True)
    return AXE


def axe_violations(driver) -> list[dict]:
    """Serious and critical axe-core violations of the current page (WCAG 2.1 AA rules and best practices)."""
    driver.execute_script(ensure_axe().read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify([{id: 'axe-error', "
        "impact: 'critical', description: String(e), nodes: []}])));")
    violations = json.loads(result)
    return [{"id": v["id"], "impact": v["impact"], "description": v["description"],
             "nodes": [n.get("target") for n in v.get("nodes", [])][:5]}
            for v in violations if v.get("impact") in BLOCKING]

"""The province's PDFs as a job in a real browser: start it, watch the bar move to 100 % with the page open,
check the intermediate progress the job recorded, download the ZIP."""
from __future__ import annotations

import time
import zipfile

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from survey.extensions import db
from survey.models import Job
from tests.e2e.conftest import ServerProcess, page_report, screenshot
from tests.fixtures.factories import HOME_PROVINCE

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def jobs_server(session_app, tmp_path_factory):
    """gunicorn (two workers, each with its own job threads) writing results to a folder of this module."""
    folder = tmp_path_factory.mktemp("job-results")
    server = ServerProcess(session_app.config["SQLALCHEMY_DATABASE_URI"],
                           env={"SURVEY_JOBS_DIR": str(folder), "SURVEY_JOB_HEARTBEAT_SECONDS": "1"})
    server.start()
    yield server
    server.stop()


def _seed():
    from survey.services.operations.demo import build_organisation, generate_responses

    build_organisation(HOME_PROVINCE)
    generate_responses(HOME_PROVINCE, 4000, seed=3, instrument="KIOSK-QUICK")


def test_province_zip_in_the_browser(app, jobs_server, browser, make_user, tmp_path):
    from tests.e2e.conftest import LiveServer

    live = LiveServer(jobs_server, app)
    live.seed(_seed)
    user = make_user("homeaffairs", HOME_PROVINCE)
    year = db.session.execute(db.text("SELECT MAX(local_date) FROM responses")).scalar()
    period = str(year)[:4] if isinstance(year, str) else f"{year:%Y}"
    live.login(browser, user.email)
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})

    browser.get(f"{live.url}/jobs/")
    form = browser.find_element(By.ID, "province-zip-form")
    form.find_element(By.NAME, "period").send_keys(period)
    Select(form.find_element(By.NAME, "instrument")).select_by_value("KIOSK-QUICK")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "job-progress"))

    # What the page showed, read ten times a second; the page itself asks the server once a second, so a fast
    # job may go from its first value to 100 between two of its polls. That the work moved through intermediate
    # values is read from what the job store recorded; that the page followed it live is read from the page.
    browser.execute_script("window.jobPageMarker = 1;")  # gone if the page were loaded again
    seen, states = [], []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        # Both read in one script: the page cannot update between them (two reads once saw "done" beside the
        # value before it).
        value, state = browser.execute_script(
            "return [document.getElementById('job-progress').value,"
            " document.getElementById('job').dataset.state];")
        value = int(float(value))
        if not seen or seen[-1] != value:
            seen.append(value)
        if not states or states[-1] != state:
            states.append(state)
        if state in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state == "done", page_report(browser)
    assert browser.execute_script("return window.jobPageMarker") == 1  # the same page, moved by its own script
    assert states[0] in ("queued", "running") and seen[0] < 100, (states, seen)  # opened before the job ended
    assert seen[-1] == 100 and seen == sorted(seen)  # then moved to 100 by itself, never backwards
    db.session.rollback()  # read what the server committed
    job = db.session.scalar(select(Job).where(Job.public_id == browser.current_url.rstrip("/").rsplit("/", 1)[-1]))
    steps = job.progress_steps
    assert steps[-1] == 100 and steps == sorted(set(steps)), steps  # recorded in order, each value once
    assert any(0 < v < 100 for v in steps), steps  # the work reported intermediate progress
    assert set(seen) <= {0, *steps}, (seen, steps)  # the page showed only values the job reported
    link = browser.find_element(By.ID, "job-download")
    assert link.is_displayed() and browser.find_element(By.ID, "job-state").text == "Đã xong"
    screenshot(browser, "jobs-province-zip-done.png")

    link.click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = [p for p in tmp_path.glob("*.zip")]
        if done and not list(tmp_path.glob("*.crdownload")):
            break
        time.sleep(0.2)
    assert done, page_report(browser)
    names = zipfile.ZipFile(done[0]).namelist()
    assert f"province-{HOME_PROVINCE}-{period}.pdf" in names and len(names) > 10

#!/usr/bin/env python
"""P4 benchmark: how soon after a submit the kiosk is ready for the next person, in real headless Chromium.

Serves the app as bench_submit.py does (gunicorn, a fresh SQLite file), enrols one kiosk and rates N times with
one tap on a face. After each tap, the next person taps the thank-you screen as soon as it takes taps. The time is
measured inside the page (performance.now) from the rating tap until the start screen takes taps again. It prints
the median and the worst, beside the 3 s the kiosk would wait if nobody tapped, and the transferred bytes.

    .venv/bin/python scripts/bench/bench_kiosk.py [--ratings 20]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_submit  # noqa: E402  (same server setup as the P1 benchmark)

TARGET_MS = 1000.0
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-extensions", "--window-size=1280,800")

# Tap "very satisfied" (one tap submits), then tap the thank-you screen on every frame until the start screen is
# back and takes taps; resolve with the elapsed milliseconds.
ONE_RATING = """
const done = arguments[arguments.length - 1];
const stage = document.getElementById("stage");
const face = document.querySelector('.k-opt[data-code="5"]');
if (!face || stage.dataset.screen !== "start" || stage.dataset.ready !== "1") { done(-1); return; }
const start = performance.now();
face.click();
let thanked = false;
(function next() {
  if (stage.dataset.screen === "thanks") { thanked = true; stage.click(); }
  if (thanked && stage.dataset.screen === "start" && stage.dataset.ready === "1") {
    done(performance.now() - start); return;
  }
  if (performance.now() - start > 10000) { done(-2); return; }
  requestAnimationFrame(next);
})();
"""


def browser():
    """Headless Debian Chromium through Selenium (the e2e tests' browser)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='bench-kiosk-chrome-')}")
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"))


def stored_responses(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM responses")).scalar_one()
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ratings", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        [token] = bench_submit.prepare(url, 1)
        port = bench_submit.free_port()
        server = bench_submit.start_server(url, port, 2, 4, True, "")
        driver = browser()
        try:
            base = f"http://127.0.0.1:{port}"
            driver.get(f"{base}/healthz")
            driver.add_cookie({"name": "kiosk_device", "value": token, "path": "/"})
            driver.get(f"{base}/kiosk/")
            driver.set_script_timeout(15)
            times = []
            for _ in range(args.ratings):
                deadline = time.monotonic() + 5
                while driver.execute_script("const s = document.getElementById('stage');"
                                            "return s && s.dataset.screen === 'start' && s.dataset.ready === '1';") \
                        is not True and time.monotonic() < deadline:
                    time.sleep(0.05)
                elapsed = driver.execute_async_script(ONE_RATING)
                if elapsed < 0:
                    raise SystemExit(f"the kiosk did not come back to its start screen (code {elapsed})")
                times.append(elapsed)
            deadline = time.monotonic() + 15
            while stored_responses(url) < args.ratings and time.monotonic() < deadline:
                time.sleep(0.2)
            stored = stored_responses(url)
            sizes = bench_submit.kiosk_bytes(port, token)
        finally:
            driver.quit()
            bench_submit.stop_server(server)
    median, worst = statistics.median(times), max(times)
    print(f"\nkiosk ready for the next person after a one-tap rating ({args.ratings} ratings, headless Chromium):")
    print(f"  median {median:.0f} ms, worst {worst:.0f} ms   target ≤ {TARGET_MS:.0f} ms   "
          f"{'ok' if worst <= TARGET_MS else 'MISSED'}")
    print("  (without a tap the thank-you screen stays 3 s; it takes a tap after 0.5 s and the start screen 0.3 s "
          "later, so a burst of taps shorter than that rates once)")
    print(f"  responses stored: {stored} of {args.ratings}")
    print(f"kiosk page transferred: {sum(sizes.values()) / 1024:.1f} KB (HTML+CSS+JS)   target ≤ 100 KB")


if __name__ == "__main__":
    main()

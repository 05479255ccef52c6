"""P2 for dashboards: each page at N SIPAS responses, beside the GET /api/v1/indices table it is built on.

Usage: .venv/bin/python scripts/bench/bench_dashboard.py [--responses 1000000] [--runs 5] [--no-postgres]
Fresh databases loaded by `survey demo --instrument SIPAS-1001`; pages are requested in-process through the
Flask test client as a signed-in Home Affairs user (median of --runs after one warm-up). Target: ≤ 1 s a page.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the scratch databases are the test suite's (tests/fixtures/scratch_db.py)
from tests.fixtures.scratch_db import scratch_postgres  # noqa: E402

PASSWORD = "bench password 2026"


def survey(url: str, *args: str) -> None:
    """Run a `survey` command against a database."""
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_USER_PASSWORD": PASSWORD}
    done = subprocess.run([str(ROOT / ".venv/bin/survey"), *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"survey {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def measure(url: str, n: int, runs: int) -> list[tuple[str, float]]:
    """Load the demo, then time every page and the API table it rests on."""
    for step in (["db", "upgrade"], ["units", "load", "--province", "22"], ["instruments", "load"],
                 ["demo", "--province", "22", "--responses", str(n), "--instrument", "SIPAS-1001", "--seed", "1"],
                 ["users", "add", "--email", "bench@example.vn", "--role", "homeaffairs", "--unit", "22"]):
        survey(url, *step)
    from sqlalchemy import func, select

    from survey.app import create_app
    from survey.extensions import db
    from survey.models import Agency, Response, ServicePoint, Unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        commune_id = db.session.execute(select(Response.unit_id, func.count()).group_by(Response.unit_id)
                                        .order_by(func.count().desc()).limit(2)).all()[-1][0]
        commune = db.session.get(Unit, commune_id).code
        agency = db.session.scalar(select(Agency.code).where(Agency.kind == "department").order_by(Agency.id))
        point = db.session.scalar(select(ServicePoint.code).where(ServicePoint.unit_id == commune_id))
        year = db.session.scalar(select(func.max(Response.local_date))).year
    client = app.test_client()
    client.post("/auth/login", data={"email": "bench@example.vn", "password": PASSWORD})
    pages = [
        ("API indices by commune (year)", f"/api/v1/indices?instrument=SIPAS-1001&period={year}&by=commune&province=22"),
        ("overview (default)", "/dashboard/"),
        ("overview, year", f"/dashboard/?instrument=SIPAS-1001&period={year}"),
        ("overview, quarter", f"/dashboard/?instrument=SIPAS-1001&period={year}-Q3"),
        ("commune page", f"/dashboard/commune/{commune}?instrument=SIPAS-1001&period={year}"),
        ("department page", f"/dashboard/agency/{agency}?instrument=SIPAS-1001&period={year}"),
        ("service-point page", f"/dashboard/service-point/{point}?instrument=SIPAS-1001&period={year}"),
    ]
    results = []
    for label, path in pages:
        first = client.get(path)
        if first.status_code != 200:
            sys.exit(f"{path} answered {first.status_code}")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        results.append((label, statistics.median(times)))
    with app.app_context():
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    table = {}
    with tempfile.TemporaryDirectory() as tmp:
        table["sqlite"] = measure(f"sqlite:///{tmp}/bench.db", args.responses, args.runs)
    if not args.no_postgres:
        with scratch_postgres("bench_dash") as url:
            table["postgresql"] = measure(url, args.responses, args.runs)
    print(f"\nDashboard pages at {args.responses:,} SIPAS responses (median of {args.runs}; load average "
          f"{os.getloadavg()[0]:.1f})")
    backends = list(table)
    print(f"{'page':<32}" + "".join(f"{b:>13}{'×API':>7}" for b in backends) + f"{'≤1 s':>7}")
    for i, (label, _t) in enumerate(table[backends[0]]):
        row = f"{label:<32}"
        ok = True
        for b in backends:
            seconds, api = table[b][i][1], table[b][0][1]
            row += f"{seconds:>12.3f}s{seconds / api:>6.1f}×"
            ok &= seconds <= 1.0
        print(row + f"{'yes' if ok else 'NO':>7}")


if __name__ == "__main__":
    main()

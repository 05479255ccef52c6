"""P5: `survey demo --responses N` through the bulk paths, against ORM row-by-row inserts, on SQLite and PostgreSQL.

Usage: .venv/bin/python scripts/bench/bench_demo.py [--responses 1000000] [--orm-sample 5000] [--no-postgres]
Each backend gets a fresh database; the ORM path inserts a sample of the same generated responses one object
at a time and is extrapolated to N. Only 127.0.0.1 is used. Target (SPEC P5): ≤ 60 s for 1,000,000.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the scratch databases are the test suite's (tests/fixtures/scratch_db.py)
from tests.fixtures.scratch_db import scratch_postgres  # noqa: E402


def survey(url: str, *args: str) -> str:
    """Run a `survey` command against a database; return its output."""
    env = {**os.environ, "SURVEY_DATABASE_URL": url}
    done = subprocess.run([str(ROOT / ".venv/bin/survey"), *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"survey {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def orm_rate(url: str, sample: int) -> float:
    """Seconds per response when each response and answer is an ORM object added one by one."""
    env = {**os.environ, "SURVEY_DATABASE_URL": url}
    code = f"""
import time
from sqlalchemy import select
from survey.app import create_app
from survey.extensions import db
from survey.models import Answer, Response
app = create_app()
with app.app_context():
    rows = db.session.execute(select(Response).order_by(Response.id).limit({sample})).scalars().all()
    clones = [(r, [(a.item_id, a.code) for a in r.answers]) for r in rows]
    start = time.perf_counter()
    for i, (r, answers) in enumerate(clones):
        copy = Response(client_id=f"orm-{{i:08d}}-{{r.client_id[13:]}}"[:36], content_hash=r.content_hash,
                        instrument_version_id=r.instrument_version_id, service_point_id=r.service_point_id,
                        unit_id=r.unit_id, agency_id=r.agency_id, channel=r.channel, submitted_at=r.submitted_at,
                        local_date=r.local_date, received_at=r.received_at)
        db.session.add(copy)
        db.session.flush()
        for item_id, code in answers:
            db.session.add(Answer(response_id=copy.id, item_id=item_id, code=code))
        db.session.flush()
    elapsed = time.perf_counter() - start
    db.session.rollback()
    print(elapsed / len(clones))
"""
    done = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", code], env=env, capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode:
        sys.exit(done.stderr)
    return float(done.stdout.strip().splitlines()[-1])


def run(name: str, url: str, n: int, sample: int, province: str) -> dict:
    """Time the demo load on a fresh database, then the ORM path on a sample."""
    survey(url, "db", "upgrade")
    survey(url, "units", "load", "--province", province)
    survey(url, "instruments", "load")
    start = time.perf_counter()
    survey(url, "demo", "--province", province, "--responses", str(n), "--seed", "1")
    bulk = time.perf_counter() - start
    per_orm = orm_rate(url, sample)
    return {"backend": name, "bulk_s": bulk, "orm_s": per_orm * n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--orm-sample", type=int, default=5000)
    parser.add_argument("--province", default="22")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(run("sqlite", f"sqlite:///{tmp}/bench.db", args.responses, args.orm_sample, args.province))
    if not args.no_postgres:
        with scratch_postgres("bench_demo") as url:
            results.append(run("postgresql", url, args.responses, args.orm_sample, args.province))
    print(f"\nP5 demo load of {args.responses:,} responses (ORM extrapolated from {args.orm_sample:,})")
    print(f"{'backend':<12}{'bulk path':>12}{'ORM path':>12}{'speed-up':>10}{'target ≤60 s':>14}")
    for r in results:
        ok = "yes" if r["bulk_s"] <= 60 * args.responses / 1_000_000 else "NO"
        print(f"{r['backend']:<12}{r['bulk_s']:>11.1f}s{r['orm_s']:>11.1f}s{r['orm_s'] / r['bulk_s']:>9.1f}×{ok:>14}")


if __name__ == "__main__":
    main()

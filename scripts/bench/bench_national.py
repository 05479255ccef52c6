"""National scale (issue 22): the Ministry's questions on PostgreSQL databases loaded by `survey demo --national`,
side by side at each size, with the tallies' monthly partitions and without them.

Usage:
  PYTHONPATH=. .venv/bin/python scripts/bench/bench_national.py --load 1000000 [--load 10000000]
      (a fresh database per size, loaded and timed by `survey demo --national`, kept as bench_national_<N>)
  PYTHONPATH=. .venv/bin/python scripts/bench/bench_national.py --db URL [--db URL …] [--repeat 3]
      (time the questions on databases loaded before)
Targets at 10,000,000 responses over 34 provinces: the national table by province ≤ 2 s, one province by commune
≤ 1 s, one province by sex ≤ 2 s; time grows sub-linearly from 1M to 10M for a fixed question. "unpartitioned" runs
the same questions inside a transaction (rolled back) where the tallies are plain copies of themselves; "no pruning"
keeps the partitions with `enable_partition_pruning` off. `uptime`'s load is printed beside every figure: the
machine's two cores are shared. Tables by unit over whole months read the blocks' summaries (migration 0024): a
database loaded before it needs `survey db upgrade` (which summarises its blocks) to be compared.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.fixtures.scratch_db import PG_SERVER, _admin  # noqa: E402

PROVINCE = "01"  # Hà Nội: the most communes (126)
QUESTIONS = [  # (label, by, province, period)
    ("all provinces by province, year", "province", None, "2026"),
    ("all provinces by province, quarter", "province", None, "2026-Q3"),
    (f"province {PROVINCE} by commune, year", "commune", PROVINCE, "2026"),
    (f"province {PROVINCE} by sex, year", "sex", PROVINCE, "2026"),
]
TABLES = ("answer_tallies", "score_tallies")


def load(n: int) -> str:
    """A fresh database loaded with n responses by `survey demo --national`; its URL (kept)."""
    name = f"bench_national_{n}"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    url = f"{PG_SERVER}/{name}"
    env = {**os.environ, "SURVEY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    survey = [sys.executable, "-c", "import sys; sys.argv[0] = 'survey'; from survey.cli import main; main()"]
    subprocess.run([*survey, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=ROOT)
    print(f"loading {n:,} responses into {name} …  ({uptime()})", flush=True)
    start = time.perf_counter()
    done = subprocess.run([*survey, "demo", "--national", "--responses", str(n)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(done.stdout + done.stderr)
    elapsed = time.perf_counter() - start
    print("\n".join(line for line in done.stdout.splitlines() if not line.startswith("Responses")))
    print(f"LOAD {n:,} responses: {elapsed:.1f} s = {n / elapsed:,.0f}/s, extrapolated to 10M: "
          f"{elapsed * 10_000_000 / n / 60:.1f} min  ({uptime()})", flush=True)
    return url


def uptime() -> str:
    return "load " + ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(url: str, repeat: int, variants: bool) -> dict:
    """{variant: {label: (first s, median s, load)}} and the database's size."""
    from sqlalchemy import text

    from survey.app import create_app
    from survey.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    out: dict = {}
    with app.app_context():
        size = db.session.execute(text("SELECT count(*) FROM responses")).scalar()
        out["partitioned"] = _questions(repeat)
        if variants:
            db.session.execute(text("SET enable_partition_pruning = off"))
            out["no pruning"] = _questions(repeat)
            db.session.execute(text("RESET enable_partition_pruning"))
            _swap_for_plain_copies()
            out["unpartitioned"] = _questions(repeat)
            db.session.rollback()
        db.engine.dispose()
    return {"size": size, "results": out}


def _questions(repeat: int) -> dict:
    from survey.services.access.scope import Scope
    from survey.services.indices.compute import compute_indices

    ministry = Scope("ministry", None, None)
    results = {}
    for label, by, province, period in QUESTIONS:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = compute_indices("SIPAS-1001", period, by=by, province=province, scope=ministry)
            times.append(time.perf_counter() - start)
        assert result.document["rows"], label
        results[label] = (times[0], statistics.median(times), uptime())
    return results


def _swap_for_plain_copies() -> None:
    """In the open transaction: each tally table replaced by a plain table of the same rows, keys and index."""
    from sqlalchemy import text

    from survey.extensions import db

    for table in TABLES:
        db.session.execute(text(f"CREATE TABLE {table}_plain (LIKE {table} INCLUDING ALL)"))
        db.session.execute(text(f"INSERT INTO {table}_plain SELECT * FROM {table}"))
        db.session.execute(text(f"ALTER TABLE {table} RENAME TO {table}_partitioned"))
        db.session.execute(text(f"ALTER TABLE {table}_plain RENAME TO {table}"))
        db.session.execute(text(f"ANALYZE {table}"))


def _cell(first: float, median: float, load: str) -> str:
    return f"{f'{median:.3f} ({first:.3f}) {load}':>38}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", default=[], help="URL of a database loaded before")
    parser.add_argument("--load", action="append", type=int, default=[], help="load a fresh database of N first")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-variants", action="store_true", help="skip the unpartitioned and no-pruning runs")
    args = parser.parse_args()
    urls = [load(n) for n in args.load] + args.db
    if not urls:
        parser.error("give --db URL or --load N")
    runs = [measure(url, args.repeat, not args.no_variants) for url in urls]
    targets = {"province": 2.0, "commune": 1.0, "sex": 2.0}
    print(f"\nMinistry questions, SIPAS-1001, median of {args.repeat} (first run in brackets), seconds")
    sizes = [f"{r['size']:,} responses" for r in runs]
    header = f"{'question':<40}" + "".join(f"{size:>38}" for size in sizes) + f"{'target':>8}"
    for variant in runs[0]["results"]:
        print(f"\n[{variant}]\n{header}")
        for label, by, _, _ in QUESTIONS:
            cells = "".join(_cell(*r["results"][variant][label]) for r in runs)
            print(f"{label:<40}{cells}{targets[by]:>7.1f}s")
    if len(runs) > 1:
        small, large = runs[0], runs[-1]
        print(f"\ngrowth {small['size']:,} → {large['size']:,} responses (×{large['size'] / small['size']:.1f}):")
        for label, _, _, _ in QUESTIONS:
            ratio = large["results"]["partitioned"][label][1] / small["results"]["partitioned"][label][1]
            print(f"  {label:<40} time ×{ratio:.2f}")


if __name__ == "__main__":
    main()

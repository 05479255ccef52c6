#!/usr/bin/env python
"""P2: the province table by commune from 1,000,000 SIPAS responses, on SQLite and PostgreSQL, side by side with
the naive way (load every answer into pandas, then group), with time, peak memory growth and ratios.

    .venv/bin/python scripts/bench/bench_indices.py [--responses 1000000] [--province 22] [--repeat 3]
        [--no-postgres] [--sqlite-path FILE] [--postgres-url URL] [--keep] [--no-raw]

Each backend gets a fresh database loaded by the demo bulk loader (`survey demo --instrument SIPAS-1001`, which
also rebuilds the roll-up tallies); pass --sqlite-path / --postgres-url of an already loaded database to skip the
load. Every measurement runs in its own Python process: time is the median of --repeat runs after one warm-up
run; memory is that process's peak resident size minus its size before the first run (the PostgreSQL server's
own memory is not counted). Targets (SPEC P2): ≤ 1 s, ≥ 20× faster than the naive way, ≤ 200 MB growth.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the scratch databases are the test suite's (tests/fixtures/scratch_db.py)
from tests.fixtures.scratch_db import scratch_postgres  # noqa: E402

TARGETS = {"seconds": 1.0, "ratio": 20.0, "mb": 200.0}


# ----------------------------------------------------------------------------- measuring (child process)

def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark (VmHWM) so the peak covers only what follows."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:  # without it the peak still starts from this process's size after start-up
        pass


def _province_units(province: str):
    from survey.services.organisation.units import descendant_ids, get_unit

    return sorted(descendant_ids(get_unit(province)))


def _period() -> str:
    """Whole months covering the stored responses (about one year for the demo)."""
    from sqlalchemy import func, select

    from survey.extensions import db
    from survey.models import Response

    first, last = db.session.execute(select(func.min(Response.local_date), func.max(Response.local_date))).one()
    first, last = (str(d)[:7] for d in (first, last))
    return f"{first}..{last}"


def run_service(province: str, period: str, source: str | None) -> dict:
    """The product's way: `compute_indices` (roll-ups, or the raw path, packed answer codes, with source="responses")."""
    from survey.services.indices.compute import compute_indices

    result = compute_indices("SIPAS-1001", period, "commune", province, source=source)
    return {row["unit_code"]: row["index"] for row in result.document["rows"]}


def run_naive(province: str, period: str) -> dict:
    """Every answer of the province and period loaded into pandas, then grouped there and given to the core."""
    import pandas as pd
    from sqlalchemy import select

    from survey.extensions import db
    from survey.indices import OVERALL, index_table, respondent_scores, score_sums, scorer_for
    from survey.indices import structure_from_definition
    from survey.models import Item, Unit
    from survey.services.instruments.versions import current_version
    from survey.services.indices.periods import parse_period

    version = current_version("SIPAS-1001")
    span = parse_period(period)
    units = _province_units(province)
    sql = ("SELECT r.id AS respondent, r.unit_id AS cell, a.item_id AS item, a.code AS code "
           "FROM answers a JOIN responses r ON r.id = a.response_id "
           f"WHERE r.instrument_version_id = {int(version.id)} "
           f"AND r.local_date BETWEEN '{span.start.isoformat()}' AND '{span.end.isoformat()}' "
           f"AND r.unit_id IN ({', '.join(str(u) for u in units)})")
    with db.engine.connect() as conn:
        answers = pd.concat(pd.read_sql(sql, conn, chunksize=1_000_000), ignore_index=True)
    item_ids = dict(db.session.execute(select(Item.code, Item.id).where(Item.version_id == version.id)).all())
    structure = structure_from_definition(version.definition)
    counts = answers.groupby(["cell", "item", "code"]).size().reset_index(name="count")
    counts["item"] = counts["item"].map({i: c for c, i in item_ids.items()})
    scores = respondent_scores(scorer_for(structure, item_ids), answers[["respondent", "item", "code"]])
    sums = score_sums(scores, answers[["respondent", "cell"]].drop_duplicates("respondent"))
    table = index_table(counts, sums, sums[sums["component"] == OVERALL][["cell", "n"]], structure)
    codes = dict(db.session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(units))).all())
    return {codes[c]: (None if pd.isna(i) else round(float(i), 2))
            for c, i in table.cells[["cell", "index"]].itertuples(index=False)}


def measure(url: str, method: str, province: str, period: str | None, repeat: int) -> dict:
    """Time and peak memory growth of one method, in this (fresh) process."""
    os.environ["SURVEY_DATABASE_URL"] = url
    from survey.app import create_app

    app = create_app()
    with app.app_context():
        period = period or _period()
        call = {"tallies": lambda: run_service(province, period, None),
                "raw": lambda: run_service(province, period, "responses"),
                "naive": lambda: run_naive(province, period)}[method]
        runs = 1 if method in ("naive", "raw") else repeat
        _reset_peak()
        before = _status_kb("VmRSS")
        times, cpu = [], []
        if runs > 1:  # one warm-up run: first-call caches (parsed definitions, prepared statements)
            start = time.perf_counter()
            figures = call()
            warm = time.perf_counter() - start
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            figures = call()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        peak = _status_kb("VmHWM")
    # CPU seconds of this process only: on a busy machine wall time also counts waiting for a core.
    return {"method": method, "seconds": statistics.median(times), "first_seconds": warm if runs > 1 else times[0],
            "cpu_seconds": statistics.median(cpu), "mb": max(peak - before, 0) / 1024, "period": period,
            "figures": figures}


# ----------------------------------------------------------------------------- orchestration

def survey(url: str, *args: str) -> str:
    env = {**os.environ, "SURVEY_DATABASE_URL": url}
    done = subprocess.run([str(ROOT / ".venv/bin/survey"), *args], env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"survey {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def load(url: str, responses: int, province: str) -> float:
    """Migrate a fresh database and load the demo responses; seconds taken by `survey demo`."""
    survey(url, "db", "upgrade")
    start = time.perf_counter()
    survey(url, "demo", "--province", province, "--responses", str(responses), "--instrument", "SIPAS-1001",
           "--seed", "1")
    return time.perf_counter() - start


def child(url: str, method: str, province: str, period: str | None, repeat: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--measure", method, "--url", url, "--province", province,
                           "--repeat", str(repeat)] + (["--period", period] if period else []),
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"measuring {method} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def counts(url: str) -> tuple[int, int, int]:
    code = ("import os, json; from sqlalchemy import text; from survey.app import create_app; "
            "from survey.extensions import db\napp = create_app()\nwith app.app_context():\n"
            "    q = lambda s: db.session.execute(text(s)).scalar()\n"
            "    print(json.dumps([q('SELECT COUNT(*) FROM responses'), q('SELECT COUNT(*) FROM answers'), "
            "q('SELECT COUNT(*) FROM answer_tallies')]))")
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "SURVEY_DATABASE_URL": url},
                          capture_output=True, text=True, cwd=ROOT)
    return tuple(json.loads(done.stdout.strip().splitlines()[-1]))  # type: ignore[return-value]


def bench_backend(name: str, url: str, args, loaded: bool) -> list[str]:
    lines = []
    if not loaded:
        seconds = load(url, args.responses, args.province)
        lines.append(f"  loaded by `survey demo` (bulk insert + tally rebuild) in {seconds:.1f} s")
    n_resp, n_ans, n_tallies = counts(url)
    lines.append(f"  {n_resp:,} responses, {n_ans:,} answers, {n_tallies:,} answer-tally rows")
    fast = child(url, "tallies", args.province, None, args.repeat)
    results = [("roll-ups (survey indices)", fast)]
    if not args.no_raw:
        results.append(("raw path (packed answers)", child(url, "raw", args.province, fast["period"], 1)))
    naive = child(url, "naive", args.province, fast["period"], 1)
    results.append(("naive: answers → pandas", naive))
    lines.append(f"  period {fast['period']}, {len(fast['figures'])} rows (communes and the provincial level)")
    lines.append(f"  {'method':<28} {'time (s)':>9} {'first (s)':>10} {'own CPU (s)':>12} "
                 f"{'peak mem growth (MB)':>21}")
    for label, res in results:
        lines.append(f"  {label:<28} {res['seconds']:>9.3f} {res['first_seconds']:>10.3f} "
                     f"{res['cpu_seconds']:>12.3f} {res['mb']:>21.1f}")
    ratio = naive["seconds"] / fast["seconds"]
    same = all(fast["figures"].get(code) == value for code, value in naive["figures"].items()) and \
        set(fast["figures"]) >= {c for c, v in naive["figures"].items()}
    verdict = ("OK" if fast["seconds"] <= TARGETS["seconds"] else "MISSED") + " time, " + \
        ("OK" if ratio >= TARGETS["ratio"] else "MISSED") + " ratio, " + \
        ("OK" if fast["mb"] <= TARGETS["mb"] else "MISSED") + " memory"
    load_avg = os.getloadavg()[0]
    lines.append(f"  ratio naive / roll-ups: {ratio:.0f}×   same indices as the naive way: {'yes' if same else 'NO'}"
                 f"   targets: {verdict}   (load average {load_avg:.1f} on {os.cpu_count()} cores)")
    return [f"{name}"] + lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--province", default="22")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-raw", action="store_true", help="skip timing the raw path (packed answer codes)")
    parser.add_argument("--sqlite-path", help="an already loaded SQLite file (skips the load)")
    parser.add_argument("--postgres-url", help="an already loaded PostgreSQL database (skips the load)")
    parser.add_argument("--keep", action="store_true", help="keep the databases this run creates")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.url, args.measure, args.province, args.period, args.repeat)))
        return

    print(f"P2 province table by commune — SIPAS-1001, province {args.province}, "
          f"targets ≤ {TARGETS['seconds']:.0f} s, ≥ {TARGETS['ratio']:.0f}×, ≤ {TARGETS['mb']:.0f} MB")
    workdir = None if args.sqlite_path else Path(tempfile.mkdtemp(prefix="bench-indices-"))
    sqlite_url = f"sqlite:///{args.sqlite_path}" if workdir is None else f"sqlite:///{workdir / 'bench.db'}"
    for line in bench_backend("SQLite", sqlite_url, args, loaded=bool(args.sqlite_path)):
        print(line, flush=True)
    if not args.no_postgres:
        with ExitStack() as stack:
            pg_url = args.postgres_url or stack.enter_context(scratch_postgres("bench_indices", keep=args.keep))
            for line in bench_backend("PostgreSQL", pg_url, args, loaded=bool(args.postgres_url)):
                print(line, flush=True)
    if workdir is not None and not args.keep:
        for path in workdir.glob("*"):
            path.unlink()
        workdir.rmdir()


if __name__ == "__main__":
    main()

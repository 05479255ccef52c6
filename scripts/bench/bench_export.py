#!/usr/bin/env python
"""The anonymised responses export (CSV) of one province-year, 1,000,000 SIPAS responses, on SQLite and PostgreSQL:
the streamed packed-codes path (`ResponseExport.rows`) side by side with today's path over the answers table
(`ResponseExport.rows_from_answers`), with time, own CPU, peak memory growth and whether both write the same bytes.

    .venv/bin/python scripts/bench/bench_export.py [--responses 1000000] [--province 22]
        [--sqlite-path FILE] [--postgres-url URL] [--no-sqlite] [--no-postgres] [--keep]
        [--today-months 1] [--tracemalloc]

Each backend gets a fresh database loaded by the demo bulk loader (`survey demo --instrument SIPAS-1001`, as
bench_indices.py and bench_breakdowns.py do); pass --sqlite-path / --postgres-url of a loaded database to skip the
load (run `survey db upgrade` on it first). Every measurement runs in its own Python process and writes the CSV to
a temporary file, as the export job does: time is wall-clock, memory is that process's peak resident size minus its
size before the export (VmHWM after clearing it; the database server's own memory is not counted). Today's path
joins ~23 answer rows per response and takes minutes at a million, so by default it is measured on the first
--today-months month(s) of the data and extrapolated by responses (the output says so; --today-months 0 measures
it whole). Both paths are also run on that sample and their files compared byte for byte.
Targets (issue 21): the packed path ≤ 30 s and ≤ 200 MB memory growth at 1,000,000 responses.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from scripts.bench.bench_indices import _period, _reset_peak, _status_kb, load  # noqa: E402
from tests.fixtures.scratch_db import scratch_postgres  # noqa: E402

TARGETS = {"seconds": 30.0, "mb": 200.0}
INSTRUMENT = "SIPAS-1001"


# ----------------------------------------------------------------------------- measuring (child process)

def _months(period: str, months: int) -> str:
    """The first `months` month(s) of a "YYYY-MM..YYYY-MM" period."""
    first = period.split("..")[0]
    year, month = (int(x) for x in first.split("-"))
    month += months - 1
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return f"{first}..{year:04d}-{month:02d}"


def measure(url: str, path: str, period: str | None, months: int, trace: bool) -> dict:
    """Export the period's CSV through `path` ("packed" or "today") into a temporary file; time, memory, digest."""
    os.environ["SURVEY_DATABASE_URL"] = url
    import tracemalloc

    from survey.app import create_app
    from survey.services.access.scope import OPERATOR
    from survey.services.exports.files import responses_csv
    from survey.services.exports.responses import response_export
    from survey.services.exports.writers import csv_chunks

    app = create_app()
    with app.app_context():
        period = period or _period()
        if months:
            period = _months(period, months)
        digest, size = hashlib.sha256(), 0
        _reset_peak()
        before = _status_kb("VmRSS")
        if trace:
            tracemalloc.start()
        start, start_cpu = time.perf_counter(), time.process_time()
        export = response_export(OPERATOR, INSTRUMENT, period)
        chunks = responses_csv(export) if path == "packed" else csv_chunks(export.columns, export.rows_from_answers())
        with tempfile.TemporaryFile() as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        peak = _status_kb("VmHWM")
        from sqlalchemy import func, select

        from survey.extensions import db
        from survey.models import Response

        responses = db.session.scalar(select(func.count()).select_from(Response).where(export.where))
    return {"path": path, "period": period, "seconds": seconds, "cpu": cpu, "mb": max(peak - before, 0) / 1024,
            "traced_mb": traced, "responses": responses, "withheld": export.withheld_responses, "bytes": size,
            "sha256": digest.hexdigest()}


# ----------------------------------------------------------------------------- orchestration

def child(url: str, path: str, months: int, trace: bool = False) -> dict:
    done = subprocess.run([sys.executable, __file__, "--measure", path, "--url", url, "--today-months", str(months)]
                          + (["--tracemalloc"] if trace else []), capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"measuring {path} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_backend(name: str, url: str, args, loaded: bool) -> None:
    print(name, flush=True)
    if not loaded:
        print(f"  loaded by `survey demo` in {load(url, args.responses, args.province):.1f} s", flush=True)
    load_before = os.getloadavg()
    packed = child(url, "packed", 0)
    rows = [("packed codes, streamed", packed, "measured whole")]
    if args.today_months:
        sample_new = child(url, "packed", args.today_months)
        sample_old = child(url, "today", args.today_months)
        scale = packed["responses"] / max(1, sample_old["responses"])
        today = {**sample_old, "seconds": sample_old["seconds"] * scale, "cpu": sample_old["cpu"] * scale}
        rows.append(("today: answers table", today,
                     f"EXTRAPOLATED ×{scale:.1f} from {sample_old['responses']:,} responses ({sample_old['period']}), "
                     f"memory as measured there"))
        same = sample_new["sha256"] == sample_old["sha256"]
        compared = f"{sample_old['responses']:,} responses of {sample_old['period']}"
    else:
        today = child(url, "today", 0)
        rows.append(("today: answers table", today, "measured whole"))
        same, compared = today["sha256"] == packed["sha256"], "the whole period"
    if args.tracemalloc:
        traced = child(url, "packed", 0, trace=True)
        rows.append(("packed, under tracemalloc", traced, f"Python allocations peak {traced['traced_mb']:.1f} MB "
                                                           "(tracemalloc slows it down; time not comparable)"))
    print(f"  {packed['responses']:,} responses in {packed['period']}, {packed['withheld']:,} withheld (min n), "
          f"CSV {packed['bytes'] / 2**20:.0f} MB")
    print(f"  {'path':<28} {'time (s)':>9} {'own CPU (s)':>12} {'peak mem growth (MB)':>21}  note")
    for label, res, note in rows:
        print(f"  {label:<28} {res['seconds']:>9.1f} {res['cpu']:>12.1f} {res['mb']:>21.1f}  {note}")
    ratio = today["seconds"] / packed["seconds"]
    verdict = (("OK" if packed["seconds"] <= TARGETS["seconds"] else "MISSED") + " time, "
               + ("OK" if packed["mb"] <= TARGETS["mb"] else "MISSED") + " memory")
    after = os.getloadavg()
    print(f"  today / packed: {ratio:.1f}×   same bytes on {compared}: {'yes' if same else 'NO'}   "
          f"targets (≤ {TARGETS['seconds']:.0f} s, ≤ {TARGETS['mb']:.0f} MB): {verdict}")
    print(f"  load average {load_before[0]:.1f} before, {after[0]:.1f} after (1 min) on {os.cpu_count()} cores; "
          "wall time counts waiting for a core, own CPU does not", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--province", default="22")
    parser.add_argument("--sqlite-path", help="an already loaded SQLite file (skips the load)")
    parser.add_argument("--postgres-url", help="an already loaded PostgreSQL database (skips the load)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases this run creates")
    parser.add_argument("--today-months", type=int, default=1,
                        help="measure today's path on this many months and extrapolate (0: the whole period)")
    parser.add_argument("--tracemalloc", action="store_true", help="one more run of the packed path under tracemalloc")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.url, args.measure, None, args.today_months, args.tracemalloc)))
        return

    print(f"Responses export (CSV) — {INSTRUMENT}, province {args.province}, targets ≤ {TARGETS['seconds']:.0f} s "
          f"and ≤ {TARGETS['mb']:.0f} MB for the packed path")
    if not args.no_sqlite:
        workdir = None if args.sqlite_path else Path(tempfile.mkdtemp(prefix="bench-export-"))
        url = f"sqlite:///{args.sqlite_path}" if workdir is None else f"sqlite:///{workdir / 'bench.db'}"
        bench_backend("SQLite", url, args, loaded=bool(args.sqlite_path))
        if workdir is not None and not args.keep:
            for path in workdir.glob("*"):
                path.unlink()
            workdir.rmdir()
    if not args.no_postgres:
        with ExitStack() as stack:
            url = args.postgres_url or stack.enter_context(scratch_postgres("bench_export", keep=args.keep))
            bench_backend("PostgreSQL", url, args, loaded=bool(args.postgres_url))


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Every breakdown and filter of `compute_indices` at 1,000,000 responses, path against path, on SQLite and
PostgreSQL: time (median after one warm-up), peak memory growth of the measuring process, and whether the figures
of each path are identical to the first one's.

    .venv/bin/python scripts/bench/bench_breakdowns.py --sqlite-path FILE --postgres-url URL
        [--paths today,columns] [--questions sex,age_band,…] [--repeat 3]

Load the databases first with bench_indices.py --keep, or `survey demo --province 22 --responses 1000000
--instrument SIPAS-1001 --seed 1` (the bulk paths). Paths: `main` (what main does: roll-ups for whole months by
commune, agency, service point or channel, else the packed codes streamed from `responses`), `raw` (always the
streamed packed codes), `columns` (always the columnar blocks, services/indices/columns.py), `default` (this
branch's own choice: roll-ups where main used them, the columnar blocks for everything else). The `…|weighted`
questions add the post-stratified figures (weighted=1; sample margins are imported when the province has none).
Targets: every question ≤ 1 s and ≤ 200 MB; the roll-up questions ≤ 0.3 s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from scripts.bench.bench_indices import _period, _reset_peak, _status_kb  # noqa: E402

ROLLUPS = ("commune", "agency", "service_point", "channel")
# name → (by, where, period: None = the data's whole months, "days" = a range that is not whole months)
QUESTIONS = {
    "commune": ("commune", {}, None), "agency": ("agency", {}, None),
    "service_point": ("service_point", {}, None), "channel": ("channel", {}, None),
    "district": ("district", {}, None), "province": ("province", {}, None),
    "sex": ("sex", {}, None), "age_band": ("age_band", {}, None), "field": ("field", {}, None),
    "procedure": ("procedure", {}, None),
    "commune|kiosk+sex=2": ("commune", {"channel": "kiosk", "sex": 2}, None),
    "age_band|online+edu=3": ("age_band", {"channel": "online", "education": 3}, None),
    "commune|days": ("commune", {}, "days"),
    "sex|days": ("sex", {}, "days"),
    "sex|clean": ("sex", {"quality": "clean"}, None),  # the clean view: flagged responses left out
    "commune|weighted": ("commune", {}, None), "agency|weighted": ("agency", {}, None),
}
WEIGHTED = {"commune|weighted", "agency|weighted"}  # with the secondary post-stratified figures (weighted=1)
# Margins imported for the weighted questions when the database has none (sex 1–2 × age bands 1–5).
SAMPLE_MARGINS = "sex,age_band,population\n" + "".join(f"{s},{a},{1000 * (s + a)}\n" for s in (1, 2) for a in range(1, 6))
SOURCE = {"main": "main", "raw": "responses", "columns": "columns", "default": None}


def _days(period: str) -> str:
    """A range inside the data that starts and ends mid-month."""
    first, last = period.split("..")
    return f"{first}-10..{last}-20"


def measure(url: str, path: str, question: str, province: str, repeat: int) -> dict:
    os.environ["SURVEY_DATABASE_URL"] = url
    from survey.app import create_app
    from survey.services.indices.compute import compute_indices

    app = create_app()
    with app.app_context():
        by, where, kind = QUESTIONS[question]
        period = _period() if kind is None else _days(_period())

        weighted = question in WEIGHTED
        if weighted:
            _ensure_margins(province)
        source = SOURCE[path]
        if source == "main":  # main's choice: roll-ups for whole months by place or channel, else the raw path
            source = None if question in ROLLUPS and kind is None and set(where) <= {"channel"} else "responses"

        def call() -> dict:
            result = compute_indices("SIPAS-1001", period, by, province, where=where, source=source, weighted=weighted)
            return {str(r["unit_code"]): [r["n"], r["index"], r["ci_low"], r["ci_high"], r.get("items"),
                                          r.get("weighted")] for r in result.document["rows"]}

        _reset_peak()
        before = _status_kb("VmRSS")
        start = time.perf_counter()
        figures = call()
        first = time.perf_counter() - start
        times, cpu = [], []
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            figures = call()
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        peak = _status_kb("VmHWM")
    # CPU seconds of this process: on a loaded machine wall time also counts waiting for a core (and PostgreSQL's
    # own work is in the wall time only).
    return {"seconds": statistics.median(times) if times else first, "first": first,
            "cpu": statistics.median(cpu) if cpu else first, "mb": max(peak - before, 0) / 1024, "figures": figures}


def _ensure_margins(province: str) -> None:
    """Import SAMPLE_MARGINS for the province when it has none (the weighted questions need margins)."""
    from survey.extensions import db
    from survey.services.access.scope import OPERATOR
    from survey.services.indices.weights import import_margins, margins_for
    from survey.services.organisation.units import get_unit

    if not margins_for(get_unit(province).id):
        import_margins(OPERATOR, province, SAMPLE_MARGINS, actor="bench_breakdowns")
        db.session.commit()


def child(url: str, path: str, question: str, province: str, repeat: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--measure", path, "--question", question, "--url", url,
                           "--province", province, "--repeat", str(repeat)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"measuring {path} {question} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def backend(name: str, url: str, args) -> None:
    paths = args.paths.split(",")
    print(f"{name}  (s = median wall time of {args.repeat} after a first call; cpu = this process's CPU seconds, "
          f"median; first = the first call; MB = peak growth)")
    print(f"  {'question':<24}" + "".join(f"{p + ' s':>11}{'cpu':>7}{'first':>7}{'MB':>6}" for p in paths)
          + "  same  verdict")
    for question in args.questions.split(","):
        results = [child(url, p, question, args.province, args.repeat) for p in paths]
        same = all(r["figures"] == results[0]["figures"] for r in results[1:])
        best = results[-1]
        limit = 0.3 if question in ROLLUPS else 1.0
        ok = best["seconds"] <= limit and best["mb"] <= 200
        print(f"  {question:<24}"
              + "".join(f"{r['seconds']:>11.3f}{r['cpu']:>7.3f}{r['first']:>7.2f}{r['mb']:>6.0f}" for r in results)
              + f"  {'yes' if same else 'NO':>4}  {'OK' if ok else 'MISSED'} (≤ {limit} s)"
              + f"  load {os.getloadavg()[0]:.1f}", flush=True)
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite-path")
    parser.add_argument("--postgres-url")
    parser.add_argument("--paths", default="main,default")
    parser.add_argument("--questions", default=",".join(QUESTIONS))
    parser.add_argument("--province", default="22")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--question", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.url, args.measure, args.question, args.province, args.repeat)))
        return
    if args.sqlite_path:
        backend("SQLite", f"sqlite:///{args.sqlite_path}", args)
    if args.postgres_url:
        backend("PostgreSQL", args.postgres_url, args)


if __name__ == "__main__":
    main()

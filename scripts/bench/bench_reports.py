"""P3: PDF summary of one unit (≤ 150 ms) and of every unit of a province (≈120 units, ≤ 20 s), side by side with
the naive path that computes each unit's figures on its own.

Usage: .venv/bin/python scripts/bench/bench_reports.py [--responses 200000] [--province 22]
                                                      [--database-url URL] [--instrument SIPAS-1001] [--sample 8]
Without --database-url a fresh SQLite database gets demo data for the province (`survey demo`, bulk paths).
Printed: render-only time of one summary, data + render of one summary, the whole province through the shared
computation, and the naive per-unit path measured on a sample and extrapolated; then the ratio between them.
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
TARGET_ONE_MS, TARGET_ALL_S = 150, 20


def _demo_database(responses: int, province: str) -> str:
    """A new SQLite database with the units, instruments and `responses` demo responses of one province."""
    path = Path(tempfile.mkdtemp(prefix="bench-reports-")) / "bench.db"
    url = f"sqlite:///{path}"
    env = {**os.environ, "SURVEY_DATABASE_URL": url}
    for args in (["db", "upgrade"], ["units", "load", "--province", province], ["instruments", "load"],
                 ["demo", "--province", province, "--responses", str(responses), "--seed", "3"]):
        done = subprocess.run([str(ROOT / ".venv/bin/survey"), *args], env=env, capture_output=True, text=True,
                              cwd=ROOT)
        if done.returncode:
            sys.exit(f"survey {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return url


def _median_ms(action, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms (CPU time is what a busy machine
    cannot inflate: other processes' load shows as wall > CPU)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--province", default="22")
    parser.add_argument("--database-url")
    parser.add_argument("--instrument", default="SIPAS-1001")
    parser.add_argument("--sample", type=int, default=8, help="units timed on the naive path")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="rendering processes")
    args = parser.parse_args()
    jobs = max(1, args.jobs)

    url = args.database_url or _demo_database(args.responses, args.province)
    os.environ["SURVEY_DATABASE_URL"] = url
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select

    from survey.app import create_app
    from survey.extensions import db
    from survey.models import Response
    from survey.reports.batch import render_summaries
    from survey.reports.pdf import render_province_report, render_unit_summary
    from survey.services.reports.province import province_report
    from survey.services.reports.unit import province_unit_summaries, unit_summary
    from survey.services.access.scope import OPERATOR

    app = create_app()
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Response))
        last = db.session.scalar(select(func.max(Response.local_date)))
        period = f"{last.year}-Q{(last.month - 1) // 3 + 1}"  # the latest quarter: the period people print most
        print(f"Database: {url.split('://')[0]} with {count:,} responses; province {args.province}, "
              f"{args.instrument}, period {period}")

        started, started_cpu = time.perf_counter(), time.process_time()
        tables, targets, summaries = province_unit_summaries(OPERATOR, args.province, period, args.instrument)
        report = province_report(OPERATOR, args.province, period, args.instrument, tables=tables)
        data = list(summaries)
        figures_s, figures_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        started, started_cpu = time.perf_counter(), time.process_time()
        render_province_report(report)
        pages = [render_unit_summary(summary) for summary in data]
        serial_s, serial_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        started = time.perf_counter()
        parallel = list(render_summaries(data, "vi", jobs))
        parallel_s = time.perf_counter() - started + serial_s / (len(data) + 1)  # + the provincial report
        assert [p for _, _, p in parallel][:1] and len(parallel) == len(pages)
        batch_s = figures_s + parallel_s
        units = len(targets)

        code = next(code for level, code, _ in targets if level == "commune")
        one = unit_summary(OPERATOR, code, period, args.instrument)
        render_ms = _median_ms(lambda: render_unit_summary(one), 15)
        end_to_end_ms = _median_ms(lambda: render_unit_summary(unit_summary(OPERATOR, code, period,
                                                                             args.instrument)), 5)
        sample = [code for _, code, _ in targets[:args.sample]]
        naive_ms = _median_ms(lambda: [render_unit_summary(unit_summary(OPERATOR, c, period, args.instrument))
                                       for c in sample], 1)[0] / max(len(sample), 1)

    naive_s = naive_ms * units / 1000
    size_kib = statistics.mean(len(p) for p in pages) / 1024 if pages else 0
    (render_ms, render_cpu), (end_to_end_ms, end_to_end_cpu) = render_ms, end_to_end_ms
    rows = [
        ("one unit, render only", f"{render_ms:8.1f} ms", f"cpu {render_cpu:7.1f} ms", f"target ≤ {TARGET_ONE_MS} ms",
         "PASS" if render_ms <= TARGET_ONE_MS else "FAIL"),
        ("one unit, figures from the database + render", f"{end_to_end_ms:8.1f} ms", f"cpu {end_to_end_cpu:7.1f} ms",
         "", ""),
        ("  figures for the whole province (index tables, reasons, comments, trend)", f"{figures_s:8.2f} s",
         f"cpu {figures_cpu:7.2f} s", "", ""),
        ("  rendering every PDF in one process", f"{serial_s:8.2f} s", f"cpu {serial_cpu:7.2f} s", "", ""),
        (f"  rendering every PDF in {jobs} processes", f"{parallel_s:8.2f} s", "", "", ""),
        (f"whole province, shared computation ({units} units + provincial report)", f"{batch_s:8.2f} s", "",
         f"target ≤ {TARGET_ALL_S} s", "PASS" if batch_s <= TARGET_ALL_S else "FAIL"),
        (f"whole province, naive per-unit path (sample of {len(sample)}, extrapolated)", f"{naive_s:8.2f} s", "",
         "", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, cpu, target, verdict in rows:
        print(f"{label:<{width}}  {value}  {cpu:<16} {target:<18} {verdict}")
    print(f"shared computation is {naive_s / batch_s:.1f}× faster than the naive path; "
          f"{jobs} rendering processes are {serial_s / parallel_s:.1f}× faster than one; "
          f"{units / batch_s:.1f} unit PDFs per second; mean PDF size {size_kib:.0f} KiB")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()

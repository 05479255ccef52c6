"""P3 with targets (issue 23): what the "progress against the target" section adds to one unit's PDF and to the
whole province's batch, side by side with the same PDFs of units without a target.

Usage: .venv/bin/python scripts/bench/bench_report_targets.py [--responses 100000] [--province 22]
                                                              [--database-url URL] [--instrument SIPAS-1001]
Without --database-url a fresh SQLite database gets demo data (as bench_reports.py). Targets are set in a
transaction that is rolled back at the end, so a given database is left as it was. Printed: wall and CPU time of
one commune's PDF (figures + render) without and with a target, of the provincial report and of every unit's
summary without and with a target for every commune and agency, and the ratios.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "bench"))
sys.path.insert(0, str(ROOT))

from bench_reports import _demo_database, _median_ms  # noqa: E402


def _timed(action) -> tuple[float, float]:
    start, start_cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - start_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--province", default="22")
    parser.add_argument("--database-url")
    parser.add_argument("--instrument", default="SIPAS-1001")
    args = parser.parse_args()
    url = args.database_url or _demo_database(args.responses, args.province)
    os.environ["SURVEY_DATABASE_URL"] = url
    from sqlalchemy import func, select

    from survey.app import create_app
    from survey.extensions import db
    from survey.models import Agency, Response, Target, Unit
    from survey.reports.pdf import render_province_report, render_unit_summary
    from survey.services.access.scope import OPERATOR
    from survey.services.reports.province import province_report
    from survey.services.reports.unit import province_unit_summaries, unit_summary

    app = create_app()
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Response))
        last = db.session.scalar(select(func.max(Response.local_date)))
        period = f"{last.year}-Q{(last.month - 1) // 3 + 1}"
        print(f"Database: {url.split('://')[0]} with {count:,} responses; province {args.province}, "
              f"{args.instrument}, period {period} (year to date: {last.month} months)")
        _tables, subjects, _summaries = province_unit_summaries(OPERATOR, args.province, period, args.instrument)
        code = next(c for level, c, _ in subjects if level == "commune")

        def one() -> None:
            render_unit_summary(unit_summary(OPERATOR, code, period, args.instrument))

        def everything() -> None:
            tables, _subjects, summaries = province_unit_summaries(OPERATOR, args.province, period, args.instrument)
            render_province_report(province_report(OPERATOR, args.province, period, args.instrument,
                                                   tables=tables))
            for summary in summaries:
                render_unit_summary(summary)

        plain_one = _median_ms(one, 5)
        plain_all = _timed(everything)
        ids = {("commune", c): i for c, i in db.session.execute(select(Unit.code, Unit.id).where(
            Unit.code.in_([c for lv, c, _ in subjects if lv == "commune"]), Unit.vintage == "2025"))}
        ids |= {("agency", c): i for c, i in db.session.execute(select(Agency.code, Agency.id).where(
            Agency.code.in_([c for lv, c, _ in subjects if lv == "agency"])))}
        for (level, _code), key in ids.items():
            db.session.add(Target(unit_id=key if level == "commune" else None,
                                  agency_id=key if level == "agency" else None, year=last.year,
                                  instrument_code=args.instrument, component="INDEX", value=80.0, set_by="bench"))
        db.session.flush()  # seen by this session only; rolled back below
        assert unit_summary(OPERATOR, code, period, args.instrument).progress is not None
        target_one = _median_ms(one, 5)
        target_all = _timed(everything)
        db.session.rollback()

    rows = [("one commune's PDF, no target", plain_one[0] / 1000, plain_one[1] / 1000),
            ("one commune's PDF, with a target", target_one[0] / 1000, target_one[1] / 1000),
            (f"whole province ({len(subjects)} units + report), no targets", *plain_all),
            (f"whole province, a target for every unit ({len(ids)})", *target_all)]
    width = max(len(r[0]) for r in rows)
    for label, wall, cpu in rows:
        print(f"{label:<{width}}  {wall * 1000:9.1f} ms  cpu {cpu * 1000:9.1f} ms")
    print(f"with targets / without: one PDF {target_one[0] / plain_one[0]:.2f}× (cpu "
          f"{target_one[1] / plain_one[1]:.2f}×), whole province {target_all[0] / plain_all[0]:.2f}× (cpu "
          f"{target_all[1] / plain_all[1]:.2f}×)")
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()

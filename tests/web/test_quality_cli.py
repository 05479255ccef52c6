"""`survey quality`, `survey indices --quality clean` and `survey targets` from the command line: clear messages,
non-zero exit without a traceback on bad input."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from survey.extensions import db
from survey.models import QualitySettings
from survey.services.access.devices import authenticate_kiosk
from survey.services.responses import record_response
from tests.fixtures.factories import commune_codes

ICT = timezone(timedelta(hours=7))


def test_scan_then_clean_indices(app, runner, make_device):
    _device, token = make_device()
    caller = authenticate_kiosk(token)
    start = datetime(2026, 3, 3, 9, 0, tzinfo=ICT)
    for k in range(25):
        record_response({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK",
                         "submitted_at": (start + timedelta(seconds=10 * k)).isoformat(), "answers": {"Q": 5}},
                        device=caller)
    db.session.commit()
    result = runner.invoke(args=["quality", "scan", "--province", "22", "--from", "2026-03-01", "--to", "2026-03-31"])
    assert result.exit_code == 0, result.output
    assert "25 responses read, 25 changed." in result.output and "burst: 25" in result.output
    args = ["indices", "--instrument", "KIOSK-QUICK", "--period", "2026-03", "--province", "22", "--format", "json",
            "--min-n", "5"]
    everything = json.loads(runner.invoke(args=args).output)
    clean = json.loads(runner.invoke(args=args + ["--quality", "clean"]).output)
    assert [(r["n"], r["flagged"]) for r in everything["rows"]] == [(25, 25)]
    assert clean["quality"] == "clean" and [r["flagged"] for r in clean["rows"]] in ([], [25])


def test_bad_arguments_exit_non_zero_with_a_message(app, runner, tmp_path):
    bad = runner.invoke(args=["quality", "scan", "--from", "2026-03-31", "--to", "2026-03-01"])
    assert bad.exit_code != 0 and "--from is after --to" in bad.output
    settings = runner.invoke(args=["quality", "settings", "--province", "22", "--set", "burst_count=zero"])
    assert settings.exit_code == 1 and "burst_count" in settings.output and "Traceback" not in settings.output
    assert db.session.scalar(select(QualitySettings)) is None
    ok = runner.invoke(args=["quality", "settings", "--province", "22", "--set", "burst_count=30"])
    assert ok.exit_code == 0 and "burst_count: 30" in ok.output
    path = tmp_path / "t.csv"
    path.write_text(f"level,code,year,instrument,component,target\ncommune,{commune_codes('22', 1)[0]},2026,"
                    "SIPAS-1001,,abc\n", encoding="utf-8")
    targets = runner.invoke(args=["targets", "import", "--province", "22", str(path)])
    assert targets.exit_code == 1 and "line 2" in targets.output and "Traceback" not in targets.output
    hours = runner.invoke(args=["quality", "hours", "NO-SUCH-POINT", "mon-fri 08:00-17:00"])
    assert hours.exit_code == 1 and "NO-SUCH-POINT" in hours.output

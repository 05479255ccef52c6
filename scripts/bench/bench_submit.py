#!/usr/bin/env python
"""P1/P4 benchmark: POST /api/v1/responses against a trivial endpoint of the same app, served the same way.

Runs gunicorn on 127.0.0.1 the way scripts/run does (2 gthread workers × 16 threads) with a fresh database (SQLite
by default, or --postgres / --database-url), drives it with 32 concurrent keep-alive clients, and prints sustained
throughput, p50/p99 latency and the ratio to the trivial endpoint; then the kiosk page's transferred bytes (P4).
The endpoints are measured in many short rounds, in alternating order (trivial first in odd rounds, last in even
ones), and the ratio is taken within each round, then the median of those ratios is reported: this shared machine's
speed drifts by up to 2× within a minute, and a drift then lands on both sides of a round's ratio instead of on one
endpoint's whole run.

    .venv/bin/python scripts/bench/bench_submit.py [--seconds 3] [--rounds 9] [--clients 32] [--workers 2] [--threads 16]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the scratch databases are the test suite's (tests/fixtures/scratch_db.py)
from tests.fixtures.scratch_db import scratch_postgres  # noqa: E402

TARGETS = {"ratio": 0.5, "rps": 400.0, "p99_ms": 50.0, "kiosk_kb": 100.0}


# A reference that writes: one JSON body, one row, one commit (no auth, validation, idempotency or tallies).
# It shows how much of the distance to the trivial endpoint any durable write already costs on this stack.
_BENCH_WRITES = "bench_writes"


def bench_app():
    """The production app (wsgi.py, as scripts/run serves it) plus a trivial endpoint and the minimal write, so all
    run behind the same middleware and server (gunicorn factory)."""
    from flask import jsonify, request
    from sqlalchemy import text

    from survey.extensions import csrf, db
    from wsgi import app

    insert = text(f"INSERT INTO {_BENCH_WRITES} (client_id) VALUES (:client_id)")

    def minimal_write():
        client_id = str(request.get_json()["id"])
        db.session.execute(insert, {"client_id": client_id})
        db.session.commit()
        return jsonify({"id": client_id, "status": "stored"}), 201

    app.add_url_rule("/bench/trivial", "bench_trivial", lambda: "ok")
    app.add_url_rule("/bench/write", "bench_write", csrf.exempt(minimal_write), methods=["POST"])  # as the API is
    return app


def prepare(database_url: str, devices: int) -> list[str]:
    """Migrate the database, load units and instruments, and register one kiosk per client; their tokens."""
    from flask_migrate import upgrade
    from sqlalchemy import Column, Integer, MetaData, String, Table

    from survey.app import create_app
    from survey.extensions import db
    from survey.services.organisation import agencies
    from survey.services.access.devices import register_device
    from survey.services.instruments.versions import load_official_instruments
    from survey.services.organisation.units import load_current_units

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_current_units()
        load_official_instruments()
        agencies.add_agency("000.00.22.H49", "Trung tâm Phục vụ hành chính công tỉnh", "22", kind="centre")
        agencies.add_service_point("BENCH-SP", "Quầy bench", "000.00.22.H49", "22")
        tokens = [register_device("BENCH-SP", f"Kiosk {i}")[1] for i in range(devices)]
        db.session.commit()
        Table(_BENCH_WRITES, MetaData(), Column("id", Integer, primary_key=True),
              Column("client_id", String(36))).create(db.engine)
        db.engine.dispose()
    return tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int, workers: int, threads: int, limits: bool,
                 redis_url: str) -> subprocess.Popen:
    """gunicorn (gthread workers, keep-alive) serving bench_app() on 127.0.0.1 only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SURVEY_")}
    # Rate limiting stays on (it is part of the submission path), with limits no client reaches.
    env.update({"SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": "bench", "PYTHONPATH": str(ROOT),
                "SURVEY_RATELIMIT_ENABLED": "true" if limits else "false",
                "SURVEY_RATE_LIMIT_SUBMIT_DEVICE": "1000000/minute", "SURVEY_RATE_LIMIT_SUBMIT_IP": "1000000/minute"})
    if redis_url:
        env["SURVEY_REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30", "--backlog", "256",
               "--log-level", "warning", "--chdir", str(Path(__file__).parent), "bench_submit:bench_app()"]
    server = subprocess.Popen(command, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


ANSWERS = ({"Q": 5}, {"Q": 4}, {"Q": 3}, {"Q": 2, "R": [1, 3]}, {"Q": 1, "R": [2], "COMMENT": "Chờ lâu quá"})


def submit_request(port: int, token: str, i: int) -> bytes:
    """One kiosk submission with a fresh id, as raw HTTP/1.1 (keep-alive)."""
    body = json.dumps({"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "version": 1, "channel": "kiosk",
                       "submitted_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                       "answers": ANSWERS[i % len(ANSWERS)]}, ensure_ascii=False).encode()
    head = (f"POST /api/v1/responses HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


def write_request(port: int, _token: str, _i: int) -> bytes:
    """The minimal write: a small JSON body, no token."""
    body = json.dumps({"id": str(uuid.uuid4())}).encode()
    return (f"POST /bench/write HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def trivial_request(port: int, _token: str, _i: int) -> bytes:
    return f"GET /bench/trivial HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()


async def client(port: int, requests: list[bytes], make, token: str, stop_at: float, record_from: float,
                 latencies: list[float], statuses: dict[int, int], interval: float | None, offset: float) -> None:
    """One keep-alive connection: back to back (closed loop), or one request every `interval` seconds (paced;
    latency counts from the scheduled time, so a slow server cannot hide its queue). Sends the requests built
    beforehand, then builds more if the phase outlasts them."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    scheduled = time.monotonic() + offset
    while time.monotonic() < stop_at:
        if interval is not None:
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            start, scheduled = scheduled, scheduled + interval
        else:
            start = time.monotonic()
        writer.write(requests[i] if i < len(requests) else make(port, token, i))
        i += 1
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        await reader.readexactly(length)
        end = time.monotonic()
        if start >= record_from:
            latencies.append(end - start)
            statuses[status] = statuses.get(status, 0) + 1
        if re.search(rb"(?i)connection: *close", head):
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()


MAX_RPS = 5000  # more than this machine serves of either endpoint: requests built ahead per phase


def build_requests(port: int, tokens: list[str], make, seconds: float, rate: float | None = None) -> list[list[bytes]]:
    """Each client's requests for a phase, built before it starts: the load generator shares the server's two
    cores, and building a submission (a UUID, a time, JSON) costs it more than a GET; built during the phase, that
    would take more CPU from the server under test for one endpoint than for the other."""
    per_client = int((rate or MAX_RPS) * seconds / len(tokens)) + 1
    return [[make(port, token, i) for i in range(per_client)] for token in tokens]


async def drive(port: int, tokens: list[str], make, seconds: float, warmup: float, rate: float | None = None,
                requests: list[list[bytes]] | None = None) -> dict:
    """Run len(tokens) clients for warmup + seconds (sending `requests`, one list per client, built beforehand
    with build_requests); throughput and latency of the measured part."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    begin = time.monotonic()
    record_from, stop_at = begin + warmup, begin + warmup + seconds
    n_clients = len(tokens)
    interval = n_clients / rate if rate else None
    requests = requests or [[] for _ in tokens]
    await asyncio.gather(*(client(port, requests[i], make, tokens[i], stop_at, record_from, latencies, statuses,
                                  interval, (interval or 0) * i / n_clients) for i in range(n_clients)))
    latencies.sort()
    n = len(latencies)
    return {"requests": n, "rps": n / seconds, "clients": n_clients, "p50_ms": latencies[n // 2] * 1000 if n else 0,
            "p99_ms": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0, "statuses": statuses,
            "seconds": seconds, "warmup": warmup}


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) of gunicorn's master and workers so far; 0 where /proc is not available."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == master or ppid == master:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def measured(master: int, run) -> dict:
    """Run one phase and add the CPU milliseconds per request spent by the server and by this client."""
    import resource

    server_before, client_before = server_cpu_seconds(master), resource.getrusage(resource.RUSAGE_SELF)
    result = run()
    client_after = resource.getrusage(resource.RUSAGE_SELF)
    n = max(1, result["requests"])
    # The phase includes its warm-up: spread the CPU over every request sent, not only the measured ones.
    sent = n * (1 + result["warmup"] / result["seconds"])
    result["server_cpu_ms"] = (server_cpu_seconds(master) - server_before) * 1000 / sent
    result["client_cpu_ms"] = ((client_after.ru_utime + client_after.ru_stime) -
                               (client_before.ru_utime + client_before.ru_stime)) * 1000 / sent
    return result


def kiosk_bytes(port: int, token: str) -> dict[str, int]:
    """Bytes of the kiosk page and the CSS/JS it loads, as an enrolled kiosk receives them."""
    def get(path: str) -> bytes:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"kiosk_device={token}"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.read()

    html = get("/kiosk/")
    sizes = {"/kiosk/ (HTML)": len(html)}
    for path in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        sizes[path.decode().split("?")[0]] = len(get(path.decode()))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measured time per endpoint and round")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of trivial, minimal write and submit, in "
                        "alternating order (median of the per-round ratios reported)")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--database-url", default="", help="an empty database; default: a fresh SQLite file")
    parser.add_argument("--postgres", action="store_true",
                        help="create (and drop afterwards) a scratch database on PostgreSQL at 127.0.0.1:5432")
    parser.add_argument("--rate", type=float, default=TARGETS["rps"], help="paced submissions per second")
    parser.add_argument("--no-rate-limits", action="store_true", help="measure without Flask-Limiter")
    parser.add_argument("--redis-url", default="", help="rate-limit storage shared by the workers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-submit-") as tmp, ExitStack() as stack:
        url = args.database_url or (stack.enter_context(scratch_postgres("bench_submit")) if args.postgres
                                    else f"sqlite:///{Path(tmp) / 'bench.db'}")
        print(f"Preparing {url.split('@')[-1]} …", flush=True)
        tokens = prepare(url, args.clients)
        port = free_port()
        server = start_server(url, port, args.workers, args.threads, not args.no_rate_limits, args.redis_url)
        try:
            print(f"gunicorn gthread {args.workers}×{args.threads} on 127.0.0.1:{port}; {args.clients} clients, "
                  f"{args.rounds} rounds of {args.seconds:.0f} s per endpoint after {args.warmup:.0f} s warm-up",
                  flush=True)
            def phase(make, rate=None):
                requests = build_requests(port, tokens, make, args.seconds + args.warmup, rate)
                return measured(server.pid, lambda: asyncio.run(
                    drive(port, tokens, make, args.seconds, args.warmup, rate, requests)))

            # A fresh server is slow for its first seconds (threads, connections, caches): warm both endpoints first.
            for make in (trivial_request, write_request, submit_request):
                asyncio.run(drive(port, tokens, make, 1.0, 2 * args.warmup))
            rounds = []
            for number in range(1, args.rounds + 1):
                makes = (trivial_request, write_request, submit_request)
                measured_round = {make: phase(make) for make in (makes if number % 2 else makes[::-1])}
                rounds.append(tuple(measured_round[make] for make in makes))
                t, w, u = rounds[-1]
                print(f"  round {number}: trivial {t['rps']:.0f}, minimal write {w['rps']:.0f}, submit {u['rps']:.0f} "
                      f"req/s (submit/trivial {u['rps'] / t['rps']:.1%}; server CPU {t['server_cpu_ms']:.2f} / "
                      f"{w['server_cpu_ms']:.2f} / {u['server_cpu_ms']:.2f} ms per request)", flush=True)
            trivial, write, submit = (median_round([r[i] for r in rounds]) for i in range(3))
            ratios = sorted(u["rps"] / t["rps"] for t, _, u in rounds if t["rps"])
            write_ratios = sorted(w["rps"] / t["rps"] for t, w, _ in rounds if t["rps"])
            paced = phase(submit_request, args.rate)
            paced["rate"] = args.rate
            sizes = kiosk_bytes(port, tokens[0])
        finally:
            stop_server(server)
    report(trivial, write, submit, paced, sizes, url, ratios, write_ratios)


def _quartiles(values: list[float]) -> str:
    """The first and third quartiles of sorted ratios, as percentages."""
    n = len(values)
    return f"{values[n // 4]:.1%}–{values[(3 * n) // 4]:.1%}" if n else "n/a"


def median_round(results: list[dict]) -> dict:
    """The round with the median throughput (its latencies and CPU figures come with it)."""
    return sorted(results, key=lambda r: r["rps"])[len(results) // 2]


def report(trivial: dict, write: dict, submit: dict, paced: dict, sizes: dict[str, int], url: str,
           ratios: list[float], write_ratios: list[float]) -> None:
    ratio = ratios[len(ratios) // 2] if ratios else 0.0
    kiosk_kb = sum(sizes.values()) / 1024
    ok = lambda good: "ok" if good else "MISSED"  # noqa: E731
    print(f"\n{'endpoint':<28}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'srv cpu':>9}{'cli cpu':>9}  statuses")
    for name, r in (("GET trivial (saturated)", trivial), ("POST minimal write (sat.)", write),
                    ("POST responses (saturated)", submit),
                    (f"POST responses at {paced['rate']:.0f}/s", paced)):
        print(f"{name:<28}{r['rps']:>10.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['server_cpu_ms']:>8.2f}m"
              f"{r['client_cpu_ms']:>8.2f}m  {r['statuses']}")
    print("(saturated: each client sends back to back, so latency = clients ÷ throughput; paced: the clients share "
          "the target rate and latency counts from each request's scheduled time; srv/cli cpu: CPU ms per request "
          "in gunicorn and in this load generator, which share the machine)")
    cpu_ratio = trivial["server_cpu_ms"] / submit["server_cpu_ms"] if submit["server_cpu_ms"] else 0.0
    print(f"server CPU per request, trivial ÷ submit: {cpu_ratio:.1%} (the ratio a machine of its own would show)")
    cores = os.cpu_count() or 1
    for name, r in (("trivial", trivial), ("submit", submit)):
        capacity = cores * 1000 / (r["server_cpu_ms"] + r["client_cpu_ms"]) if r["server_cpu_ms"] else 0
        print(f"CPU-bound capacity of {cores} cores, {name}: {capacity:.0f} req/s (server + load generator CPU)")
    print(f"\nratio submit/trivial   {ratio:6.1%}   target ≥ {TARGETS['ratio']:.0%}   {ok(ratio >= TARGETS['ratio'])}"
          f"   (median of {len(ratios)} rounds; quartiles {_quartiles(ratios)})")
    print(f"  (for scale: the minimal write reaches {write_ratios[len(write_ratios) // 2]:.1%} of the trivial "
          f"endpoint, quartiles {_quartiles(write_ratios)})")
    print(f"submissions per second {submit['rps']:6.0f}   target ≥ {TARGETS['rps']:.0f}"
          f"{' (SQLite)' if url.startswith('sqlite') else ''}   {ok(submit['rps'] >= TARGETS['rps'])}")
    print(f"submit p99, 32 clients at {paced['rate']:.0f}/s {paced['p99_ms']:6.1f} ms target ≤ "
          f"{TARGETS['p99_ms']:.0f} ms   {ok(paced['p99_ms'] <= TARGETS['p99_ms'])}")
    print(f"submit p99, 32 clients back to back: {submit['p99_ms']:.1f} ms (at saturation a closed loop waits "
          f"clients ÷ throughput = {1000 * submit['clients'] / max(submit['rps'], 1):.1f} ms on average)")
    print(f"\nkiosk page transferred: {kiosk_kb:.1f} KB (HTML+CSS+JS)   target ≤ {TARGETS['kiosk_kb']:.0f} KB"
          f"   {ok(kiosk_kb <= TARGETS['kiosk_kb'])}")
    for path, size in sizes.items():
        print(f"  {path:<40}{size / 1024:>7.1f} KB")
    stored_ok = all(r["statuses"].get(201, 0) == r["requests"] for r in (submit, paced))
    print(f"\nevery measured submission answered 201: {'yes' if stored_ok else 'NO'}")


if __name__ == "__main__":
    main()

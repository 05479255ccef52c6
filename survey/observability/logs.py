"""Logging configured once per process: JSON lines in production, readable lines in development, a request id in each.

Every line written while a request is handled carries that request's id (`X-Request-ID` from the proxy when it is
well-formed, else a new one), and the response returns it; work done for a request in another thread (the group
commit's leader writing other requests' responses) names their ids itself (`extra={"request_ids": [...]}`).
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import Flask, g, got_request_exception, request

log = logging.getLogger("survey.requests")
request_id: ContextVar[str] = ContextVar("request_id", default="-")
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")  # what a proxy or load balancer sends; no spaces
HEADER = "X-Request-ID"
# LogRecord's own attributes; anything else on a record came from `extra=` and goes into the JSON line.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


def current_request_id() -> str:
    """The id of the request this thread is handling ("-" outside a request)."""
    return request_id.get()


def _install_record_factory() -> None:
    """Every record made in this process gets the current request id (whichever handlers see it: ours, pytest's,
    one an operator configured)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    make_record.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", "-")}
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            line["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            line["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["traceback"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)-7s [%(request_id)s] %(name)s: %(message)s"


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it), never to a stream closed since."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(app: Flask) -> logging.Handler:
    """Install the one stderr handler on the root logger (again for a second app: replaced, not added)."""
    _install_record_factory()
    json_lines = _wants_json(app)
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
    root.setLevel(level)
    handler.setLevel(level)
    # Flask adds its own stderr handler to app.logger when none is configured: the root's handler is the only one.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    return handler


def _wants_json(app: Flask) -> bool:
    """SURVEY_LOG_FORMAT=json|text decides; otherwise JSON in production (SURVEY_PRODUCTION), text in development."""
    chosen = str(app.config.get("LOG_FORMAT") or "").lower()
    if chosen in ("json", "text"):
        return chosen == "json"
    return bool(app.config.get("PRODUCTION") or app.config.get("ENV_PRODUCTION") or os.environ.get("SURVEY_PRODUCTION"))


def init_request_ids(app: Flask) -> None:
    """Give every request an id (the caller's if well-formed), log lines carry it, the response returns it; a 5xx
    answered by an error handler is logged here with its traceback (Flask logs the unhandled ones itself)."""
    app.before_request(_start)
    app.after_request(_finish)
    app.teardown_request(_forget)
    got_request_exception.connect(_unhandled, app)
    original = app.handle_user_exception

    def handle_user_exception(exc):
        answer = original(exc)  # raises again when no handler takes it: handle_exception logs it then
        g.handled_exception = exc
        return answer

    app.handle_user_exception = handle_user_exception  # type: ignore[method-assign]


def _start() -> None:
    given = request.headers.get(HEADER, "")
    rid = given if given and WELL_FORMED.fullmatch(given) else os.urandom(8).hex()
    g.request_id = rid
    g.request_id_token = request_id.set(rid)


def _finish(response):
    rid = g.get("request_id")
    if rid is None:  # an earlier before_request hook answered first
        _start()
        rid = g.request_id
    response.headers[HEADER] = rid
    if response.status_code >= 500 and not g.get("unhandled_exception"):
        _log_server_error(response.status_code, g.pop("handled_exception", None))
    return response


QUIET_ENDPOINTS = frozenset({"health.ready"})  # a probe's 503 says what failed in its body, every few seconds


def _log_server_error(status: int, exc: BaseException | None) -> None:
    """One line for a 5xx that an error handler answered, with the traceback of the exception behind it."""
    if exc is not None:
        log.error("HTTP %d on %s %s", status, request.method, request.path, extra={"status": status},
                  exc_info=(type(exc), exc, exc.__traceback__))
    elif request.endpoint not in QUIET_ENDPOINTS:
        log.warning("HTTP %d on %s %s", status, request.method, request.path, extra={"status": status})


def _unhandled(_sender, exception: BaseException, **_extra) -> None:
    """Flask logs an unhandled exception with its traceback (log_exception): not a second time here."""
    g.unhandled_exception = True


def _forget(_exc=None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context (a streamed response's generator): leave it
            request_id.set("-")

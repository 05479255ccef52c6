"""gunicorn settings for a province's server: `gunicorn -c /etc/survey/gunicorn.conf.py survey.wsgi:app`."""
import multiprocessing
import os

# nginx on the same host forwards to this address (deploy/nginx/survey.conf); never expose it directly.
bind = os.environ.get("SURVEY_BIND", "127.0.0.1:8000")
# One worker a core, sixteen threads each (as scripts/run): requests mostly wait (phones uploading slowly, kiosk
# submissions waiting for their group commit), and the more submissions wait together, the more share a commit.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
threads = 16
worker_class = "gthread"
# PDF reports of a whole province take tens of seconds; nginx's proxy_read_timeout is the same.
timeout = 120
graceful_timeout = 30
keepalive = 5
accesslog = "-"  # to journald through the service's stdout
errorlog = "-"
# The app reads X-Forwarded-* itself (SURVEY_TRUSTED_PROXIES=1); gunicorn believes them from nginx only.
forwarded_allow_ips = "127.0.0.1,::1"

# Prometheus (SURVEY_METRICS=1): each worker writes its metrics to PROMETHEUS_MULTIPROC_DIR (set by the unit) and
# /metrics adds them up; these hooks empty it at start and drop a dead worker's live gauges.
from survey.observability.metrics import child_exit, on_starting  # noqa: E402,F401

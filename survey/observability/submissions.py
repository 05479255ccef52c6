"""What the group commit reports after each transaction: one log line naming the requests it wrote, and metrics."""
from __future__ import annotations

import logging
from collections import Counter

from survey.observability import metrics

log = logging.getLogger("survey.group_commit")


def batch_written(batch: list) -> None:
    """Log and count a written batch of `group_commit.Submission`s (each with its outcome); never raises, since
    the responses are committed already and their requests must still be answered."""
    try:
        created = already = 0
        refused: Counter[str] = Counter()
        for submission in batch:
            outcome = submission.outcome
            if isinstance(outcome, BaseException):
                refused[getattr(outcome, "code", type(outcome).__name__)] += 1
            elif outcome is not None:
                created, already = created + outcome.created, already + (not outcome.created)
        metrics.observe_batch(created, already, dict(refused), len(batch))
        if log.isEnabledFor(logging.INFO):
            log.info("group commit wrote %d submissions", len(batch),
                     extra={"request_ids": [s.request_id for s in batch], "batch_size": len(batch),
                            "stored_new": created, "already_stored": already, "refused": dict(refused)})
    except Exception:  # noqa: BLE001 - reporting must not fail a committed batch
        log.exception("reporting a group commit failed")


def lone_written(created: bool) -> None:
    """A kiosk submission written on its request's own session (no group commit): counted as a batch of one."""
    metrics.observe_batch(int(created), int(not created), {}, 1)

"""A backup taken while kiosks keep submitting is one snapshot: it restores into an empty database of the other kind,
and every restored table equals the source as it stood at one moment (each response whole, with its answers)."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta, timezone

from survey.extensions import db
from survey.services.access.devices import authenticate_kiosk
from survey.services.access.secrets import digest
from survey.services.indices.tallies import rebuild_tallies
from survey.services.operations import backup
from survey.services.responses.group_commit import record_kiosk_response
from tests.services.backup_support import other_kind, snapshot

DURING = 12  # submissions that must complete inside the backup, between two of its table reads
GUARD = 120  # seconds: only a hang guard, never a timing assertion
SEEN = {"devices": {"last_seen_at", "queue_length"}}  # written by every submission, so not part of the comparison
TALLIES = ("answer_tallies", "score_tallies")
CHILDREN = ("answers", "comments", "contacts")


def payload(n: int) -> dict:
    now = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)
    return {"id": str(uuid.uuid4()), "instrument": "KIOSK-QUICK", "submitted_at": now.isoformat(),
            "answers": {"Q": n % 2 + 1, "R": [n % 4 + 1], "COMMENT": f"Góp ý {n}: chờ lâu"}}


class Submitters:
    """Threads that keep sending kiosk responses through the real submission path until stopped."""

    def __init__(self, app, kiosk, threads: int = 4):
        self.app, self.kiosk, self.done, self.errors = app, kiosk, 0, []
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]

    def _run(self, start: int) -> None:
        with self.app.app_context():
            n = start
            while not self.stop.is_set():
                try:
                    record_kiosk_response(payload(n), *self.kiosk)
                except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                    self.errors.append(exc)
                    return
                finally:
                    db.session.remove()
                with self.changed:
                    self.done += 1
                    self.changed.notify_all()
                n += len(self.threads)

    def wait_for(self, total: int) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: self.done >= total or self.errors, timeout=GUARD), self.errors
        assert not self.errors, self.errors

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(GUARD)


def test_a_backup_under_submissions_restores_into_the_other_kind_and_equals_one_moment(
        app, tmp_path, make_device, empty_database):
    _device, token = make_device()
    kiosk = (authenticate_kiosk(token), digest(token))
    path = tmp_path / "live.zip"
    window: dict[str, int] = {}
    with Submitters(app, kiosk) as load:
        load.wait_for(20)  # some responses before the backup
        window["before"] = load.done

        def between_tables(table: str, _rows: int) -> None:
            # Once the responses are read and before their answers are, let submissions land: a backup reading
            # each table on its own would then hold answers whose response it does not have.
            if table == "responses":
                window["paused"] = load.done
                load.wait_for(load.done + DURING)
                window["resumed"] = load.done

        with path.open("wb") as out:
            counts = backup.dump(out, between_tables)
        window["after"] = load.done
    assert not load.errors, load.errors
    assert window["resumed"] - window["paused"] >= DURING  # submissions committed inside the backup's window

    db.session.rollback()
    source = snapshot(SEEN)
    total = len(source["responses"])
    assert total >= window["after"] and counts["responses"] < total

    target = empty_database(other_kind(app))
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 0, result.output
        assert f"  answers: {counts['answers']} rows" in result.output  # progress per table
        restored = snapshot(SEEN)
        entry = restored["audit_log"].pop()  # the restore's own entry
        assert entry[2].startswith("cli:") and entry[3] == "restore"
        kept = {r[0] for r in restored["responses"]}
        recounted = _tallies_now(restored)
        db.session.remove()

    # At least every response completed before the backup started is in it; not those completed inside it.
    assert len(kept) == counts["responses"] >= window["before"]
    # Each restored response is whole: exactly its answers, comments and contacts, as the source holds them.
    source_responses = [r for r in source.pop("responses") if r[0] in kept]
    assert restored.pop("responses") == source_responses
    for name in CHILDREN:
        response_at = _response_column(name)
        assert restored.pop(name) == [r for r in source.pop(name) if r[response_at] in kept], name
    # The tallies are those of the restored responses (recounted there), not of the source's later state.
    for name in TALLIES:
        assert _rounded(restored.pop(name)) == recounted[name], name
        source.pop(name)
    assert restored == source  # every other table, row for row


def _response_column(table: str) -> int:
    """The position of `response_id` among a table's columns."""
    return [c.name for c in next(t for t in backup.tables() if t.name == table).columns].index("response_id")


def _rounded(rows: list[tuple]) -> list[tuple]:
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows]


def _tallies_now(restored: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The tallies recounted from the restored responses (then rolled back)."""
    rebuild_tallies()
    db.session.flush()
    recounted = {name: _rounded(snapshot()[name]) for name in TALLIES}
    db.session.rollback()
    return recounted

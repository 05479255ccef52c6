"""What a kind of job is, what its work is given, and what it hands back."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from survey.errors import DomainError
from survey.services.access.scope import Scope
from survey.services.jobs import store


@dataclass
class Context:
    """What a kind's work gets: its scope and parameters, where to write, and a way to report progress."""

    job_id: int
    scope: Scope
    params: dict
    lang: str
    folder: Path
    stem: str
    actor: str = ""  # who asked, for audit entries a kind records in its own transaction
    _last: int = field(default=-1)
    _steps: list[int] = field(default_factory=list)

    def progress(self, pct: float, locked: bool = False) -> None:
        """Report progress 0–100 (written only when the whole percent changes, with every value so far); `locked`:
        the work holds SQLite's write lock, so the value goes to a file beside the results (store.beat_aside)."""
        value = max(0, min(99, int(pct)))  # 100 is written with the result, not before
        if value != self._last:
            self._last = value
            self._steps.append(value)
            if locked:
                store.beat_aside(self.stem, value, list(self._steps))
            else:
                store.beat(self.job_id, value, list(self._steps))

    def path(self, suffix: str) -> Path:
        """The result file of this job."""
        return self.folder / f"{self.stem}{suffix}"


@dataclass(frozen=True)
class Result:
    """A finished job's file (name inside the results folder), its download name and figures for the audit log."""

    file: str
    name: str
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    """A kind of job: check the request now (scope, fields), run it later, audit it as (action, object param or
    detail); None when the work writes data and records its audit entry in the same transaction itself."""

    check: Callable[[Scope, Mapping[str, str]], dict]
    run: Callable[[Context], Result]
    audit: tuple[str, str] | None


class JobFailed(DomainError):
    """The work ended without doing what was asked, but left a file that says why (an import's row report)."""

    status = 422

    def __init__(self, code: str, message: str, file: str, name: str, **params: object) -> None:
        super().__init__(code, message, **params)
        self.file, self.name = file, name

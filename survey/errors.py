"""Domain errors with a stable code, raised by services and the core, turned into HTTP/CLI errors at the edge."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; `code` is stable, `params` name the offending values."""

    status = 400

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params

    def to_dict(self) -> dict:
        """The error as the JSON shape used by the API: code, message and params."""
        return {"code": self.code, "message": self.message, **({"params": self.params} if self.params else {})}


class NotFound(DomainError):
    """The named object does not exist (or is outside the caller's scope)."""

    status = 404


class Forbidden(DomainError):
    """The caller may not do this."""

    status = 403


class Conflict(DomainError):
    """The request conflicts with stored state (e.g. same id, different content; immutable version)."""

    status = 409


class Invalid(DomainError):
    """Input failed validation; `errors` is a list of {field, code, message}."""

    status = 422

    def __init__(self, errors: list[dict], message: str = "Invalid input") -> None:
        super().__init__("invalid", message)
        self.errors = errors

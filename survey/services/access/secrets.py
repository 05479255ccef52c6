"""Secrets for devices and API tokens: random, shown once, stored as sha256."""
from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    """A URL-safe random secret with a readable prefix (e.g. "dev_…", "tok_…")."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    """sha256 hex of a secret; high-entropy tokens need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()

"""Static asset URLs carrying a content hash, so kiosks (and their service worker) pick up a new release."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, url_for


@lru_cache(maxsize=64)
def _fingerprint(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """/static/<filename>?v=<hash of its content>."""
    path = Path(current_app.static_folder) / filename
    return url_for("static", filename=filename, v=_fingerprint(str(path), path.stat().st_mtime_ns))

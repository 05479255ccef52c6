"""Strict decoding of API request bodies: UTF-8 only (RFC 8259), no duplicate keys at any level."""
from __future__ import annotations

import json

from survey.errors import Invalid


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are all different (json.loads would keep the last silently)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return obj


def decode(raw: bytes) -> object:
    """The JSON document of a body; Invalid (422) naming the encoding, the duplicated key or the syntax error."""
    # NUL bytes never occur in JSON text but fill UTF-16/32 text that is mostly ASCII.
    if b"\x00" in raw or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_utf8()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8() from None
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except _DuplicateKey as exc:
        raise Invalid([{"field": exc.key, "code": "duplicate_key",
                        "message": f"the key {exc.key!r} appears more than once in one object"}],
                      "The body has a duplicate key") from None
    except (ValueError, RecursionError):  # bad JSON, or nesting deep enough to blow the stack
        raise Invalid([{"field": "body", "code": "bad_json", "message": "the body is not valid UTF-8 JSON"}],
                      "The body is not valid JSON") from None


def _not_utf8() -> Invalid:
    return Invalid([{"field": "body", "code": "not_utf8",
                     "message": "the body must be JSON encoded as UTF-8 (UTF-16 and other encodings are refused)"}],
                   "The body is not UTF-8")

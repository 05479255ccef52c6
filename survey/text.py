"""Vietnamese text helpers: NFC normalisation and accent-folded keys for search."""
from __future__ import annotations

import unicodedata


def nfc(text: str | None) -> str | None:
    """Text in Unicode NFC, stripped; None stays None."""
    return None if text is None else unicodedata.normalize("NFC", text).strip()


def fold(text: str) -> str:
    """Lower-case, accent-free form: "Hạ Long" → "ha long", "Đắk" → "dak"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(bare.lower().split())

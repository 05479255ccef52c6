"""Liberation Serif 2.1 (shipped in survey/reports/fonts/, licence LICENSE_LIBERATION), registered once with
reportlab: a Times New Roman substitute with the same metrics, as Decree 30/2020/NĐ-CP expects of an
administrative document, covering all 146 Vietnamese letters. The files come from Debian's fonts-liberation2."""
from __future__ import annotations

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "LiberationSerif"
BOLD = "LiberationSerif-Bold"
OBLIQUE = "LiberationSerif-Italic"
BOLD_OBLIQUE = "LiberationSerif-BoldItalic"
FACES = (REGULAR, BOLD, OBLIQUE, BOLD_OBLIQUE)
_FILES = {REGULAR: "LiberationSerif-Regular.ttf", BOLD: "LiberationSerif-Bold.ttf",
          OBLIQUE: "LiberationSerif-Italic.ttf", BOLD_OBLIQUE: "LiberationSerif-BoldItalic.ttf"}

_lock = threading.Lock()
_registered = False


def font_dir() -> Path:
    """The folder holding the TTFs (package data, no download at run time)."""
    return Path(__file__).resolve().parent / "fonts"


def register_fonts() -> None:
    """Register the four Liberation Serif faces and their family mapping; later calls do nothing."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = font_dir()
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        # The family mapping lets <b>/<i> inside Paragraph markup pick the right face.
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD_OBLIQUE)
        _registered = True


def vietnamese_letters() -> str:
    """The 146 Vietnamese letters: 12 vowels × 6 tones × 2 cases, plus Đ and đ, all NFC."""
    import unicodedata

    tones = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    vowels = "aăâeêioôơuưy"
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels + vowels.upper() for t in tones]
    return "".join(letters) + "Đđ"


def missing_glyphs(text: str, font_name: str = REGULAR) -> str:
    """The characters of `text` that the registered font `font_name` cannot draw (empty when all are covered)."""
    register_fonts()
    face = pdfmetrics.getFont(font_name).face
    return "".join(ch for ch in dict.fromkeys(text) if ord(ch) not in face.charToGlyph)

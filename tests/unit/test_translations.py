"""Every interface string has a Vietnamese translation (the default language)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_has_a_vietnamese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), str(ROOT)], check=True, cwd=ROOT)
    with open(pot, "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with open(ROOT / "survey/translations/vi/LC_MESSAGES/messages.po", "rb") as f:
        vi = {m.id: m.string for m in read_po(f, locale="vi") if m.id}
    missing = sorted(str(m) for m in wanted if not vi.get(m))
    assert missing == [], f"{len(missing)} messages lack a Vietnamese translation: {missing[:20]}"

"""Templates that others import macros from extend nothing: importing one that extends base.html renders the whole
page at import time, outside the request's context, where `nav_links()` is undefined and the page fails."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
IMPORT = re.compile(r"{%-?\s*(?:from|import)\s+[\"']([^\"']+)[\"']")
EXTENDS = re.compile(r"{%-?\s*extends\b")


def test_imported_templates_extend_nothing():
    imported = {name for path in TEMPLATES.rglob("*.html") for name in IMPORT.findall(path.read_text("utf-8"))}
    assert imported, "no template imports macros: the pattern no longer matches the templates"
    extending = sorted(name for name in imported if EXTENDS.search((TEMPLATES / name).read_text("utf-8")))
    assert not extending, f"macros imported from templates that extend a layout: {extending}"

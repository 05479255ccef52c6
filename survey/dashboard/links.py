"""Links from a dashboard page to its PDF and exports, offered only when the reports area provides them."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

# (endpoint, label, format): the reports helper's download routes, tried in order; missing ones are not shown.
PROVINCE = (
    ("reports.province_pdf", _l("PDF report"), "pdf"),
    ("reports.indices_export", _l("Table (CSV)"), "csv"),
    ("reports.indices_export", _l("Table (Excel)"), "xlsx"),
)
UNIT = (
    ("reports.unit_pdf", _l("PDF summary"), "pdf"),
    ("reports.indices_export", _l("Table (CSV)"), "csv"),
    ("reports.indices_export", _l("Table (Excel)"), "xlsx"),
)


@dataclass(frozen=True)
class Download:
    """One download link."""

    href: str
    label: str
    format: str


def downloads(candidates: tuple[tuple[str, object, str], ...], **args: object) -> list[Download]:
    """The links whose endpoint exists and accepts these arguments (others are hidden, never broken)."""
    out = []
    for endpoint, label, fmt in candidates:
        if endpoint not in current_app.view_functions:
            continue
        try:
            href = url_for(endpoint, format=fmt, **{k: v for k, v in args.items() if v is not None})
        except BuildError:
            continue
        out.append(Download(href, str(label), fmt))
    return out

"""Links from a dashboard page to its PDF and exports: offered when the reports area provides the route and the
caller's role may use it (never a link that would answer 403 or 404)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from survey.services.access.scope import Scope, can

# (endpoint, label, fixed arguments, action the caller needs)
PROVINCE = (
    ("reports.province_pdf", _l("PDF report"), {}, "reports.download"),
    ("reports.indices_export", _l("Communes (CSV)"), {"format": "csv", "by": "commune"}, "results.export"),
    ("reports.indices_export", _l("Communes (Excel)"), {"format": "xlsx", "by": "commune"}, "results.export"),
    ("reports.indices_export", _l("Departments (Excel)"), {"format": "xlsx", "by": "agency"}, "results.export"),
)
NATIONAL = (
    ("reports.national_pdf", _l("PDF report"), {}, "reports.download"),
    ("reports.indices_export", _l("Provinces (CSV)"), {"format": "csv", "by": "province"}, "results.export"),
    ("reports.indices_export", _l("Provinces (Excel)"), {"format": "xlsx", "by": "province"}, "results.export"),
)
UNIT = (
    ("reports.unit_pdf", _l("PDF summary"), {}, "reports.download"),
    ("reports.indices_export", _l("Table (CSV)"), {"format": "csv"}, "results.export"),
    ("reports.indices_export", _l("Table (Excel)"), {"format": "xlsx"}, "results.export"),
)


@dataclass(frozen=True)
class Download:
    """One download link."""

    href: str
    label: str
    format: str


def downloads(scope: Scope, candidates: tuple[tuple[str, object, dict, str], ...], **args: object) -> list[Download]:
    """The links whose endpoint exists and whose action the caller's role allows."""
    out = []
    for endpoint, label, fixed, action in candidates:
        if endpoint not in current_app.view_functions or not can(scope, action):
            continue
        try:
            href = url_for(endpoint, **{k: v for k, v in {**args, **fixed}.items() if v is not None})
        except BuildError:
            continue
        out.append(Download(href, str(label), fixed.get("format", "pdf")))
    return out

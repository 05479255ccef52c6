"""SIPAS-1001 v2 figures beside the index, shaped once for the dashboard and the PDF: each factor's general
question (its % satisfied beside the factor's) and the assessment block (the share at each level per item)."""
from __future__ import annotations

from survey.instruments.definition import Definition
from survey.instruments.types import REGISTRY
from survey.reports.data import AssessmentFigure, Bilingual


def general_figures(document: dict, row: dict) -> dict[str, tuple[str, float | None]]:
    """Component → (its general question's code, that question's % satisfied) for versions that have them."""
    out = {}
    for component, code in (document.get("general") or {}).items():
        figure = row.get("items", {}).get(code) or {}
        out[component] = (code, None if row.get("suppressed") else figure.get("pct"))
    return out


def assessment_figures(row: dict, definition: Definition) -> list[AssessmentFigure]:
    """The row's assessment block with the wording of each item and level, in definition order."""
    out = []
    for code, block in (row.get("assessment") or {}).items():
        try:
            item = definition.item(code)
        except KeyError:
            continue
        qtype = REGISTRY[item.type]
        english = dict(qtype.options(item, "en"))
        names = {str(level): Bilingual(vi, english.get(level, "")) for level, vi in qtype.options(item, "vi")}
        shares = tuple((level, names.get(level, Bilingual(level)), share) for level, share in block["shares"].items())
        out.append(AssessmentFigure(code, Bilingual(item.label("vi"), item.text.get("en", "")), block["n_valid"],
                                    shares, qtype.multiple))
    return out

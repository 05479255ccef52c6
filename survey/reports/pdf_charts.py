"""Vector charts drawn with reportlab.graphics shapes: fast, sharp, and in the same embedded font as the text."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from survey.reports.fmt import DASH, nfc, number
from survey.reports.fonts import BOLD, REGULAR
from survey.reports.layout import ACCENT, INK, MUTED, RULE

BAR = colors.HexColor("#2e75b6")
REFERENCE = colors.HexColor("#c00000")
ROW = 22.0
LABEL_SIZE = 7.5


def _drawing(width: float, height: float) -> Drawing:
    """A Drawing whose initial font is the report face: the default would pull Helvetica into the PDF."""
    drawing = Drawing(width, height)
    drawing.initialFontName = REGULAR
    return drawing


def _axis(drawing: Drawing, x0: float, width: float, bottom: float, top: float, lang: str) -> None:
    """Vertical grid lines at 0, 20 … 100 percent with their values underneath."""
    for tick in range(0, 101, 20):
        x = x0 + width * tick / 100
        drawing.add(Line(x, bottom, x, top, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(x, bottom - 9, number(tick, lang, 0), fontName=REGULAR, fontSize=6.5,
                           fillColor=MUTED, textAnchor="middle"))


def bar_chart(rows: Sequence[tuple[str, float | None, bool]], width: float, lang: str,
              reference: tuple[str, float] | None = None) -> Drawing:
    """Horizontal bars of percentages, one row per (label, pct, strong); None prints a dash; a strong row (an
    aspect over its factors) is drawn darker and bold; `reference` is a dashed vertical line (the overall index)."""
    label_width = width * 0.42
    x0, bar_width = label_width + 6, width - label_width - 36
    headroom = 12 if reference is not None else 0  # the reference line's caption sits above the bars
    top = ROW * len(rows) + 18
    drawing = _drawing(width, top + headroom)
    _axis(drawing, x0, bar_width, 12, top, lang)
    if reference is not None:
        name, value = reference
        x = x0 + bar_width * max(0.0, min(value, 100.0)) / 100
        drawing.add(Line(x, 12, x, top + 2, strokeColor=REFERENCE, strokeWidth=0.9, strokeDashArray=(3, 2)))
        drawing.add(String(x, top + 4, f"{nfc(name)}: {number(value, lang)}", fontName=BOLD, fontSize=6.5,
                           fillColor=REFERENCE, textAnchor="end" if value > 60 else "start"))
    for i, (label, pct, strong) in enumerate(rows):
        y = top - ROW * (i + 1)
        face = BOLD if strong else REGULAR
        lines = simpleSplit(nfc(label), face, LABEL_SIZE, label_width)[:2]
        for j, line in enumerate(lines):
            offset = (len(lines) - 1) * 4.5 - j * 9
            drawing.add(String(label_width, y + ROW / 2 - 2.5 + offset, line, fontName=face,
                               fontSize=LABEL_SIZE, fillColor=INK, textAnchor="end"))
        if pct is None:
            drawing.add(String(x0 + 3, y + ROW / 2 - 2.5, DASH, fontName=BOLD, fontSize=8, fillColor=MUTED))
            continue
        length = bar_width * max(0.0, min(pct, 100.0)) / 100
        drawing.add(Rect(x0, y + 4, length, ROW - 8, fillColor=ACCENT if strong else BAR, strokeColor=None))
        value = number(pct, lang)
        # a white backing keeps the figure legible where the reference line crosses it
        drawing.add(Rect(x0 + length + 2, y + 5, stringWidth(value, BOLD, 7.5) + 2, ROW - 10,
                         fillColor=colors.white, strokeColor=None))
        drawing.add(String(x0 + length + 3, y + ROW / 2 - 2.5, value, fontName=BOLD, fontSize=7.5, fillColor=INK))
    return drawing


def column_chart(points: Sequence[tuple[str, float | None]], width: float, lang: str, height: float = 120) -> Drawing:
    """Vertical bars of percentages over periods, value on top; a period without a figure prints a dash."""
    drawing = _drawing(width, height)
    base, plot = 14.0, height - 28
    for tick in range(0, 101, 25):
        y = base + plot * tick / 100
        drawing.add(Line(24, y, width, y, strokeColor=RULE, strokeWidth=0.4))
        drawing.add(String(20, y - 2.5, number(tick, lang, 0), fontName=REGULAR, fontSize=6.5, fillColor=MUTED,
                           textAnchor="end"))
    slot = (width - 24) / max(len(points), 1)
    for i, (period, value) in enumerate(points):
        centre = 24 + slot * (i + 0.5)
        drawing.add(String(centre, 2, nfc(period), fontName=REGULAR, fontSize=7, fillColor=INK, textAnchor="middle"))
        if value is None:
            drawing.add(String(centre, base + 3, DASH, fontName=BOLD, fontSize=8, fillColor=MUTED, textAnchor="middle"))
            continue
        bar_height = plot * max(0.0, min(value, 100.0)) / 100
        bar = min(slot * 0.55, 42)
        drawing.add(Rect(centre - bar / 2, base, bar, bar_height, fillColor=ACCENT, strokeColor=None))
        drawing.add(String(centre, base + bar_height + 3, number(value, lang), fontName=BOLD, fontSize=7.5,
                           fillColor=INK, textAnchor="middle"))
    return drawing

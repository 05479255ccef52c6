"""Page furniture of an official Vietnamese document: A4 margins, national heading, footer and 'Trang x/y'."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from survey.reports.fmt import nfc
from survey.reports.fonts import BOLD, OBLIQUE, REGULAR

# Decree 30/2020 margins: left 30–35 mm, right 15–20 mm, top and bottom 20–25 mm.
PAGE = A4
MARGINS = {"leftMargin": 3 * cm, "rightMargin": 2 * cm, "topMargin": 2 * cm, "bottomMargin": 2.2 * cm}
FRAME_PADDING = 6  # platypus Frame default, on each side
FRAME_WIDTH = PAGE[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"] - 2 * FRAME_PADDING
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
ACCENT = colors.HexColor("#1f4e79")
RULE = colors.HexColor("#b0b7c3")
ZEBRA = colors.HexColor("#f2f5f9")


def _style(name: str, **kw: Any) -> ParagraphStyle:
    # Liberation Serif sets smaller than a sans at one size: 11 pt reads as the old 9.5 pt DejaVu Sans did.
    base: dict[str, Any] = {"fontName": REGULAR, "fontSize": 11, "leading": 14, "textColor": INK}
    return ParagraphStyle(name, **{**base, **kw})


STYLES = {
    "body": _style("body"),
    "small": _style("small", fontSize=9, leading=11, textColor=MUTED),
    "doc_type": _style("doc_type", fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER, spaceBefore=16),
    "title": _style("title", fontName=BOLD, fontSize=11.5, leading=15, alignment=TA_CENTER),
    "unit": _style("unit", fontName=BOLD, fontSize=13, leading=17, alignment=TA_CENTER, spaceBefore=6,
                   textColor=ACCENT),
    "meta": _style("meta", alignment=TA_CENTER, textColor=MUTED, spaceAfter=8),
    "h2": _style("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=12, spaceAfter=5, textColor=ACCENT),
    "cell": _style("cell", fontSize=9, leading=11),
    "cell_bold": _style("cell_bold", fontName=BOLD, fontSize=9, leading=11),
    "head": _style("head", fontName=BOLD, fontSize=7.5, leading=9.5, alignment=TA_CENTER, textColor=colors.white),
    "quote": _style("quote", fontName=OBLIQUE, leftIndent=10, spaceAfter=4),
}


class NationalHeading(Flowable):
    """The two-column heading: issuer, its rule and the document number on the left; nation, motto and its rule,
    then place and date on the right (Decree 30/2020/NĐ-CP, appendix I)."""

    def __init__(self, nation: str, motto: str, dateline: str, issuer: str = "", number: str = "") -> None:
        super().__init__()
        self.nation, self.motto, self.dateline, self.issuer = nfc(nation), nfc(motto), nfc(dateline), nfc(issuer)
        self.number = nfc(number)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, 62

    def draw(self) -> None:
        c = self.canv
        right = self.width * 0.66  # centre of the right column, as in Decree 30's layout
        c.setFillColor(INK)
        c.setFont(BOLD, 11)
        c.drawCentredString(right, 50, self.nation)
        c.setFont(BOLD, 12)
        c.drawCentredString(right, 35, self.motto)
        half = stringWidth(self.motto, BOLD, 12) / 2
        c.setLineWidth(0.7)
        c.line(right - half, 29.5, right + half, 29.5)  # the rule is as long as the motto
        c.setFont(OBLIQUE, 11)
        c.drawCentredString(right, 10, self.dateline)
        if self.issuer:
            self._draw_issuer(c, self.width * 0.17, self.width * 0.34)
        if self.number:
            c.setFont(REGULAR, 11)
            c.drawCentredString(self.width * 0.17, 10, self.number)

    def _draw_issuer(self, c: Canvas, centre: float, room: float) -> None:
        """Decree 30: the parent body in regular capitals, the issuing body in bold beneath, then a short rule."""
        lines = [line.strip().upper() for line in self.issuer.split("\n") if line.strip()][-2:]
        fonts = [REGULAR] * (len(lines) - 1) + [BOLD]
        size = 11.0
        while size > 6.5 and max(stringWidth(t, f, size) for t, f in zip(lines, fonts)) > room:
            size -= 0.5  # long names shrink to stay clear of the national heading
        y = 50.0
        for text, font in zip(lines, fonts):
            c.setFont(font, size)
            c.drawCentredString(centre, y, text)
            y -= size + 3
        rule = stringWidth(lines[-1], BOLD, size) / 4  # a rule half as long as the issuer's name
        c.line(centre - rule, y + size - 5, centre + rule, y + size - 5)  # clear of the dots below Ộ, Ụ


def numbered_canvas(page_text: Callable[[int, int], str]) -> type[Canvas]:
    """A Canvas class that holds pages back until the end so each can print 'page x of y'."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Without this every page stream would name Helvetica, which cannot draw Vietnamese.
            kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(REGULAR, 7.5)
                self.setFillColor(MUTED)
                right = PAGE[0] - MARGINS["rightMargin"] - FRAME_PADDING
                self.drawRightString(right, 1.2 * cm, nfc(page_text(number, total)))
                super().showPage()
            super().save()

    return NumberedCanvas


def page_decorator(footer: str, running_head: str) -> Callable[[Canvas, Any], None]:
    """An onPage callback: a rule and `footer` at the bottom of every page, `running_head` atop pages 2+."""
    footer, running_head = nfc(footer), nfc(running_head)
    left, right = MARGINS["leftMargin"] + FRAME_PADDING, PAGE[0] - MARGINS["rightMargin"] - FRAME_PADDING

    def decorate(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(left, 1.6 * cm, right, 1.6 * cm)
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(left, 1.2 * cm, footer)
        if doc.page > 1:
            canvas.drawString(left, PAGE[1] - 1.3 * cm, running_head)
            canvas.line(left, PAGE[1] - 1.45 * cm, right, PAGE[1] - 1.45 * cm)
        canvas.restoreState()

    return decorate

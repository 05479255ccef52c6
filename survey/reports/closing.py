"""The administrative elements of a report (Decree 30/2020/NĐ-CP): number and place line, and the closing
block with the recipients (Nơi nhận) on the left and the signature block on the right."""
from __future__ import annotations

from collections.abc import Mapping

from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from survey.reports.data import Document
from survey.reports.fmt import markup
from survey.reports.layout import FRAME_WIDTH, _style
from survey.reports.fonts import BOLD, BOLD_OBLIQUE, REGULAR

SIGNING_SPACE = 56  # points left empty between the title and the name, for the signature and the seal
_RECIPIENTS = _style("recipients", fontName=BOLD_OBLIQUE, fontSize=11, leading=13)
_RECIPIENT = _style("recipient", fontName=REGULAR, fontSize=10, leading=12)
_TITLE = _style("signer_title", fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER)
_NAME = _style("signer_name", fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER)


def number_line(document: Document | None, labels: Mapping[str, str]) -> str:
    """"Số: 12/BC-SNV", or "Số:      /BC-SNV" for the office to write the number in by hand."""
    if document is None:
        return ""
    return labels["number"].format(number=document.number) if document.number else labels["number_blank"]


def dated(place: str, dateline: str, lang: str) -> str:
    """The place before the date: "Quảng Ninh, ngày 05 tháng 01 năm 2026" / "Quảng Ninh, 5 January 2026"."""
    if not place:
        return dateline
    return f"{place}, {dateline[:1].lower() + dateline[1:] if lang == 'vi' else dateline}"


def closing_block(document: Document | None, labels: Mapping[str, str]) -> list:
    """Recipients left, signer's title, an empty signing space and the name right, kept on one page."""
    if document is None:
        return []
    recipients = [Paragraph(markup(labels["recipients"]), _RECIPIENTS)]
    recipients += [Paragraph(f"- {markup(r.rstrip(';.'))};", _RECIPIENT) for r in document.recipients]
    recipients.append(Paragraph(f"- {markup(labels['archive'])}", _RECIPIENT))
    title = document.signer_title or labels["signer_default"]
    signer = [Paragraph(markup(line.upper()), _TITLE) for line in title.splitlines() if line.strip()]
    signer += [Spacer(1, SIGNING_SPACE), Paragraph(markup(document.signer_name), _NAME)]
    table = Table([[recipients, signer]], colWidths=[FRAME_WIDTH * 0.5, FRAME_WIDTH * 0.5])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), REGULAR, 10),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [KeepTogether([Spacer(1, 10), table])]


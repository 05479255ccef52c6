"""A village's questionnaire pack as PDF: one A4 page per questionnaire with its code, the QR code of its
personal link and the instructions, in Vietnamese, with an address block for the postal service."""
from __future__ import annotations

import io
import zipfile

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from survey.reports.fonts import BOLD, REGULAR, register_fonts

TITLE = "PHIẾU KHẢO SÁT Ý KIẾN NGƯỜI DÂN"
SUBTITLE = "về sự hài lòng đối với sự phục vụ của cơ quan hành chính nhà nước"
INTRO = "Ông/Bà được chọn ngẫu nhiên để cho ý kiến. Mỗi ý kiến đều quan trọng: xin Ông/Bà dành khoảng 15 phút."
INSTRUCTIONS = (
    "Trả lời trên điện thoại: quét mã QR bằng máy ảnh của điện thoại, hoặc gõ đường dẫn in bên cạnh mã QR.",
    "Hoặc trả lời trên giấy: điền phiếu giấy kèm theo, ghi mã phiếu ở góc trên, gửi lại qua bưu điện "
    "hoặc cán bộ thôn/tổ dân phố.",
    "Mỗi mã phiếu chỉ dùng được một lần. Không ghi họ tên: ý kiến của Ông/Bà được giữ bí mật và chỉ dùng để "
    "tổng hợp số liệu.",
    "Nếu người được chọn không có nhà, đã chuyển đi hoặc không muốn trả lời, xin ghi lý do lên phiếu và gửi lại: "
    "phiếu vẫn được tính.",
)


def _wrap(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width` (words kept whole)."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if canvas.stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def _chunks(canvas: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    """`text` cut into pieces no wider than `width`, character by character."""
    lines, line = [], ""
    for char in text:
        if canvas.stringWidth(line + char, font, size) > width and line:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def _qr(canvas: Canvas, link: str, x: float, y: float, size: float) -> None:
    """The QR code as vector squares (crisp at any print resolution), bottom-left corner at (x, y)."""
    code = segno.make(link, error="m")
    rows = [list(r) for r in code.matrix]
    cell = size / (len(rows) + 8)  # four modules of quiet zone on each side
    canvas.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                canvas.rect(x + (c + 4) * cell, y + size - (r + 5) * cell, cell, cell, stroke=0, fill=1)


def _page(canvas: Canvas, pack, number: int, code: str, link: str) -> None:
    width, height = A4
    left, right = 20 * mm, width - 20 * mm
    top = height - 20 * mm
    # Address block for the postal service (fits a C5/DL window envelope at the top left).
    canvas.setFont(BOLD, 10)
    canvas.drawString(left, top, "Kính gửi: Người được chọn khảo sát")
    canvas.setFont(REGULAR, 10)
    for n, line in enumerate((pack.village, f"{pack.commune}, {pack.province}",
                              f"Mã thôn/tổ: {pack.village_code} · Mã xã: {pack.commune_code}")):
        canvas.drawString(left, top - (n + 1) * 5 * mm, line)
    canvas.setFont(BOLD, 16)
    canvas.drawRightString(right, top, f"Mã phiếu: {code}")
    canvas.setFont(REGULAR, 9)
    canvas.drawRightString(right, top - 5 * mm, f"Đợt khảo sát {pack.campaign}")
    canvas.drawRightString(right, top - 10 * mm, f"Phiếu {number}/{len(pack.questionnaires)} của thôn/tổ")
    y = top - 32 * mm
    canvas.setFont(BOLD, 15)
    canvas.drawCentredString(width / 2, y, TITLE)
    canvas.setFont(REGULAR, 11)
    canvas.drawCentredString(width / 2, y - 6 * mm, SUBTITLE)
    size = 60 * mm
    qr_y = y - 12 * mm - size
    _qr(canvas, link, left, qr_y, size)
    text_x, text_w = left + size + 6 * mm, right - left - size - 6 * mm
    line_y = y - 22 * mm
    canvas.setFont(BOLD, 12)
    canvas.drawString(text_x, line_y, "Trả lời trên điện thoại")
    line_y -= 7 * mm
    for line in _wrap(canvas, "Quét mã QR bằng máy ảnh của điện thoại, hoặc mở đường dẫn:", REGULAR, 10, text_w):
        canvas.setFont(REGULAR, 10)
        canvas.drawString(text_x, line_y, line)
        line_y -= 5 * mm
    canvas.setFont(BOLD, 10)
    for line in _chunks(canvas, link, BOLD, 10, text_w):  # a link has no spaces to wrap at
        canvas.drawString(text_x, line_y, line)
        line_y -= 5 * mm
    line_y -= 3 * mm
    canvas.setFont(REGULAR, 10)
    canvas.drawString(text_x, line_y, f"Mã phiếu của Ông/Bà: {code}")
    line_y = qr_y - 8 * mm
    canvas.setFont(BOLD, 12)
    canvas.drawString(left, line_y, "Hướng dẫn trả lời")
    line_y -= 7 * mm
    for n, paragraph in enumerate((INTRO, *INSTRUCTIONS)):
        for line in _wrap(canvas, f"{n}. {paragraph}" if n else paragraph, REGULAR, 10, right - left):
            canvas.setFont(REGULAR, 10)
            canvas.drawString(left, line_y, line)
            line_y -= 5 * mm
        line_y -= 2 * mm
    canvas.setFont(BOLD, 10)
    canvas.drawString(left, line_y - 2 * mm,
                      f"Thời gian nhận ý kiến: từ {pack.fieldwork_from:%d/%m/%Y} đến {pack.fieldwork_to:%d/%m/%Y}.")
    canvas.setFont(REGULAR, 8)
    canvas.drawString(left, 12 * mm, f"{pack.campaign} · {pack.commune_code}-{pack.village_code} · {code}")
    canvas.drawRightString(right, 12 * mm, "Khảo sát theo phương pháp SIPAS (chọn mẫu xác suất)")


def render_pack(pack) -> bytes:
    """The village's PDF: one page per questionnaire."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{pack.campaign} — {pack.village} ({pack.village_code})")
    canvas.setAuthor(pack.province)
    for number, (code, link) in enumerate(pack.questionnaires, start=1):
        _page(canvas, pack, number, code, link)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def packs_zip(packs) -> bytes:
    """A zip of one PDF per village."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for pack in packs:
            archive.writestr(pack.filename, render_pack(pack))
    return buffer.getvalue()

"""A report's section of the Ministry's published SIPAS figures (methodology §8): "Kết quả chính thức (Bộ Nội vụ)"
beside our own figure of the same measure, labelled as a different measurement, each source cited below."""
from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, TableStyle

from survey.reports.data import OfficialFigureRow
from survey.reports.fmt import DASH, interval, markup, number
from survey.reports.fonts import BOLD
from survey.reports.layout import FRAME_WIDTH, STYLES
from survey.reports.tables import SIZE, _table, wrap

OFFICIAL = "Kết quả chính thức (Bộ Nội vụ)"  # the Ministry's name for its figures, printed as such in both languages

LABELS = {
    "vi": {
        "title": "KẾT QUẢ CHÍNH THỨC (BỘ NỘI VỤ) ĐẶT CẠNH KẾT QUẢ CỦA TỈNH",
        "note": "Đây là hai phép đo khác nhau: Bộ Nội vụ khảo sát một mẫu riêng của mình, vào năm của mình. Số liệu "
                "chính thức được đặt cạnh để đối chiếu, không được cộng gộp hay dùng để hiệu chỉnh số liệu của tỉnh.",
        "year": "Năm", "unit": "Đơn vị", "measure": "Chỉ tiêu", "official": OFFICIAL, "ci": "KTC 95%",
        "sources": "Nguồn",
    },
    "en": {
        "title": "OFFICIAL RESULTS BESIDE THE PROVINCE'S OWN: Kết quả chính thức (Bộ Nội vụ)",
        "note": "Two different measurements: the Ministry surveys its own sample, in its own year. The official "
                "figures are shown for comparison; they are never added to or used to correct the province's.",
        "year": "Year", "unit": "Unit", "measure": "Measure", "official": "Official (Bộ Nội vụ)",
        "ci": "95% CI", "sources": "Sources",
    },
}


def official_section(rows: Sequence[OfficialFigureRow], lang: str, heading, ours: str) -> list[Flowable]:
    """Heading (from the report's section counter), the note, the table and the numbered sources; nothing when
    no figure is loaded. `ours` names our column ("Đợt khảo sát", "Chỉ số của tỉnh kỳ này")."""
    if not rows:
        return []
    text = LABELS[lang]
    sources = list(dict.fromkeys(r.source for r in rows))
    widths = [1.1 * cm, 2.6 * cm, None, 2.6 * cm, 2.2 * cm, 2.3 * cm]
    widths[2] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [text["year"], text["unit"], text["measure"], text["official"], ours, text["ci"]]
    body = [[str(r.year), wrap(r.unit_name, widths[1]),
             wrap(f"{r.label} [{sources.index(r.source) + 1}]", widths[2]), number(r.value, lang, 2),
             DASH if r.ours is None else number(r.ours, lang, 2),
             DASH if r.ci_low is None or r.ci_high is None else interval(r.ci_low, r.ci_high, lang)]
            for r in rows]
    table = _table(header, body, widths, 3)
    table.setStyle(TableStyle([("FONT", (3, 1), (3, -1), BOLD, SIZE, SIZE + 2)]))
    cited = [Paragraph(f"[{n}] {markup(s)}", STYLES["small"]) for n, s in enumerate(sources, start=1)]
    return [CondPageBreak(140), heading(text["title"]), Paragraph(markup(text["note"]), STYLES["small"]),
            Spacer(1, 4), table, Spacer(1, 3), Paragraph(f"<b>{markup(text['sources'])}:</b>", STYLES["small"]),
            *cited]


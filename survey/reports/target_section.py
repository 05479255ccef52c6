"""The PDFs' progress against targets (issue 23): a unit summary's section and the provincial report's table.

Kept apart from pdf.py, which calls `unit_progress_story` / `province_progress_story` in one line each; labels
live here in both languages like survey.reports.labels."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, TableStyle
from reportlab.platypus.flowables import Flowable

from survey.indices.projection import OFF_TRACK, ON_TRACK, UNCERTAIN, Projection
from survey.reports.data import ProgressTable, TargetProgress
from survey.reports.fmt import DASH, interval, markup, nfc, number, period_label, signed
from survey.reports.fonts import BOLD
from survey.reports.labels import labels_for
from survey.reports.layout import FRAME_WIDTH, STYLES
from survey.reports.tables import FLAG_COLOURS, SIZE, _table, key_value_table, wrap

STATUS_COLOURS = {ON_TRACK: FLAG_COLOURS["above"], OFF_TRACK: FLAG_COLOURS["below"]}

_VI = {
    "title": "TIẾN ĐỘ SO VỚI CHỈ TIÊU",
    "table_title": "TIẾN ĐỘ SO VỚI CHỈ TIÊU NĂM {year}",
    "target": "Chỉ tiêu năm {year}",
    "this_period": "Kết quả kỳ này",
    "gap": "Chênh lệch so với chỉ tiêu",
    "projection": "Dự báo cuối năm",
    "status": "Đánh giá",
    "from_ytd": "theo kết quả từ đầu năm đến {day}",
    "no_projection": "chưa dự báo được (chưa đủ số phiếu từ đầu năm)",
    f"status.{ON_TRACK}": "Đúng hướng: cả khoảng dự báo đạt chỉ tiêu",
    f"status.{UNCERTAIN}": "Chưa chắc chắn: khoảng dự báo có chứa chỉ tiêu",
    f"status.{OFF_TRACK}": "Chệch hướng: cả khoảng dự báo thấp hơn chỉ tiêu",
    "status.none": "Chưa đánh giá được",
    f"short.{ON_TRACK}": "đúng hướng",
    f"short.{UNCERTAIN}": "chưa chắc chắn",
    f"short.{OFF_TRACK}": "chệch hướng",
    "short.none": DASH,
    "unit_note": "Dự báo cuối năm: chỉ số từ đầu năm với khoảng tin cậy 95%. Đúng hướng khi cả khoảng dự báo đạt "
    "chỉ tiêu, chệch hướng khi cả khoảng thấp hơn chỉ tiêu.",
    "table_note": "Chỉ tiêu do Sở Nội vụ giao cho từng đơn vị. Dự báo cuối năm theo kết quả từ đầu năm đến {day} "
    "(khoảng tin cậy 95%); đúng hướng khi cả khoảng đạt chỉ tiêu, chệch hướng khi cả khoảng thấp hơn.",
    "col.name": "Đơn vị",
    "col.code": "Mã",
    "col.target": "Chỉ tiêu",
    "col.value": "Kỳ này",
    "col.projection": "Dự báo cuối năm",
    "col.ci": "KTC 95%",
    "col.status": "Đánh giá",
    "points": "điểm",
}

_EN = {
    "title": "PROGRESS AGAINST THE TARGET",
    "table_title": "PROGRESS AGAINST THE {year} TARGETS",
    "target": "Target for {year}",
    "this_period": "This period",
    "gap": "Gap to the target",
    "projection": "Projected year-end",
    "status": "Assessment",
    "from_ytd": "from the year to {day}",
    "no_projection": "no projection yet (too few responses this year)",
    f"status.{ON_TRACK}": "On track: the whole projected interval reaches the target",
    f"status.{UNCERTAIN}": "Uncertain: the projected interval contains the target",
    f"status.{OFF_TRACK}": "Off track: the whole projected interval is below the target",
    "status.none": "Not assessed",
    f"short.{ON_TRACK}": "on track",
    f"short.{UNCERTAIN}": "uncertain",
    f"short.{OFF_TRACK}": "off track",
    "short.none": DASH,
    "unit_note": "Projected year-end: the year-to-date index with its 95% interval. On track when the whole "
    "interval reaches the target, off track when all of it is below.",
    "table_note": "Targets are set for each unit by the Department of Home Affairs. Year-end projected from the "
    "year to {day} (95% interval); on track when the whole interval reaches the target, off track when all of it "
    "is below.",
    "col.name": "Unit",
    "col.code": "Code",
    "col.target": "Target",
    "col.value": "This period",
    "col.projection": "Projected year-end",
    "col.ci": "95% CI",
    "col.status": "Assessment",
    "points": "points",
}
LABELS: Mapping[str, Mapping[str, str]] = {"vi": _VI, "en": _EN}


class Sections(Protocol):
    """pdf.py's section numbering (I, II, III …)."""

    def heading(self, title: str) -> Paragraph: ...

    def kept(self, title: str, *body: Flowable) -> Flowable: ...


def _projected(p: Projection | None, lang: str, ci: str) -> str:
    if p is None:
        return DASH
    return f"<b>{number(p.value, lang)}%</b> ({markup(ci)}: {interval(p.low, p.high, lang)})"


def _status(status: str | None, words: Mapping[str, str], key: str = "status") -> str:
    text = markup(words[f"{key}.{status or 'none'}"])
    colour = STATUS_COLOURS.get(status or "")
    return f'<font color="{colour.hexval()}"><b>{text}</b></font>' if colour is not None else f"<b>{text}</b>"


def unit_progress_story(progress: TargetProgress | None, period: str, sections: Sections, lang: str) -> list[Flowable]:
    """The unit summary's section: target, the period's index and gap, projected year-end, status ([] without
    a target)."""
    if progress is None:
        return []
    words, labels = LABELS[lang], labels_for(lang)
    day = local_stamp_day(progress, lang)
    value = f"<b>{number(progress.value, lang)}%</b>" if progress.value is not None else f"<b>{DASH}</b>"
    gap = f"{signed(progress.gap, lang)} {markup(words['points'])}" if progress.gap is not None else DASH
    projection = _projected(progress.ytd, lang, labels["ci"])
    projection += f", {markup(words['from_ytd'].format(day=day))}" if progress.ytd is not None else \
        f" {markup(words['no_projection'])}"
    rows = [(words["target"].format(year=progress.year), f"<b>{number(progress.target, lang)}%</b>"),
            (words["this_period"], f"{value} ({markup(period_label(period, lang))})"),
            (words["gap"], gap), (words["projection"], projection)]
    rows.append((words["status"], _status(progress.status, words)))
    return [sections.kept(words["title"], key_value_table(rows), Spacer(1, 3),
                          Paragraph(markup(words["unit_note"]), STYLES["small"]))]


def province_progress_story(table: ProgressTable | None, sections: Sections, lang: str) -> list[Flowable]:
    """The provincial report's table of units with a target: target, the period's index, projected year-end with
    its interval, status ([] when no unit has a target)."""
    if table is None or not table.rows:
        return []
    words = LABELS[lang]
    widths = [None, 2.4 * cm, 1.5 * cm, 1.5 * cm, 1.9 * cm, 2.3 * cm, 2.4 * cm]
    widths[0] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [words[f"col.{k}"] for k in ("name", "code", "target", "value", "projection", "ci", "status")]
    body = [[wrap(r.name, widths[0]), nfc(r.code), number(r.target, lang), number(r.value, lang),
             number(r.ytd.value, lang) if r.ytd else DASH, interval(r.ytd.low, r.ytd.high, lang) if r.ytd else DASH,
             words[f"short.{r.status or 'none'}"]] for r in table.rows]
    grid = _table(header, body, widths, 2)
    grid.setStyle(TableStyle([("ALIGN", (-1, 1), (-1, -1), "LEFT"), ("FONT", (4, 1), (4, -1), BOLD, SIZE, SIZE + 2),
                              *[("TEXTCOLOR", (-1, i), (-1, i), STATUS_COLOURS[r.status])
                                for i, r in enumerate(table.rows, start=1) if r.status in STATUS_COLOURS]]))
    day = local_stamp_day(table, lang)
    return [CondPageBreak(100), sections.heading(words["table_title"].format(year=table.year)), grid, Spacer(1, 3),
            Paragraph(markup(words["table_note"].format(day=day)), STYLES["small"])]


def local_stamp_day(figures: TargetProgress | ProgressTable, lang: str) -> str:
    """The day the year-to-date runs to, as the PDFs print dates (31/03/2026 · 2026-03-31)."""
    return figures.as_of.strftime("%d/%m/%Y") if lang == "vi" else figures.as_of.isoformat()

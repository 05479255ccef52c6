"""Render report data to PDF bytes with reportlab: numbers in, bytes out, no database and no request."""
from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime

from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from survey.reports.pdf_charts import bar_chart, column_chart
from survey.reports.closing import closing_block, dated, number_line
from survey.reports.data import Document, ProvinceReport, UnitSummary
from survey.reports.fmt import (DASH, dateline, integer, interval, local_stamp, markup, nfc, number, period_label,
                                signed)
from survey.reports.fonts import register_fonts
from survey.reports.labels import labels_for
from survey.reports.official_section import official_section
from survey.reports.layout import FRAME_WIDTH, MARGINS, PAGE, STYLES, NationalHeading, numbered_canvas, page_decorator
from survey.reports.target_section import province_progress_story, unit_progress_story
from survey.reports.tables import (assessment_table, count_table, flag_text, general_table, item_table,
                                   key_value_table, priority_table, ranking_table, small_unit_table)

Story = list[Flowable]


def _heading(labels: Mapping[str, str], issuer: str, generated_at: datetime, lang: str,
             document: Document | None) -> NationalHeading:
    place = document.place if document is not None else ""
    return NationalHeading(labels["nation"], labels["motto"], dated(place, dateline(generated_at, lang), lang),
                           issuer, number_line(document, labels))


def _index_text(value: float | None, low: float | None, high: float | None, labels: Mapping[str, str],
                lang: str) -> str:
    """'<b>85,2%</b> (khoảng tin cậy 95%: 83,0–87,4)', or the bold dash when suppressed."""
    if value is None:
        return f"<b>{DASH}</b>"
    text = f"<b>{number(value, lang)}%</b>"
    if low is not None and high is not None:
        text += f" ({markup(labels['ci'])}: {interval(low, high, lang)})"
    return text


ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


class _Sections:
    """Numbers section headings I, II, III … in the order they are printed (absent sections leave no gap)."""

    def __init__(self) -> None:
        self.count = 0

    def heading(self, title: str) -> Paragraph:
        self.count += 1
        return Paragraph(f"{ROMAN[self.count - 1]}. {markup(title)}", STYLES["h2"])

    def kept(self, title: str, *body: Flowable) -> Flowable:
        """A heading kept on the same page as the start of its body."""
        return KeepTogether([self.heading(title), *body])


def _build(story: Story, labels: Mapping[str, str], title: str, author: str, running_head: str,
           generated_at: datetime, instrument: str, method_version: str, lang: str) -> bytes:
    date, time = local_stamp(generated_at, lang)
    footer = labels["footer"].format(instrument=instrument, method_version=method_version, date=date, time=time)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE, title=nfc(title), author=nfc(author), creator="survey",
                            lang=lang, **MARGINS)
    decorate = page_decorator(footer, running_head)
    page = labels["page"]
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate,
              canvasmaker=numbered_canvas(lambda n, total: page.format(page=n, pages=total)))
    return buffer.getvalue()


def _unit_key_figures(data: UnitSummary, labels: Mapping[str, str], lang: str) -> list[tuple[str, str]]:
    index = _index_text(data.index, data.ci_low, data.ci_high, labels, lang)
    if data.incomplete and data.index is not None:
        index += f" — {markup(labels['incomplete'])}"
    rows = [(labels["n_respondents"], f"<b>{integer(data.n, lang)}</b>"), (labels["overall_index"], index)]
    if data.change is not None:
        ch = data.change
        previous = f"{markup(period_label(ch.previous_period, lang))}: {number(ch.previous_index, lang)}"
        delta = f"{signed(ch.delta, lang)} {markup(labels['points'])}" if ch.delta is not None else DASH
        rows.append((labels["change"], f"{delta}, {markup(flag_text(ch.flag, labels))} ({previous})"))
    if data.province is not None:
        pv = data.province
        rows.append((labels["vs_province"], f"{markup(flag_text(pv.flag, labels))} "
                     f"({markup(pv.province_name)}: {number(pv.province_index, lang)})"))
    return rows


def _has_suppressed(data: UnitSummary) -> bool:
    return (data.index is None or any(c.pct is None for c in data.components)
            or any(i.suppressed for i in data.items))


def render_unit_summary(data: UnitSummary, lang: str = "vi") -> bytes:
    """The one-unit summary (service point, commune or department) as PDF bytes, in Vietnamese or English."""
    register_fonts()
    labels = labels_for(lang)
    period = period_label(data.period, lang)
    instrument = f"{data.instrument_code} v{data.instrument_version}"
    suppressed_note = Paragraph(markup(labels["suppressed_note"].format(min_n=data.min_n)), STYLES["small"])
    meta = (f"{markup(labels['code'])}: {markup(data.unit_code)} · {markup(labels['level.' + data.level])} · "
            f"{markup(labels['period'])}: {markup(period)}")
    sections = _Sections()
    story: Story = [
        _heading(labels, data.issuer, data.generated_at, lang, data.document),
        Paragraph(markup(labels["doc_type"]), STYLES["doc_type"]),
        Paragraph(markup(labels["unit_title"]), STYLES["title"]),
        Paragraph(markup(data.unit_name), STYLES["unit"]),
        Paragraph(meta, STYLES["meta"]),
        sections.kept(labels["key_figures"], key_value_table(_unit_key_figures(data, labels, lang))),
    ]
    if data.approximate:
        story.append(Paragraph(markup(labels["approximate"]), STYLES["small"]))
    story += unit_progress_story(data.progress, data.period, sections, lang)
    if len(data.components) > 1:  # one component (a kiosk's single question) would only repeat the index
        rows = [(f"{c.code} {c.label.pick(lang)}", c.pct, c.role == "aspect") for c in data.components]
        reference = (labels["overall_index"], data.index) if data.index is not None else None
        chart = bar_chart(rows, FRAME_WIDTH, lang, reference)
        general = [Spacer(1, 4), general_table(data.components, labels, lang)] \
            if any(c.general_code for c in data.components) else []
        story.append(sections.kept(labels["components"], chart))
        story += general  # a long factor table flows on: kept with the chart it would leave page 1 empty
    if data.items:
        story += [CondPageBreak(120), sections.heading(labels["items"]), item_table(data.items, labels, lang),
                  Spacer(1, 3), Paragraph(markup(labels["scale_legend"]), STYLES["small"])]
    if data.assessment:
        story += [CondPageBreak(120), sections.heading(labels["assessment"]),
                  assessment_table(data.assessment, labels, lang), Spacer(1, 3),
                  Paragraph(markup(labels["assessment_multi"]), STYLES["small"])]
    if _has_suppressed(data):
        story.append(suppressed_note)
    if data.reasons_asked:
        reasons = count_table(data.low_score_reasons, labels, lang) if data.low_score_reasons else \
            Paragraph(markup(labels["none"]), STYLES["body"])
        story.append(sections.kept(labels["reasons"], reasons))
    comments = [Paragraph(f"“{markup(c)}”", STYLES["quote"]) for c in data.comments] or \
        [Paragraph(markup(labels["none"]), STYLES["body"])]
    story.append(sections.kept(labels["comments"], *comments[:1]))
    story += comments[1:] + closing_block(data.document, labels)
    title = f"{labels['unit_title']} — {data.unit_name} ({data.unit_code}) — {period}"
    return _build(story, labels, title, data.issuer, f"{data.unit_name} ({data.unit_code}) · {period}",
                  data.generated_at, instrument, data.method_version, lang)


def render_province_report(data: ProvinceReport, lang: str = "vi") -> bytes:
    """The provincial report (index, trend, rankings, small units, priorities, method) as PDF bytes."""
    register_fonts()
    labels = labels_for(lang)
    if data.national:  # the same report one level up: provinces ranked against the whole country
        labels = {**labels, "province_index": labels["national.index"], "communes": labels["national.ranking"],
                  "flag": labels["national.flag"], "small_units": labels["national.small"]}
    name = labels["national.name"] if data.national else data.province_name
    period = period_label(data.period, lang)
    instrument = f"{data.instrument_code} v{data.instrument_version}"
    note = data.methodology_note or labels["method_default"].format(
        method_version=data.method_version, instrument=instrument, min_n=data.min_n)
    meta = f"{markup(labels['code'])}: {markup(data.province_code)} · {markup(labels['period'])}: {markup(period)}"
    key = [(labels["n_respondents"], f"<b>{integer(data.n, lang)}</b>"),
           (labels["province_index"], _index_text(data.index, data.ci_low, data.ci_high, labels, lang))]
    sections = _Sections()
    story: Story = [
        _heading(labels, data.issuer, data.generated_at, lang, data.document),
        Paragraph(markup(labels["doc_type"]), STYLES["doc_type"]),
        Paragraph(markup(labels["province_title"]), STYLES["title"]),
        Paragraph(markup(name), STYLES["unit"]),
        Paragraph(meta, STYLES["meta"]),
        sections.kept(labels["key_figures"], key_value_table(key)),
    ]
    if data.trend:
        points = [(period_label(p.period, lang) if len(data.trend) <= 4 else p.period, p.index) for p in data.trend]
        story.append(sections.kept(labels["trend"], column_chart(points, FRAME_WIDTH, lang)))
    if data.index is None or any(p.index is None for p in data.trend):
        story.append(Paragraph(markup(labels["suppressed_note"].format(min_n=data.min_n)), STYLES["small"]))
    for title, rows in ((labels["communes"], data.communes), (labels["departments"], data.departments)):
        if rows:
            story += [CondPageBreak(100), sections.heading(title), ranking_table(rows, labels, lang)]
    story += province_progress_story(data.progress, sections, lang)
    small_title = labels["small_units"].format(min_n=data.min_n)
    small = small_unit_table(data.small_units, labels, lang) if data.small_units else \
        Paragraph(markup(labels["none"]), STYLES["body"])
    story += [CondPageBreak(80), sections.heading(small_title), small]
    if data.priorities:
        story.append(sections.kept(labels["priorities"], priority_table(data.priorities, labels, lang)))
    story += official_section(data.official, lang, sections.heading, labels["province_index"] + f" ({period})")
    story.append(sections.kept(labels["method"], Paragraph(markup(note), STYLES["body"])))
    story += closing_block(data.document, labels)
    title = f"{labels['province_title']} — {name} — {period}"
    return _build(story, labels, title, data.issuer, f"{name} · {period}", data.generated_at,
                  instrument, data.method_version, lang)

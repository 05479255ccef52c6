"""Render a campaign's report (method, sample, response rates, design-based estimates, official figures) to PDF
bytes: the same page furniture, fonts and tables as the unit and provincial reports."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from survey.reports.closing import closing_block
from survey.reports.campaign_labels import campaign_labels
from survey.reports.data import CampaignEstimate, CampaignReport, CampaignStratum
from survey.reports.fmt import DASH, integer, interval, markup, nfc, number
from survey.reports.fonts import BOLD, register_fonts
from survey.reports.layout import FRAME_WIDTH, STYLES
from survey.reports.official_section import official_section
from survey.reports.pdf import Story, _build, _heading, _index_text, _Sections
from survey.reports.tables import SIZE, _table, key_value_table, wrap


def _date(day, lang: str) -> str:
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def _bold_last(table: Table) -> Table:
    """The total row (last) in bold."""
    table.setStyle(TableStyle([("FONT", (0, -1), (-1, -1), BOLD, SIZE, SIZE + 2)]))
    return table


def _key_figures(data: CampaignReport, labels: Mapping[str, str], lang: str) -> list[tuple[str, str]]:
    t = data.totals
    sample = labels["sample_value"].format(issued=integer(t.issued, lang), villages=integer(t.villages, lang),
                                           communes=integer(len(data.strata), lang),
                                           completed=integer(t.completed, lang))
    rows = [(labels["sample_size"], markup(sample)),
            (labels["rr1"], f"<b>{number(t.response_rate, lang)}%</b>" if t.response_rate is not None else DASH)]
    top = data.overall
    if top is None:
        return [*rows, (labels["estimate_index"], markup(labels["no_answers"]))]
    index = _index_text(None if top.suppressed else top.value, top.ci_low, top.ci_high, labels, lang)
    rows.insert(0, (labels["estimate_index"], index))
    if not top.suppressed:
        rows.insert(1, (labels["precision"], markup(labels["precision_value"].format(
            se=number(top.se, lang, 2), deff=number(top.deff, lang, 2)))))
    return rows


def _sample_table(data: CampaignReport, labels: Mapping[str, str], lang: str) -> Table:
    widths = [None, 1.4 * cm, 2.2 * cm, 2.4 * cm, 2.2 * cm, 2.0 * cm]
    widths[0] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["name"], labels["code"], labels["frame_villages"], labels["frame_population"],
              labels["villages"], labels["issued"]]
    rows = [*data.strata, data.totals]
    body = [[wrap(s.name or labels["total"], widths[0]), nfc(s.code),
             integer(s.frame_villages if s.code else sum(r.frame_villages for r in data.strata), lang),
             integer(s.frame_population if s.code else sum(r.frame_population for r in data.strata), lang),
             integer(s.villages, lang), integer(s.issued, lang)] for s in rows]
    return _bold_last(_table(header, body, widths, 2))


def _response_table(strata: Sequence[CampaignStratum], totals: CampaignStratum, labels: Mapping[str, str],
                    lang: str) -> Table:
    widths = [None, 1.5 * cm, 1.5 * cm, 1.5 * cm, 1.8 * cm, 1.8 * cm, 1.5 * cm, 1.5 * cm]
    widths[0] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["name"], labels["issued"], labels["completed"], labels["refused"], labels["not_reached"],
              labels["ineligible"], labels["outstanding"], labels["rr1_short"]]
    body = [[wrap(s.name or labels["total"], widths[0]), integer(s.issued, lang), integer(s.completed, lang),
             integer(s.refused, lang), integer(s.not_reached, lang), integer(s.ineligible, lang),
             integer(s.outstanding, lang), number(s.response_rate, lang)] for s in [*strata, totals]]
    return _bold_last(_table(header, body, widths, 1))


def _interval_of(e: CampaignEstimate, lang: str) -> str:
    if e.suppressed or not e.se:  # se 0: a lonely stratum, no interval (docs/campaigns.md)
        return DASH
    return interval(e.ci_low, e.ci_high, lang)


def _estimates_table(data: CampaignReport, labels: Mapping[str, str], lang: str) -> Table:
    widths = [None, 1.4 * cm, 1.2 * cm, 1.6 * cm, 2.4 * cm, 1.9 * cm, 1.3 * cm]
    widths[0] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["name"], labels["code"], "n", labels["index"], labels["ci_short"], labels["se"], labels["deff"]]
    rows = ([data.overall] if data.overall else []) + data.communes
    body = [[wrap(e.name.pick(lang), widths[0]), nfc(e.code), integer(e.n, lang),
             DASH if e.suppressed else number(e.value, lang), _interval_of(e, lang),
             DASH if e.suppressed or not e.se else number(e.se, lang, 2),
             DASH if e.suppressed or not e.se else number(e.deff, lang, 2)] for e in rows]
    table = _table(header, body, widths, 2)
    table.setStyle(TableStyle([("FONT", (3, 1), (3, -1), BOLD, SIZE, SIZE + 2)]))
    if data.overall:
        table.setStyle(TableStyle([("FONT", (0, 1), (-1, 1), BOLD, SIZE, SIZE + 2)]))
    return table


def _components_table(rows: Sequence[CampaignEstimate], labels: Mapping[str, str], lang: str) -> Table:
    widths = [1.3 * cm, None, 1.2 * cm, 1.9 * cm, 2.4 * cm, 1.9 * cm]
    widths[1] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["item_code"], labels["component"], "n", labels["pct"], labels["ci_short"], labels["se"]]
    body = [[nfc(e.code), wrap(e.name.pick(lang), widths[1]), integer(e.n, lang),
             DASH if e.suppressed else number(e.value, lang), _interval_of(e, lang),
             DASH if e.suppressed or not e.se else number(e.se, lang, 2)] for e in rows]
    table = _table(header, body, widths, 2)
    aspects = [i for i, e in enumerate(rows, start=1) if "." not in e.code]  # A1, A2: drawn stronger than factors
    table.setStyle(TableStyle([("FONT", (0, i), (-1, i), BOLD, SIZE, SIZE + 2) for i in aspects]))
    return table


def render_campaign_report(data: CampaignReport, lang: str = "vi") -> bytes:
    """The campaign report as PDF bytes, in Vietnamese or English."""
    register_fonts()
    labels = campaign_labels(lang)
    instrument = f"{data.instrument_code} v{data.instrument_version}"
    fieldwork = f"{_date(data.fieldwork_from, lang)} – {_date(data.fieldwork_to, lang)}"
    meta = (f"{markup(labels['campaign'])}: {markup(data.campaign_code)} · {markup(labels['fieldwork'])}: {fieldwork}"
            f" · {markup(labels['status'])}: {markup(labels['status.' + data.status])}")
    method = labels["method_text"].format(villages=data.villages_per_commune, people=data.people_per_village)
    variance = labels["method_variance"].format(min_n=data.min_n, method_version=markup(data.method_version),
                                                instrument=markup(instrument), seed=data.seed)
    sections = _Sections()
    story: Story = [
        _heading(labels, data.issuer, data.generated_at, lang, data.document),
        Paragraph(markup(labels["doc_type"]), STYLES["doc_type"]),
        Paragraph(markup(labels["campaign_title"]), STYLES["title"]),
        Paragraph(markup(data.province_name), STYLES["unit"]),
        Paragraph(meta, STYLES["meta"]),
        sections.kept(labels["key_figures"], key_value_table(_key_figures(data, labels, lang))),
        sections.kept(labels["method_title"], Paragraph(method, STYLES["body"]), Spacer(1, 4),
                      Paragraph(variance, STYLES["body"])),
    ]
    if data.strata:
        story += [CondPageBreak(120), sections.heading(labels["sample_title"]), _sample_table(data, labels, lang),
                  CondPageBreak(120), sections.heading(labels["response_title"]),
                  _response_table(data.strata, data.totals, labels, lang), Spacer(1, 3),
                  Paragraph(markup(labels["rr_note"]), STYLES["small"])]
    if data.overall:
        story += [CondPageBreak(120), sections.heading(labels["estimates_title"]),
                  _estimates_table(data, labels, lang), Spacer(1, 3),
                  Paragraph(markup(labels["suppressed_note"].format(min_n=data.min_n)), STYLES["small"])]
        if any(not e.suppressed and not e.se for e in data.communes):
            story.append(Paragraph(markup(labels["lonely_note"]), STYLES["small"]))
    if data.components:
        story += [CondPageBreak(120), sections.heading(labels["components_title"]),
                  _components_table(data.components, labels, lang)]
    story += official_section(data.official, lang, sections.heading, labels["ours"])
    story += closing_block(data.document, labels)
    title = f"{labels['campaign_title']} — {data.province_name} — {data.campaign_code}"
    return _build(story, labels, title, data.issuer, f"{data.province_name} · {labels['campaign']} "
                  f"{data.campaign_code}", data.generated_at, instrument, data.method_version, lang)

"""The charts of each page, with translated titles and descriptions that summarise what the chart shows."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from survey.web import format_number

from survey.dashboard.svg_charts import Bar, Point, Stack, bar_chart, distribution_chart, trend_chart
from survey.dashboard.figures import no_data_note
from survey.dashboard.model import Cell, ComponentRow, National, Overview, Share, TrendPoint, UnitPage

RANKING_ENDS = 10  # a long ranking charts its 10 highest and 10 lowest units; the table lists all


def _bars(cells: list[Cell], note: str) -> list[Bar]:
    return [Bar(c.name, c.index, c.ci_low, c.ci_high, c.flag, note) for c in cells]


def _ends(bars: list[Bar]) -> tuple[list[Bar], bool]:
    """All bars, or the highest and lowest with a gap row between them when there are many."""
    if len(bars) <= 2 * RANKING_ENDS + 2:
        return bars, False
    left_out = len(bars) - 2 * RANKING_ENDS
    gap = Bar("", None, note=_("%(n)d more in the table", n=left_out), gap=True)
    return bars[:RANKING_ENDS] + [gap] + bars[-RANKING_ENDS:], True


def _trend(points: list[TrendPoint], chart_id: str, title: str) -> Markup:
    known = [f"{p.label}: {format_number(p.index, 1)}" for p in points]
    return trend_chart([Point(p.label, None if p.suppressed else p.index, p.ci_low, p.ci_high) for p in points],
                       chart_id=chart_id, title=title, desc="; ".join(known), fmt=format_number)


def _components(rows: list[ComponentRow], chart_id: str, min_n: int, reference: str | None = None) -> Markup:
    bars = [Bar(f"{r.code} {r.label}", r.pct, note=no_data_note(min_n), mark=r.reference) for r in rows]
    desc = "; ".join(f"{r.code}: {format_number(r.pct, 1)}" for r in rows)
    if reference:
        desc += ". " + _("The thin bar under each component shows the %(name)s figure.", name=reference)
    return bar_chart(bars, chart_id=chart_id, title=_("Share satisfied by component (%)"), desc=desc,
                     fmt=format_number)


def _ranking(cells: list[Cell], chart_id: str, title: str, province: Cell, min_n: int,
             reference_name: str | None = None, every: bool = False) -> Markup:
    bars = _bars(cells, no_data_note(min_n))
    shown, cut = (bars, False) if every else _ends(bars)
    if cut:
        title = _("%(title)s: the %(n)d highest and %(n)d lowest", title=title, n=RANKING_ENDS)
    desc = _("%(count)d units ranked.", count=len(cells))
    if cells:
        desc += " " + _("Highest: %(best)s (%(high)s); lowest: %(worst)s (%(low)s).", best=cells[0].name,
                        high=format_number(cells[0].index, 1), worst=cells[-1].name,
                        low=format_number(cells[-1].index, 1))
    reference = (reference_name or _("Province"), province.index) if province.index is not None else None
    return bar_chart(shown, chart_id=chart_id, title=title, desc=desc, fmt=format_number, reference=reference,
                     label_width=200, width=600)


def _shares(shares: list[Share], chart_id: str, title: str, min_n: int) -> Markup:
    desc = "; ".join(f"{s.label}: {format_number(s.value, 1)}" for s in shares)
    return bar_chart([Bar(f"{s.code} {s.label}" if s.code.startswith("P") else s.label, s.value,
                          note=no_data_note(min_n)) for s in shares],
                     chart_id=chart_id, title=title, desc=desc, fmt=format_number, label_width=330)


def overview_charts(page: Overview) -> dict[str, Markup]:
    """Charts of the province overview, by panel."""
    min_n = page.meta.min_n
    charts = {
        "trend": _trend(page.trend, "chart-trend", _("Province index over time")),
        "components": _components(page.components, "chart-components", min_n),
        "communes": _ranking(page.communes, "chart-communes", _("Communes ranked by index"), page.province, min_n),
        "departments": _ranking(page.departments, "chart-departments", _("Departments ranked by index"),
                                page.province, min_n),
    }
    if page.priorities:
        charts["priorities"] = _shares(page.priorities, "chart-priorities",
                                       _("Improvement priorities: share answering much or very much (%)"), min_n)
    if page.breakdown:
        charts["breakdown"] = bar_chart(_bars(page.breakdown, no_data_note(min_n)), chart_id="chart-breakdown",
                                        title=_("Index by breakdown"), desc=_("%(count)d groups.",
                                                                              count=len(page.breakdown)),
                                        fmt=format_number, reference=(_("Province"), page.province.index)
                                        if page.province.index is not None else None)
    return charts


def national_charts(page: National) -> dict[str, Markup]:
    """Charts of the national overview: the country's trend, the provinces ranked with their intervals."""
    min_n = page.meta.min_n
    country = _("Whole country")
    charts = {
        "trend": _trend(page.trend, "chart-trend", _("National index over time")),
        # 34 provinces at most: every one is drawn, with its interval
        "provinces": _ranking(page.provinces, "chart-provinces", _("Provinces ranked by index"), page.country,
                              min_n, country, every=True),
    }
    if page.breakdown:
        charts["breakdown"] = bar_chart(_bars(page.breakdown, no_data_note(min_n)), chart_id="chart-breakdown",
                                        title=_("Index by breakdown"), desc=_("%(count)d groups.",
                                                                              count=len(page.breakdown)),
                                        fmt=format_number, reference=(country, page.country.index)
                                        if page.country.index is not None else None)
    return charts


def unit_charts(page: UnitPage) -> dict[str, Markup]:
    """Charts of a unit page, by panel."""
    min_n = page.meta.min_n
    charts = {
        "trend": _trend(page.trend, "chart-trend", _("Index over time")),
        "components": _components(page.components, "chart-components", min_n,
                                  _("province") if page.province is not None else None),
    }
    if page.items:
        categories = [_("Very dissatisfied"), _("Dissatisfied"), _("Neutral"), _("Satisfied"), _("Very satisfied")]
        stacks = [Stack(f"{i.code}", list(i.shares) if i.shares else None, no_data_note(min_n)) for i in page.items]
        charts["items"] = distribution_chart(stacks, chart_id="chart-items", title=_("Answers to each question (%)"),
                                             desc=ngettext("Share of each answer, from very dissatisfied to "
                                                          "very satisfied, for %(num)d question.",
                                                          "Share of each answer, from very dissatisfied to "
                                                          "very satisfied, for %(num)d questions.", len(stacks)),
                                             categories=categories, fmt=format_number, label_width=90)
    if page.reasons:
        charts["reasons"] = bar_chart([Bar(s.label, float(s.n)) for s in page.reasons], chart_id="chart-reasons",
                                      title=_("Reasons given with a low rating (number of ratings)"),
                                      desc="; ".join(f"{s.label}: {s.n}" for s in page.reasons), fmt=format_number,
                                      scale_max=None, decimals=0, label_width=300)
    return charts

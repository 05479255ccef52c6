"""Tables of the reports: items with their answer distribution, rankings, and simple label/value lists."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from survey.reports.data import (AssessmentFigure, ComponentFigure, Count, ItemRow, Priority, RankingRow,
                                 SmallUnit)
from survey.reports.fmt import DASH, integer, interval, markup, nfc, number
from survey.reports.fonts import BOLD, REGULAR
from survey.reports.layout import ACCENT, FRAME_WIDTH, INK, RULE, STYLES, ZEBRA

FLAG_COLOURS = {"above": colors.HexColor("#1e7b34"), "below": colors.HexColor("#b00020")}
NO_ANSWER = 9  # counts in n_responses, never in n_valid (methodology 2.1)
PADDING = 3  # left and right of every cell
SIZE, HEAD_SIZE = 9, 8.5


def wrap(text: object, width: float, font: str = REGULAR, size: float = SIZE) -> str:
    """NFC text broken into lines that fit `width` (a cell's width): plain multi-line strings lay out many
    times faster than Paragraphs, which matters when a province's hundred reports are made in one go."""
    return "\n".join(simpleSplit(nfc(text), font, size, width - 2 * PADDING)) or ""


def _grid(numeric_from: int, rows: int, zebra: bool = True) -> TableStyle:
    """Header band, thin rules, zebra rows, numbers right-aligned from column `numeric_from`."""
    commands: list[tuple] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("FONT", (0, 0), (-1, -1), REGULAR, SIZE, SIZE + 2),
        ("FONT", (0, 0), (-1, 0), BOLD, HEAD_SIZE, HEAD_SIZE + 2),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("TEXTCOLOR", (0, 1), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    if zebra:
        commands += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, rows, 2)]
    return TableStyle(commands)


def _table(header: Sequence[str], body: list[list], widths: Sequence[float], numeric_from: int) -> Table:
    head = [wrap(text, width, BOLD, HEAD_SIZE) for text, width in zip(header, widths)]
    table = Table([head, *body], colWidths=list(widths), repeatRows=1)
    table.setStyle(_grid(numeric_from, len(body) + 1))
    return table


def answer_codes(items: Sequence[ItemRow]) -> list[int]:
    """The answer codes seen in any item's distribution, valid codes first and 9 (no answer) last."""
    codes = {code for item in items for code in item.distribution}
    return sorted(codes, key=lambda c: (c == NO_ANSWER, c))


def item_table(items: Sequence[ItemRow], labels: Mapping[str, str], lang: str) -> Table:
    """Code, wording, valid answers, count per answer code, % satisfied and mean; suppressed figures dashed."""
    codes = answer_codes(items) or [1, 2, 3, 4, 5]
    code_w = 0.72 * cm  # room for "1.234": counts per answer code stay narrow so the wording gets the width
    fixed = [1.3 * cm, None, 1.1 * cm, *[code_w] * len(codes), 1.6 * cm, 1.1 * cm]
    fixed[1] = FRAME_WIDTH - sum(w for w in fixed if w is not None)
    header = [labels["item_code"], labels["item_text"], labels["n_valid"], *map(str, codes), labels["pct"],
              labels["mean"]]
    body = []
    for item in items:
        hidden = item.suppressed
        counts = [DASH if hidden else integer(item.distribution.get(c, 0), lang) for c in codes]
        body.append([nfc(item.code), wrap(item.text.pick(lang), fixed[1]), integer(item.n_valid, lang), *counts,
                     DASH if hidden else number(item.pct, lang), DASH if hidden else number(item.mean, lang, 2)])
    table = _table(header, body, fixed, 2)
    table.setStyle(TableStyle([("FONT", (0, 1), (0, -1), BOLD, SIZE, SIZE + 2)]))
    return table


def ranking_table(rows: Sequence[RankingRow], labels: Mapping[str, str], lang: str) -> Table:
    """Rank, name, code, n, index, 95% interval and the flag against the province."""
    # commune codes are 5 digits, agency identifiers 13 characters: size the code column to fit
    code_w = max([1.2 * cm, *(stringWidth(nfc(r.code), REGULAR, 8) + 8 for r in rows)])
    widths = [1.0 * cm, None, code_w, 1.3 * cm, 1.4 * cm, 2.3 * cm, 2.6 * cm]
    widths[1] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["rank"], labels["name"], labels["code"], "n", labels["index"], labels["ci_short"],
              labels["flag"]]
    body = [[str(r.rank), wrap(r.name, widths[1]), nfc(r.code), integer(r.n, lang),
             number(r.index, lang), interval(r.ci_low, r.ci_high, lang), flag_text(r.flag, labels)] for r in rows]
    table = _table(header, body, widths, 3)
    table.setStyle(TableStyle([("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (-1, 1), (-1, -1), "LEFT"),
                               ("FONT", (4, 1), (4, -1), BOLD, SIZE, SIZE + 2),
                               *[("TEXTCOLOR", (-1, i), (-1, i), FLAG_COLOURS[r.flag])
                                 for i, r in enumerate(rows, start=1) if r.flag in FLAG_COLOURS]]))
    return table


def count_table(rows: Sequence[Count], labels: Mapping[str, str], lang: str) -> Table:
    """Reason and how many respondents gave it."""
    widths = [FRAME_WIDTH - 2.5 * cm, 2.5 * cm]
    body = [[wrap(r.label.pick(lang), widths[0]), integer(r.count, lang)] for r in rows]
    return _table([labels["reason"], labels["count"]], body, widths, 1)


def priority_table(rows: Sequence[Priority], labels: Mapping[str, str], lang: str) -> Table:
    """Improvement area and the share answering 'much' or 'very much'."""
    widths = [FRAME_WIDTH - 3.5 * cm, 3.5 * cm]
    body = [[wrap(r.label.pick(lang), widths[0]), number(r.pct, lang)] for r in rows]
    return _table([labels["priority"], labels["priority_pct"]], body, widths, 1)


def small_unit_table(rows: Sequence[SmallUnit], labels: Mapping[str, str], lang: str) -> Table:
    """Units below min_n: name, code and their (too small) number of respondents."""
    widths = [FRAME_WIDTH - 4.5 * cm, 2.5 * cm, 2 * cm]
    body = [[wrap(r.name, widths[0]), nfc(r.code), integer(r.n, lang)] for r in rows]
    return _table([labels["name"], labels["code"], "n"], body, widths, 2)


def key_value_table(rows: Sequence[tuple[str, str]]) -> Table:
    """A borderless two-column list of labels and (markup) values."""
    body = [[Paragraph(markup(k), STYLES["body"]), Paragraph(v, STYLES["body"])] for k, v in rows]
    table = Table(body, colWidths=[5.2 * cm, FRAME_WIDTH - 5.2 * cm])
    # Table's default cell font is Helvetica: name the report face even where every cell is a Paragraph.
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), REGULAR, 11), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2), ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def flag_text(flag: str | None, labels: Mapping[str, str]) -> str:
    """The printed word for a significance flag."""
    return labels[f"flag.{flag}"] if flag else labels["flag.none"]


def general_table(components: Sequence[ComponentFigure], labels: Mapping[str, str], lang: str) -> Table:
    """Each factor's % satisfied over its items beside its general question's (SIPAS-1001 v2)."""
    widths = [None, 2.6 * cm, 2.0 * cm, 2.9 * cm]
    widths[0] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["general_factor"], labels["general_items"], labels["general_question"], labels["general_pct"]]
    body = [[wrap(f"{c.code} {c.label.pick(lang)}", widths[0]), DASH if c.suppressed else number(c.pct, lang),
             nfc(c.general_code), DASH if c.suppressed else number(c.general, lang)]
            for c in components if c.general_code]
    return _table(header, body, widths, 1)


def assessment_table(rows: Sequence[AssessmentFigure], labels: Mapping[str, str], lang: str) -> Table:
    """Per assessment item: code, wording, answers and the share at each level ("2 Quan tâm: 50,0")."""
    widths = [1.3 * cm, None, 1.2 * cm, 7.2 * cm]
    widths[1] = FRAME_WIDTH - sum(w for w in widths if w is not None)
    header = [labels["item_code"], labels["item_text"], labels["n_valid"], labels["assessment_levels"]]
    body = []
    for row in rows:
        levels = "; ".join(f"{level} {name.pick(lang)}: {number(share, lang)}" for level, name, share in row.shares)
        body.append([nfc(row.code + ("*" if row.multiple else "")), wrap(row.text.pick(lang), widths[1]),
                     DASH if row.n_valid is None else integer(row.n_valid, lang), wrap(levels, widths[3])])
    table = _table(header, body, widths, 2)
    table.setStyle(TableStyle([("ALIGN", (3, 1), (3, -1), "LEFT"), ("VALIGN", (0, 1), (-1, -1), "TOP")]))
    return table

"""Tiny SVG writer for the dashboard charts: escaped text, presentation attributes only (no style=, CSP-safe)."""
from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

# Average advance of a glyph in em for the system sans fonts: enough to shorten labels that would overflow.
CHAR_EM = 0.56
INK, MUTED, RULE, PAPER = "#1b2430", "#4d5866", "#c9d0d9", "#ffffff"


def attrs(**values: object) -> str:
    """Attributes as ` name="value"`; trailing underscores drop (class_), other underscores become hyphens."""
    parts = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        name = key.rstrip("_").replace("_", "-")
        shown = f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else value
        parts.append(f' {name}="{escape(shown)}"')
    return "".join(parts)


def element(tag: str, body: str = "", **values: object) -> str:
    """One element; `body` is already-escaped markup (use text() for words)."""
    return f"<{tag}{attrs(**values)}>{body}</{tag}>" if body else f"<{tag}{attrs(**values)}/>"


def text(x: float, y: float, words: str, size: float = 13, anchor: str = "start", weight: str | None = None,
         fill: str = INK, **values: object) -> str:
    """A line of text at (x, y) (baseline), escaped."""
    return element("text", str(escape(words)), x=float(x), y=float(y), font_size=size, text_anchor=anchor,
                   font_weight=weight, fill=fill, **values)


def fit(words: str, width: float, size: float = 13) -> str:
    """`words` shortened with an ellipsis so it fits `width` user units at `size` (the full text goes in <title>)."""
    room = max(int(width / (size * CHAR_EM)), 4)
    return words if len(words) <= room else words[: room - 1].rstrip() + "…"


def hatch(pattern_id: str, colour: str, angle: int = 45, gap: int = 6) -> str:
    """A diagonal-line pattern: below-average bars are told apart by texture, not by colour alone."""
    line = element("line", x1=0, y1=0, x2=0, y2=gap, stroke=colour, stroke_width=2.5)
    back = element("rect", width=gap, height=gap, fill=PAPER)
    return element("pattern", back + line, id=pattern_id, width=gap, height=gap, patternUnits="userSpaceOnUse",
                   patternTransform=f"rotate({angle})")


def dots(pattern_id: str, colour: str) -> str:
    """A dotted pattern for suppressed or missing figures."""
    dot = element("circle", cx=2, cy=2, r=1, fill=colour)
    return element("pattern", element("rect", width=5, height=5, fill=PAPER) + dot, id=pattern_id, width=5,
                   height=5, patternUnits="userSpaceOnUse")


def document(chart_id: str, width: float, height: float, title: str, desc: str, defs: Iterable[str],
             body: Iterable[str]) -> Markup:
    """The <svg> root: role=img named by its <title> and described by its <desc>; scales to its container."""
    head = (element("title", str(escape(title)), id=f"{chart_id}-title")
            + element("desc", str(escape(desc)), id=f"{chart_id}-desc"))
    defs_markup = "".join(defs)
    inner = head + (element("defs", defs_markup) if defs_markup else "") + "".join(body)
    return Markup(element("svg", inner, xmlns="http://www.w3.org/2000/svg", id=chart_id, class_="chart",
                          viewBox=f"0 0 {width:.0f} {height:.0f}", role="img",
                          aria_labelledby=f"{chart_id}-title {chart_id}-desc", font_family="inherit"))

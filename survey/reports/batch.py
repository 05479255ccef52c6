"""Render many summaries at once, in worker processes when asked: rendering is pure CPU and each PDF stands alone."""
from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat

from survey.reports.data import UnitSummary
from survey.reports.pdf import render_unit_summary


def _render(summary: UnitSummary, lang: str) -> tuple[str, str, bytes]:
    return summary.level, summary.unit_code, render_unit_summary(summary, lang)


def render_summaries(summaries: Iterable[UnitSummary], lang: str = "vi",
                     jobs: int = 1) -> Iterator[tuple[str, str, bytes]]:
    """(level, unit code, PDF bytes) for each summary, in order; `jobs` > 1 renders in that many processes."""
    if jobs <= 1:
        yield from (_render(summary, lang) for summary in summaries)
        return
    # spawn, not fork: a forked child would share the parent's open database connections.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield from pool.map(_render, summaries, repeat(lang), chunksize=4)

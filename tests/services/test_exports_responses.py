"""Raw response export: read page by page (never the whole period at once), anonymised, small groups withheld."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from survey.errors import Forbidden
from survey.extensions import db
from survey.services.exports import responses as raw
from survey.services.exports.responses import response_export
from survey.services.access.scope import OPERATOR, scope_for
from tests.services.report_data import A_BEFORE, A_NOW, build


@pytest.fixture
def data(app, make_service_point):
    return build(make_service_point)


def test_reference_rows_are_read_a_page_at_a_time(data, monkeypatch):
    """The answers-table path, kept as the packed path's reference (test_export_packed.py)."""
    monkeypatch.setattr(raw, "PAGE", 10)
    export = response_export(OPERATOR, "KIOSK-QUICK", "2025-10..2026-03")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        rows = export.rows_from_answers()
        first = next(rows)
        assert first[0] == 1 and len(statements) == 2  # one page of responses, then that page's answers
        rest = list(rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    total = len(A_NOW) + len(A_BEFORE) + 10  # commune B's 10 are read, then withheld
    assert len(rest) + 1 == len(A_NOW) + len(A_BEFORE)
    assert len(statements) == 2 * -(-total // 10) + 1  # two statements per page, and the empty page that ends it
    assert (export.withheld_responses, export.withheld_groups) == (10, 1)


def test_a_lower_minimum_keeps_the_small_place_and_the_code_book_says_so(data):
    export = response_export(OPERATOR, "KIOSK-QUICK", "2026-Q1", min_n=5)
    rows = list(export.rows())
    assert len(rows) == len(A_NOW) + 10 and export.withheld_responses == 0
    assert export.columns[:4] == ["row", "instrument", "version", "month"]
    assert [c for c in export.columns if c.startswith("R.")] == [f"R.{k}" for k in range(1, 8)]
    notes = {r[0]: r for r in export.codebook()}
    assert notes["min_n"][3] == "5" and "0 phiếu trong 0 nhóm" in notes["min_n"][1]


def test_viewers_may_not_export(data, make_user):
    with pytest.raises(Forbidden):
        response_export(scope_for(make_user("viewer", unit=data.commune_a)), "KIOSK-QUICK", "2026-Q1")

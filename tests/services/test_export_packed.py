"""The responses export from the packed answer codes is byte for byte today's export from the answers table, on
random data: generated responses of two instruments, odd procedure and field codes (formula starts, commas,
quotes), responses whose blob is missing or cut short, and answers coded 10 or more that no blob can hold."""
from __future__ import annotations

import io
import random
import zipfile

import pytest
from sqlalchemy import select, text, update

from survey.extensions import db
from survey.models import Agency, Item, Response, Unit
from survey.services.access.scope import OPERATOR, scope_for
from survey.services.exports import packed_rows
from survey.services.exports.files import empty_note_row, responses_csv
from survey.services.exports.responses import response_export
from survey.services.exports.writers import Sheet, csv_chunks, write_xlsx
from tests.fixtures.factories import HOME_PROVINCE

SEED = 20261212
ODD = ["=SUM(A1)", "-1", "+x", "@me", "a,b", 'say "hi"', "dòng\nmới", "1.001.000.H22", "", None]


@pytest.fixture
def world(app):
    """Demo organisation and 3,000 random responses of SIPAS-1001 and KIOSK-QUICK, then the odd cases."""
    from survey.services.operations.demo import build_organisation, generate_responses

    rng = random.Random(SEED)
    build_organisation(HOME_PROVINCE)
    generate_responses(HOME_PROVINCE, 2000, seed=SEED, instrument="SIPAS-1001")
    generate_responses(HOME_PROVINCE, 1000, seed=SEED + 1, instrument="KIOSK-QUICK")
    ids = list(db.session.scalars(select(Response.id).order_by(Response.id)))
    for rid in rng.sample(ids, 400):
        db.session.execute(update(Response).where(Response.id == rid)
                           .values(procedure_code=rng.choice(ODD), field_code=rng.choice(ODD)))
    # Blobs the export must not trust: missing (a writer older than migration 0006), cut short (damaged).
    for rid in rng.sample(ids, 30):
        db.session.execute(update(Response).where(Response.id == rid).values(answer_codes=None))
    for rid in rng.sample(ids, 10):
        blob = db.session.scalar(select(Response.answer_codes).where(Response.id == rid))
        db.session.execute(update(Response).where(Response.id == rid).values(answer_codes=(blob or b"")[:-2]))
    # Answers coded 10 or more (the database allows up to 99; the blob holds 0–9): added beside a response's own.
    rows = db.session.execute(text("SELECT response_id, item_id FROM answers ORDER BY response_id, item_id")).all()
    for response_id, item_id in rng.sample(rows, 40):
        db.session.execute(text("INSERT INTO answers (response_id, item_id, code) VALUES (:r, :i, :c) "
                                "ON CONFLICT DO NOTHING"), {"r": response_id, "i": item_id, "c": rng.randint(10, 99)})
    db.session.commit()
    return rng


def _both(export) -> tuple[bytes, bytes]:
    """(the export's CSV, the same CSV written from today's path)."""
    new = b"".join(responses_csv(export))
    rows = export.rows_from_answers() if export.allowed else [empty_note_row(export.columns, export.empty_note())]
    old = b"".join(csv_chunks(export.columns, rows))
    return new, old


def _sheet_xml(rows, columns) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, [Sheet("responses", columns, rows)])
    return zipfile.ZipFile(io.BytesIO(out.getvalue())).read("xl/worksheets/sheet1.xml")


def test_packed_export_is_todays_export_byte_for_byte(world, monkeypatch):
    for instrument in ("SIPAS-1001", "KIOSK-QUICK"):
        export = response_export(OPERATOR, instrument, "2000..2100", min_n=5)
        for chunk in (97, 5000):  # chunk edges fall anywhere, as they do at a million
            monkeypatch.setattr(packed_rows, "CHUNK", chunk)
            new, old = _both(export)
            assert new == old, (instrument, chunk)
            assert new.count(b"\n") > 900 and export.withheld_responses < 100
        assert _sheet_xml(export.rows(), export.columns) == _sheet_xml(export.rows_from_answers(), export.columns)


def test_same_bytes_for_every_scope_filter_and_minimum(world, make_user):
    communes = db.session.scalars(select(Unit.code).join(Response, Response.unit_id == Unit.id)
                                  .where(Unit.level != "province").group_by(Unit.code)
                                  .order_by(db.func.count().desc(), Unit.code).limit(3)).all()
    agency = db.session.scalar(select(Agency.code).join(Response, Response.agency_id == Agency.id)
                               .group_by(Agency.code).order_by(db.func.count().desc(), Agency.code).limit(1))
    commune = world.choice(communes)
    cases = [(OPERATOR, None, 30), (OPERATOR, commune, 1), (OPERATOR, HOME_PROVINCE, 40),
             (scope_for(make_user("manager", unit=commune)), None, 5),
             (scope_for(make_user("manager", unit=None, agency=agency)), None, 1),
             (scope_for(make_user("homeaffairs", HOME_PROVINCE)), commune, 30)]
    for scope, unit, min_n in cases:
        export = response_export(scope, "SIPAS-1001", "2000..2100", unit, None, min_n)
        new, old = _both(export)
        assert new == old, (scope.role, unit, min_n)
        assert new.count(b"\n") > 10, (scope.role, unit, min_n)


def test_only_the_responses_the_blob_cannot_hold_read_answer_rows(world, monkeypatch):
    """One streamed read of short response rows, a chunk at a time; the answers table only for the damaged blobs
    and the wide codes."""
    from survey.services.exports import responses

    export = response_export(OPERATOR, "SIPAS-1001", "2000..2100", min_n=1)
    width = 2 * len(db.session.scalars(select(Item.id).where(Item.version_id == export.version_id)).all())
    wide = set(db.session.scalars(text("SELECT response_id FROM answers WHERE code >= 10")))
    expected = {rid for rid, blob in db.session.execute(
        select(Response.id, Response.answer_codes).where(Response.instrument_version_id == export.version_id))
        if blob is None or len(blob) != width or rid in wide}
    asked: list[int] = []
    original = responses._answers
    monkeypatch.setattr(responses, "_answers", lambda ids: asked.extend(ids) or original(ids))
    monkeypatch.setattr(packed_rows, "CHUNK", 100)
    fetched: list[int] = []
    stream = packed_rows.stream_rows

    def counting(sql, params, size, conn=None, **options):
        for part in stream(sql, params, size, conn, **options):
            fetched.append(len(part))
            yield part

    monkeypatch.setattr(packed_rows, "stream_rows", counting)
    rows = list(export.rows())
    assert len(rows) == 2000 and max(fetched) == 100 and len(fetched) == 20
    assert expected and sorted(asked) == sorted(expected)


def test_wide_code_items_come_from_the_answers_table(app, make_service_point):
    """A definition's own code 12 (no path stores it today; a hand-edited database might): shown as stored."""
    from tests.services.report_data import build

    data = build(make_service_point)
    export = response_export(OPERATOR, "KIOSK-QUICK", "2025..2026", data.commune_a, min_n=1)
    item_id = next(item for column, item, _ in export.item_columns if column == "Q")
    first = db.session.scalar(select(Response.id).order_by(Response.id))
    db.session.execute(text("DELETE FROM answers WHERE response_id = :r AND item_id = :i"), {"r": first, "i": item_id})
    db.session.execute(text("INSERT INTO answers (response_id, item_id, code) VALUES (:r, :i, 12)"),
                       {"r": first, "i": item_id})
    db.session.commit()
    rows = list(export.rows())
    position = export.columns.index("Q")
    assert [r[position] for r in rows if r[position] == 12] == [12]
    assert rows == list(export.rows_from_answers())


class _Leads:
    """The leads `packed_csv._lines` reads: their texts, and the byte table it builds from them."""

    def __init__(self, texts: list[str], nul: bool) -> None:
        self.texts, self.nul = texts, nul

    def matrix(self):
        import numpy as np

        data = [text.encode("utf-8") for text in self.texts]
        table = np.zeros((len(data), max(map(len, data))), dtype=np.uint8)
        for i, row in enumerate(data):
            table[i, :len(row)] = np.frombuffer(row, dtype=np.uint8)
        return table


def test_lines_from_the_byte_matrix_are_the_lines_written_plainly():
    """Numbers across a power of ten, leads of unequal UTF-8 length, blanks and two-digit codes: the byte matrix
    writes what a line at a time writes (the way taken for a lead holding a NUL byte or a code past 99)."""
    import numpy as np

    from survey.services.exports.packed_csv import _lines

    texts = [",SIPAS-1001,1,2026-01,22,X1,Xã Một,A,SP,kiosk,,",
             ',SIPAS-1001,1,2026-02,22,X2,"Phường ""Hai""",B,S,p,1,2']
    codes = np.array([[-1, 3, 12], [0, -1, 9], [-1, -1, -1], [99, 10, 0]], dtype=np.int16)
    lead = np.array([1, 0, 0, 1])
    expected = "".join(f"{998 + i}{texts[j]}" + "".join("," if v < 0 else f",{v}" for v in row) + "\n"
                       for i, (j, row) in enumerate(zip(lead.tolist(), codes.tolist()))).encode("utf-8")
    assert _lines(998, lead, codes, _Leads(texts, nul=False)) == expected
    assert _lines(998, lead, codes, _Leads(texts, nul=True)) == expected
    assert _lines(1, lead[:2], codes[:2, :0], _Leads(texts, nul=False)) == (f"1{texts[1]}\n2{texts[0]}\n").encode()
    wide = np.array([[150, -1, -2]], dtype=np.int16)  # past 99, or below the blank: a line at a time
    assert _lines(7, lead[:1], wide, _Leads(texts, nul=False)) == f"7{texts[1]},150,,-2\n".encode()
    single = np.array([[5, -1, 0]], dtype=np.int16)  # one digit per code
    assert _lines(10, lead[:1], single, _Leads(texts, nul=False)) == f"10{texts[1]},5,,0\n".encode()


def test_profile_cells_become_codes_blank_or_not():
    import numpy as np

    from survey.services.exports.packed_csv import _profile_codes

    assert _profile_codes([(1, None, 3), (None, 0, 255)], 3).tolist() == [[1, -1, 3], [-1, 0, 255]]
    assert _profile_codes([(1, None, 300), (-2, 0, 5)], 3).tolist() == [[1, -1, 300], [-2, 0, 5]]  # past the table
    assert _profile_codes([], 3).shape == (0, 3) and _profile_codes([(4,)], 1).dtype == np.int16

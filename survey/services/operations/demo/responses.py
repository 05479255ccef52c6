"""Demo responses: plausible answers that differ between units and drift over months, inserted in bulk."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from survey.extensions import db
from survey.models import Agency, AnswerTally, Item, ServicePoint, Unit
from survey.models.responses import PROFILE_FIELDS
from survey.models.units import CURRENT_VINTAGE
from survey.services.storage.partitions import ensure_months
from survey.services.storage.sql import (bulk_insert, bulk_insert_integers, foreign_keys_dropped, indexes_dropped,
                                         next_id, sync_sequence)
from survey.services.indices.packed_answers import CODE_BITS
from survey.services.indices.columns import LoadSealer
from survey.services.indices.tallies import TallyBatch
from survey.services.instruments.versions import current_version
from survey.services.organisation.units import descendant_ids, get_unit

CHUNK = 100_000
CHANNELS = np.array(["kiosk", "online", "paper", "interview"])
CHANNEL_P = (0.55, 0.25, 0.15, 0.05)
RESPONSE_COLUMNS = ("id", "client_id", "content_hash", "instrument_version_id", "service_point_id", "unit_id",
                    "agency_id", "channel", "submitted_at", "local_date", "received_at", "sex", "age_band",
                    "ethnicity", "education", "occupation", "area", "terrain", "respondent_type", "counter", "officer",
                    "answer_codes")
COMMENTS_LOW = ("Thời gian chờ quá lâu, cần bố trí thêm quầy tiếp nhận.",
                "Công chức hướng dẫn chưa rõ ràng, tôi phải đi lại nhiều lần.",
                "Phí và lệ phí chưa được niêm yết đầy đủ.",
                "Trả kết quả trễ hẹn so với phiếu hẹn.",
                "Máy lấy số thứ tự thường xuyên bị hỏng.")
COMMENTS_HIGH = ("Cán bộ nhiệt tình, chu đáo, hướng dẫn tận tình.",
                 "Thủ tục nhanh gọn, đúng hẹn. Cảm ơn trung tâm!",
                 "Nơi chờ sạch sẽ, thoáng mát, có đủ ghế ngồi.")


def generate_responses(province_code: str, n: int, seed: int = 0, instrument: str | None = None,
                       end: datetime | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Insert n responses over the 12 months before `end` (default: today); returns how many were written."""
    rng = np.random.default_rng(seed)
    blocks = {code: _Block(code) for code in ("KIOSK-QUICK", "SIPAS-1001")}
    world = _province_world(province_code, rng, end)
    # Roll-ups are counted from the chunks in memory, so nothing is read back after the load.
    tallies = TallyBatch()
    with foreign_keys_dropped("responses", "answers", "comments"):
        _load(world, blocks, n, instrument, rng, tallies, progress)
    _finish(tallies)
    return n


def generate_national(n: int, seed: int = 0, end: datetime | None = None,
                      progress: Callable[[int], None] | None = None) -> tuple[dict[str, int], int]:
    """Insert n responses spread over every province with service points (in proportion to their communes) in one
    bulk load: keys and secondary indexes are dropped once and rebuilt once at the end, the columnar blocks
    sealed from the chunks in memory. Returns ({province: n}, responses sealed)."""
    rng = np.random.default_rng(seed)
    blocks = {code: _Block(code) for code in ("KIOSK-QUICK", "SIPAS-1001")}
    communes = _communes_per_province()
    points = _provinces_with_points()
    codes = [code for code in sorted(communes) if code in points]
    weights = np.array([communes[c] for c in codes], dtype=float)
    shares = np.floor(weights / weights.sum() * n).astype(int)
    shares[: n - int(shares.sum())] += 1
    tallies, sealer = TallyBatch(), LoadSealer()
    # The roll-ups' keys too: a national load writes millions of tally rows, each checked against five tables,
    # and into empty tallies their primary keys are built once afterwards (an upsert into stored ones needs them).
    rollups = ("answer_tallies", "score_tallies")
    empty = db.session.scalar(select(AnswerTally.month).limit(1)) is None
    with foreign_keys_dropped("responses", "answers", "comments", *rollups), \
            indexes_dropped("responses", "comments", *rollups, primary_keys=rollups if empty else ()):
        for code, share in zip(codes, shares.tolist()):
            _load(_province_world(code, rng, end), blocks, share, None, rng, tallies, progress, sealer)
            tallies.settle()
        _finish(tallies)
    return dict(zip(codes, shares.tolist())), sealer.finish()


def _provinces_with_points() -> set[str]:
    parent = aliased(Unit)
    return set(db.session.scalars(
        select(parent.code).select_from(ServicePoint).join(Unit, ServicePoint.unit_id == Unit.id)
        .join(parent, Unit.parent_id == parent.id).distinct()))


def _communes_per_province() -> dict[str, int]:
    parent = aliased(Unit)
    return dict(db.session.execute(
        select(parent.code, func.count(Unit.id)).join(parent, Unit.parent_id == parent.id)
        .where(Unit.level == "commune", Unit.vintage == CURRENT_VINTAGE).group_by(parent.code)).all())


def _province_world(province_code: str, rng, end: datetime | None) -> "_World":
    province = get_unit(province_code)
    points = db.session.execute(select(ServicePoint.id, ServicePoint.unit_id, ServicePoint.agency_id)
                                .where(ServicePoint.unit_id.in_(descendant_ids(province)))
                                .order_by(ServicePoint.id)).all()
    departments = np.array(db.session.scalars(select(Agency.id).where(
        Agency.unit_id == province.id, Agency.kind.in_(("department", "branch")))).all())
    if not points or len(departments) == 0:
        raise ValueError("run build_organisation first: the province has no service points or departments")
    return _World(rng, np.array(points), departments, province.id, end)


def _load(world: "_World", blocks: dict, n: int, instrument: str | None, rng, tallies: TallyBatch,
          progress: Callable[[int], None] | None, sealer: LoadSealer | None = None) -> None:
    written = 0
    while written < n:
        size = min(CHUNK, n - written)
        # Each chunk covers the next slice of the year, so ids and client ids grow with time as in real use.
        _insert_chunk(world, blocks, size, instrument, rng, (written / n, (written + size) / n), tallies, sealer)
        written += size
        if progress:
            progress(size)


def _finish(tallies: TallyBatch) -> None:
    """Monthly partitions for the loaded months (PostgreSQL), the roll-ups, then the id sequences."""
    ensure_months(tallies.months())
    tallies.write()
    sync_sequence("responses")
    sync_sequence("comments")


class _World:
    """Unit and agency effects, monthly drift and the time window, fixed per seed."""

    def __init__(self, rng, points, departments, province_id, end):
        self.sp_ids, self.sp_units, self.sp_agencies = points[:, 0], points[:, 1], points[:, 2]
        self.departments = departments
        self.centre = np.flatnonzero(self.sp_units == province_id)
        size = rng.lognormal(0, 0.6, len(points))
        size[self.centre] = size.sum() * 0.45  # the provincial centre serves about 30% of citizens
        self.sp_p = size / size.sum()
        self.sp_effect = rng.normal(0, 0.35, len(points))
        self.sp_trend = rng.normal(0, 0.03, len(points))
        self.dept_effect = dict(zip(departments.tolist(), rng.normal(0, 0.3, len(departments))))
        end = (end or datetime.now(timezone.utc)).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
        self.end = np.datetime64(end, "s")
        self.span = 365 * 86400
        from faker import Faker

        faker = Faker("vi_VN")
        faker.seed_instance(int(rng.integers(1 << 31)))
        # Officers at the desks, named as on their badges; attribution is never shown to respondents.
        # vi_VN's name() adds honorifics and Western given names; family + middle + given reads right.
        given = (faker.first_name_male, faker.first_name_female)
        self.officers = np.array([f"{faker.last_name()} {faker.middle_name()} {given[i % 2]()}"
                                  for i in range(60)], dtype=object)


class _Block:
    """Item ids of an instrument's published version, by code."""

    def __init__(self, code: str):
        try:
            self.version = current_version(code)
        except Exception:  # noqa: BLE001 - the instrument is not loaded; the block stays unused
            self.version = None
            self.items = {}
            return
        self.items = dict(db.session.execute(
            select(Item.code, Item.id).where(Item.version_id == self.version.id)).all())

    def ids(self, prefix: str) -> list[int]:
        """Ids of the items whose code starts with prefix (e.g. "A2.")."""
        return [i for c, i in sorted(self.items.items()) if c.startswith(prefix)]


def _insert_chunk(world: _World, blocks: dict, size: int, forced: str | None, rng, part: tuple[float, float],
                  tallies: TallyBatch, sealer: LoadSealer | None = None) -> None:
    """Generate and insert one chunk of responses with their answers and comments."""
    first = next_id("responses")
    ids = np.arange(first, first + size)
    sp = rng.choice(len(world.sp_ids), size=size, p=world.sp_p)
    channel = rng.choice(len(CHANNELS), size=size, p=CHANNEL_P)
    agency = world.sp_agencies[sp].copy()
    at_centre = np.isin(sp, world.centre)
    agency[at_centre] = rng.choice(world.departments, size=int(at_centre.sum()))
    offset = np.sort(rng.integers(int(part[0] * world.span), max(int(part[1] * world.span), 1), size))
    submitted = world.end - world.span + offset.astype("timedelta64[s]")
    month_pos = offset / world.span * 12
    dept = np.array([world.dept_effect.get(a, 0.0) for a in agency.tolist()])
    latent = 3.85 + world.sp_effect[sp] + dept + world.sp_trend[sp] * month_pos + rng.normal(0, 0.45, size)
    if forced:
        use_sipas = np.full(size, forced == "SIPAS-1001")
    else:
        use_sipas = channel != 0  # kiosks ask KIOSK-QUICK; online, paper and interviews the SIPAS form
    if blocks["SIPAS-1001"].version is None:
        use_sipas[:] = False
    answers, comments = [], []
    kiosk = np.flatnonzero(~use_sipas)
    sipas = np.flatnonzero(use_sipas)
    if len(kiosk):
        answers += _kiosk_answers(blocks["KIOSK-QUICK"], ids[kiosk], latent[kiosk], rng, comments)
    if len(sipas):
        answers += _sipas_answers(blocks["SIPAS-1001"], ids[sipas], latent[sipas], channel[sipas], rng)
    version = np.where(use_sipas, blocks["SIPAS-1001"].version.id if blocks["SIPAS-1001"].version else 0,
                       blocks["KIOSK-QUICK"].version.id)
    packed = _packed(ids, version, answers, blocks)
    typed = use_sipas & ("respondent_type" in blocks["SIPAS-1001"].items)  # version 2 no longer asks it
    local, written = _write_responses(ids, sp, world, agency, channel, version, submitted, use_sipas, rng, packed,
                                      typed)
    if sealer is not None:  # the columnar blocks from this chunk, rather than reading every response back
        sealer.add({**written, "procedure_code": [None] * size, "field_code": [None] * size}, version)
    answer_frame = _write_answers(answers)
    _write_comments(comments, blocks["KIOSK-QUICK"])
    months = local.astype("datetime64[M]")
    month = (months.astype("datetime64[Y]").astype(int) + 1970) * 100 + months.astype(int) % 12 + 1
    tallies.add(pd.DataFrame({"id": ids, "instrument_version_id": version, "month": month,
                              "unit_id": world.sp_units[sp], "service_point_id": world.sp_ids[sp],
                              "agency_id": agency, "channel": CHANNELS[channel]}), answer_frame)


def _codes(latent, item_effect, rng, spread=0.6):
    """sat5 codes from a latent mean: rounded, clipped to 1–5, with about 3% code 9 (no answer)."""
    raw = np.rint(latent[:, None] + item_effect[None, :] + rng.normal(0, spread, (len(latent), len(item_effect))))
    codes = np.clip(raw, 1, 5).astype(np.int16)
    codes[rng.random(codes.shape) < 0.03] = 9
    return codes


def _kiosk_answers(block: _Block, ids, latent, rng, comments: list) -> list:
    """Q for everyone; reasons (and sometimes a comment) when Q ≤ 2."""
    q = np.clip(np.rint(latent + rng.normal(0, 0.7, len(ids))), 1, 5).astype(np.int16)
    parts = [(ids, np.full(len(ids), block.items["Q"]), q)]
    low = np.flatnonzero(q <= 2)
    reasons = rng.random((len(low), 7)) < np.array([0.45, 0.3, 0.25, 0.1, 0.2, 0.15, 0.05])
    reasons[np.arange(len(low)), rng.integers(0, 7, len(low))] = True  # at least one reason
    r_row, r_col = np.nonzero(reasons)
    parts.append((ids[low][r_row], np.full(len(r_row), block.items["R"]), (r_col + 1).astype(np.int16)))
    for i in np.flatnonzero(rng.random(len(ids)) < np.where(q <= 2, 0.3, 0.02)).tolist():
        pool = COMMENTS_LOW if q[i] <= 2 else COMMENTS_HIGH
        comments.append((int(ids[i]), pool[int(rng.integers(len(pool)))]))
    return parts


def _sipas_answers(block: _Block, ids, latent, channel, rng) -> list:
    """A2 block with X.4 = 1 and X.5; paper and interviews add X, P and H; interviews add A1."""
    items = block.items
    a2 = np.array(block.ids("A2."))
    a2_feedback = np.array([c.startswith("A2.5.") for c, _ in sorted((c, i) for c, i in items.items()
                                                                     if c.startswith("A2."))])
    x5 = (rng.random(len(ids)) < 0.3).astype(np.int16)
    codes = _codes(latent, rng.normal(0, 0.25, len(a2)), rng)
    mask = np.ones(codes.shape, bool)
    mask[:, a2_feedback] = x5[:, None] == 1  # routing: A2.5 only when X.5 = 1
    parts = [_matrix(ids, a2, codes, mask)]
    parts.append((ids, np.full(len(ids), items["X.4"]), np.ones(len(ids), np.int16)))
    parts.append((ids, np.full(len(ids), items["X.5"]), x5))
    full = np.flatnonzero(channel >= 2)
    if len(full):
        xs = np.array([items[f"X.{k}"] for k in (1, 2, 3, 6, 7)])
        parts.append(_matrix(ids[full], xs, (rng.random((len(full), 5)) < 0.4).astype(np.int16)))
        ps = np.array(block.ids("P."))
        parts.append(_matrix(ids[full], ps, rng.choice([1, 2, 3, 9], (len(full), len(ps)),
                                                       p=[0.35, 0.4, 0.2, 0.05]).astype(np.int16)))
        hs = np.array(block.ids("H."))
        parts.append(_matrix(ids[full], hs, rng.choice([1, 2, 3, 9], (len(full), len(hs)),
                                                       p=[0.8, 0.12, 0.03, 0.05]).astype(np.int16)))
        if "I.1" in items:  # version 2's assessment block (methodology 2.3a)
            parts += _assessment_answers(block, ids[full], latent[full], rng)
    interview = np.flatnonzero(channel == 3)
    a1 = np.array(block.ids("A1."))
    if len(interview) and len(a1):
        parts.append(_matrix(ids[interview], a1, _codes(latent[interview] - 0.3, rng.normal(0, 0.3, len(a1)), rng)))
    return parts


def _assessment_answers(block: _Block, ids, latent, rng) -> list:
    """I.1–I.8 interest (int3), I.9 channels and I.11 willingness (multi), I.10 (sat5), C.1 and C.2."""
    items, n = block.items, len(ids)
    interest = np.array([items[f"I.{k}"] for k in range(1, 9)])
    parts = [_matrix(ids, interest, rng.choice([1, 2, 3, 9], (n, 8), p=[0.2, 0.5, 0.27, 0.03]).astype(np.int16))]
    parts.append((ids, np.full(n, items["I.10"]), _codes(latent, np.zeros(1), rng)[:, 0]))
    channels = rng.random((n, 6)) < np.array([0.6, 0.5, 0.35, 0.25, 0.3, 0.05])
    channels[np.arange(n), rng.integers(0, 6, n)] = True  # everyone follows policy somewhere
    rows, cols = np.nonzero(channels)
    parts.append((ids[rows], np.full(len(rows), items["I.9"]), (cols + 1).astype(np.int16)))
    willing = rng.random(n) < 0.55
    ways = (rng.random((n, 5)) < np.array([0.7, 0.2, 0.3, 0.15, 0.05])) & willing[:, None]
    ways[np.flatnonzero(willing), rng.integers(0, 5, int(willing.sum()))] = True
    rows, cols = np.nonzero(ways)
    parts.append((ids[rows], np.full(len(rows), items["I.11"]), (cols + 1).astype(np.int16)))
    unwilling = ids[~willing]  # code 0: not willing, alone
    parts.append((unwilling, np.full(len(unwilling), items["I.11"]), np.zeros(len(unwilling), np.int16)))
    cs = np.array([items["C.1"], items["C.2"]])
    parts.append(_matrix(ids, cs, rng.choice([1, 2, 3], (n, 2), p=[0.5, 0.2, 0.3]).astype(np.int16)))
    return parts


def _matrix(ids, item_ids, codes, mask=None):
    """(response ids, item ids, codes) for the cells of a response × item matrix kept by mask."""
    rows, cols = np.nonzero(mask if mask is not None else np.ones(codes.shape, bool))
    return ids[rows], item_ids[cols], codes[rows, cols]


def _packed(ids, version, answers: list, blocks: dict) -> list[bytes]:
    """Each response's answers packed as survey.services.indices.packed_answers lays them out (a slot per item of its
    version, in item-id order; bit c for code c), from the generated arrays."""
    width, slot_of = {}, {}
    for block in blocks.values():
        if block.version is not None:
            ordered = sorted(block.items.values())
            width[block.version.id] = len(ordered)
            slot_of.update((item, slot) for slot, item in enumerate(ordered))
    lookup = np.zeros(max(slot_of) + 1, np.int64)
    lookup[list(slot_of)] = list(slot_of.values())
    cols = max(width.values())
    rids, items, codes = (np.concatenate(part) for part in zip(*answers))
    keep = (codes >= 0) & (codes < CODE_BITS)
    # (response, item, code) is unique, so adding each code's bit is the same as or-ing it.
    cells = (rids[keep] - ids[0]) * cols + lookup[items[keep]]
    bits = np.bincount(cells, weights=np.left_shift(1, codes[keep].astype(np.int64)), minlength=len(ids) * cols)
    rows = bits.astype("<u2").reshape(len(ids), cols)
    return [rows[i, :width[v]].tobytes() for i, v in enumerate(version.tolist())]


def _write_responses(ids, sp, world, agency, channel, version, submitted, use_sipas, rng,
                     packed: list[bytes], typed) -> tuple[np.ndarray, dict]:
    """Response rows: UTC timestamps as text, local (UTC+7) dates, profile codes on SIPAS forms. Returns the
    local days and the values written, by column."""
    size = len(ids)
    # UUIDv7: a millisecond timestamp then random bits, so the unique index on client_id fills in order.
    stamps_hex = [f"{ms:012x}" for ms in submitted.astype("datetime64[ms]").astype(np.int64).tolist()]
    hexes = rng.bytes(10 * size).hex()
    client = [f"{t[:8]}-{t[8:]}-7{h[:3]}-a{h[3:6]}-{h[6:18]}"
              for t, h in zip(stamps_hex, (hexes[i * 20:(i + 1) * 20] for i in range(size)))]
    stamps = np.char.replace(np.datetime_as_string(submitted, unit="us"), "T", " ").tolist()
    local_days = (submitted + np.timedelta64(7, "h")).astype("datetime64[D]")
    local = np.datetime_as_string(local_days).tolist()
    received = np.char.replace(np.datetime_as_string(submitted + np.timedelta64(2, "s"), unit="us"), "T", " ").tolist()

    codes = []  # each profile field as integers, -1 for none: the columnar blocks take them without a copy

    def profile(choices, p_missing=0.1, asked=use_sipas):
        drawn = rng.choice(choices, size)
        missing = (rng.random(size) < p_missing) | ~asked
        codes.append(np.where(missing, -1, drawn))
        values = drawn.astype(object)
        values[missing] = None
        return values.tolist()

    columns = [ids.tolist(), client, [hashlib.sha256(c.encode()).hexdigest() for c in client], version.tolist(),
               world.sp_ids[sp].tolist(), world.sp_units[sp].tolist(), agency.tolist(),
               CHANNELS[channel].tolist(), stamps, local, received,
               profile([1, 2]), profile([1, 2, 3, 4, 5]), profile([1, 1, 1, 1, 2]), profile([1, 2, 3, 4, 5, 6]),
               profile([1, 2, 3, 4, 5, 6, 7]), profile([1, 2]), profile([1, 2, 3]), profile([1, 1, 1, 2], asked=typed)]
    attributed = (channel == 0) & (rng.random(size) < 0.5)
    counter = np.where(attributed, np.char.add("Q", rng.integers(1, 13, size).astype(str)), None)
    officer = np.where(attributed, world.officers[rng.integers(0, len(world.officers), size)], None)
    columns += [counter.tolist(), officer.tolist(), packed]
    bulk_insert("responses", RESPONSE_COLUMNS, zip(*columns))
    return local_days, {"id": ids, "local_date": local_days, "unit_id": world.sp_units[sp], "agency_id": agency,
                        "service_point_id": world.sp_ids[sp], "channel": CHANNELS[channel],
                        "answer_codes": packed, **dict(zip(PROFILE_FIELDS, codes))}


def _write_answers(parts: list) -> pd.DataFrame:
    """All answer rows of the chunk, sorted by primary key so the B-tree fills in order."""
    resp = np.concatenate([p[0] for p in parts])
    item = np.concatenate([p[1] for p in parts])
    code = np.concatenate([p[2] for p in parts])
    order = np.lexsort((code, item, resp))
    resp, item, code = resp[order], item[order], code[order]
    bulk_insert_integers("answers", ("response_id", "item_id", "code"), (resp, item, code), (4, 4, 2))
    return pd.DataFrame({"response_id": resp, "item_id": item, "code": code})


def _write_comments(comments: list, block: _Block) -> None:
    """Kiosk comments, new (awaiting moderation)."""
    if not comments or "COMMENT" not in block.items:
        return
    first = next_id("comments")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000000")
    bulk_insert("comments", ("id", "response_id", "item_id", "text", "status", "created_at"),
                [(first + i, rid, block.items["COMMENT"], text, "new", now) for i, (rid, text) in enumerate(comments)])

"""Packed answer codes: the blob layout, and counts and respondent scores computed from blobs by hand."""
from __future__ import annotations

import numpy as np
import pytest

from survey.indices import ONESTOP_TOTAL, OVERALL, Scorer
from survey.services.indices.packed_answers import PackedCounts, pack, unpack

LAYOUT = (11, 12, 13, 20)  # item ids in blob order
SLOTS = {item: slot for slot, item in enumerate(LAYOUT)}
SHARE = Scorer(components=("F1", OVERALL), membership={11: (0, 1), 12: (0, 1), 13: (1,)}, points_items=frozenset())


def test_a_blob_is_one_little_endian_uint16_of_code_bits_per_item():
    blob = pack(SLOTS, [(11, 5), (13, 1), (13, 3), (20, 0)])
    assert blob == bytes([0b100000, 0, 0, 0, 0b1010, 0, 1, 0])
    assert unpack([blob], 4).tolist() == [[32, 0, 10, 1]]


def test_codes_outside_0_to_9_are_left_out_as_the_roll_ups_leave_them():
    assert pack(SLOTS, [(11, 10), (12, 99)]) == bytes(8)


def test_a_blob_of_another_width_is_refused():
    with pytest.raises(ValueError):
        unpack([bytes(6)], 4)


def test_counts_and_shares_per_key_by_hand():
    blobs = [pack(SLOTS, [(11, 5), (12, 2), (13, 4)]),   # F1: 1 of 2 satisfied; OVERALL 2 of 3
             pack(SLOTS, [(11, 9), (12, 4)]),            # 9 = no answer: F1 1 of 1; OVERALL 1 of 1
             pack(SLOTS, [(13, 1)]),                     # F1 not answered; OVERALL 0 of 1
             pack(SLOTS, [])]                            # nothing: no score at all
    counts = PackedCounts(LAYOUT, SHARE)
    counts.add(["a", "a", "b", None], blobs)
    items = counts.items().sort_values(["key", "item_id", "code"], na_position="last")
    assert [tuple(r) for r in items[items.key == "a"][["item_id", "code", "count"]].itertuples(index=False)] == \
        [(11, 5, 1), (11, 9, 1), (12, 2, 1), (12, 4, 1), (13, 4, 1)]
    sums = {(r.key, r.component): (r.n, round(r.sum, 9), round(r.sumsq, 9)) for r in counts.sums().itertuples()}
    assert sums == {("a", "F1"): (2, 1.5, 1.25), ("a", OVERALL): (2, round(2 / 3 + 1, 9), round(4 / 9 + 1, 9)),
                    ("b", OVERALL): (1, 0.0, 0.0)}


def test_points_scores_are_the_sum_of_codes_0_to_2():
    scorer = Scorer(components=(ONESTOP_TOTAL,), membership={}, points_items=frozenset({11, 12}))
    counts = PackedCounts(LAYOUT, scorer)
    counts.add([1, 1, 2], [pack(SLOTS, [(11, 2), (12, 1)]), pack(SLOTS, [(11, 0)]), pack(SLOTS, [(13, 2)])])
    assert [tuple(r) for r in counts.sums()[["key", "component", "n", "sum", "sumsq"]].itertuples(index=False)] == \
        [(1, ONESTOP_TOTAL, 2, 3.0, 9.0)]


def test_adding_in_chunks_gives_the_same_figures_as_at_once():
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 7, 500).tolist()
    blobs = [pack(SLOTS, [(item, int(rng.integers(1, 6))) for item in LAYOUT if rng.random() < 0.8])
             for _ in keys]
    whole, chunked = PackedCounts(LAYOUT, SHARE), PackedCounts(LAYOUT, SHARE)
    whole.add(keys, blobs)
    for start in range(0, 500, 64):
        chunked.add(keys[start:start + 64], blobs[start:start + 64])

    def normal(frame):
        return frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)

    assert normal(whole.items()).equals(normal(chunked.items()))
    left, right = normal(whole.sums()), normal(chunked.sums())
    assert left[["key", "component", "n"]].equals(right[["key", "component", "n"]])
    assert np.allclose(left[["sum", "sumsq"]], right[["sum", "sumsq"]])


def test_many_keys_count_like_a_plain_loop():
    rng = np.random.default_rng(8)
    keys = rng.integers(0, 2000, 3000).tolist()
    answers = [[(item, int(rng.integers(0, 10))) for item in LAYOUT if rng.random() < 0.7] for _ in keys]
    counts = PackedCounts(LAYOUT, None)
    counts.add(keys, [pack(SLOTS, a) for a in answers])
    expected: dict = {}
    for key, given in zip(keys, answers):
        for item, code in given:
            expected[(key, item, code)] = expected.get((key, item, code), 0) + 1
    got = {(k, i, c): n for k, i, c, n in counts.items().itertuples(index=False)}
    assert got == expected

"""The fixed answer scales of methodology 2.1 and 2.3a: sat5, sat3, prio3, yesno, freq3, int3 and pts2."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wtforms import RadioField
from wtforms.fields.core import UnboundField

from survey.instruments.types.base import ItemLike, QuestionType, Text, field_validators, is_code, pick

NO_ANSWER: Text = {"vi": "Không trả lời / không áp dụng", "en": "No answer / not applicable"}


class Scale(QuestionType):
    """A scale whose codes and labels are fixed by the methodology, the same for every item."""

    def __init__(self, name: str, labels: Mapping[int, Text], scoring: str | None) -> None:
        self.name, self.labels, self.scoring = name, labels, scoring
        self.codes = tuple(sorted(labels))

    def validate(self, value: Any, item: ItemLike) -> int:
        """The code itself; wrong_type for anything but an integer, out_of_scale for a code not on the scale."""
        if not is_code(value):
            raise self._error("wrong_type", f"{item.code}: an answer code (integer) is expected", item)
        if value not in self.codes_for(item):
            raise self._error("out_of_scale", f"{item.code}: {value} is not a code of the {self.name} scale",
                              item, value=value, codes=list(self.codes_for(item)))
        return value

    def form_field(self, item: ItemLike, lang: str) -> UnboundField:
        """Radio buttons, one per code, in the scale's display order."""
        return RadioField(pick(item.text, lang), choices=self.field_choices(item, lang), coerce=int,
                          validators=field_validators(self, item))


class Points(Scale):
    """pts2: 0–2 points; the labels of each indicator come from its scoring table (item choices) when given."""

    def options(self, item: ItemLike, lang: str) -> list[tuple[int, str]]:
        """The indicator's scoring-table labels, else the plain point labels."""
        if item.choices:
            return [(choice.code, pick(choice.text, lang)) for choice in item.choices]
        return super().options(item, lang)


SAT5 = Scale("sat5", {
    1: {"vi": "Rất không hài lòng", "en": "Very dissatisfied"},
    2: {"vi": "Không hài lòng", "en": "Dissatisfied"},
    3: {"vi": "Bình thường", "en": "Neutral"},
    4: {"vi": "Hài lòng", "en": "Satisfied"},
    5: {"vi": "Rất hài lòng", "en": "Very satisfied"},
    9: NO_ANSWER,
}, scoring="top2box")

# Three levels stored on the sat5 codes (methodology 2.1), so kiosk and survey answers score alike.
SAT3 = Scale("sat3", {
    5: {"vi": "Rất hài lòng", "en": "Very satisfied"},
    4: {"vi": "Hài lòng", "en": "Satisfied"},
    2: {"vi": "Không hài lòng", "en": "Dissatisfied"},
}, scoring="top2box")

PRIO3 = Scale("prio3", {
    3: {"vi": "Rất nhiều", "en": "Very much"},
    2: {"vi": "Nhiều", "en": "Much"},
    1: {"vi": "Ít", "en": "A little"},
    9: NO_ANSWER,
}, scoring="share_2_3")

YESNO = Scale("yesno", {
    1: {"vi": "Đã từng / Có", "en": "Yes"},
    0: {"vi": "Chưa từng / Không", "en": "No"},
    9: NO_ANSWER,
}, scoring=None)

FREQ3 = Scale("freq3", {
    1: {"vi": "Không có", "en": "None"},
    2: {"vi": "Một số", "en": "Some"},
    3: {"vi": "Nhiều", "en": "Many"},
    9: NO_ANSWER,
}, scoring=None)

# Interest in a policy area (SIPAS-1001 version 2, I.1–I.8): assessed, never scored.
INT3 = Scale("int3", {
    1: {"vi": "Không quan tâm", "en": "Not interested"},
    2: {"vi": "Quan tâm", "en": "Interested"},
    3: {"vi": "Rất quan tâm", "en": "Very interested"},
    9: NO_ANSWER,
}, scoring=None)

PTS2 = Points("pts2", {
    2: {"vi": "2 điểm", "en": "2 points"},
    1: {"vi": "1 điểm", "en": "1 point"},
    0: {"vi": "0 điểm", "en": "0 points"},
}, scoring="points")

SCALES: tuple[Scale, ...] = (SAT5, SAT3, PRIO3, YESNO, FREQ3, INT3, PTS2)

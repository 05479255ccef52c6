"""single: one code from the item's own list of choices (profile fields, preferred channels)."""
from __future__ import annotations

from typing import Any

from wtforms import RadioField
from wtforms.fields.core import UnboundField

from survey.instruments.types.base import ItemLike, QuestionType, field_validators, is_code, pick


class SingleChoice(QuestionType):
    """One code out of the choices the item lists."""

    name = "single"
    uses_choices = True

    def codes_for(self, item: ItemLike) -> tuple[int, ...]:
        """The item's choice codes, in its order."""
        return tuple(choice.code for choice in item.choices)

    def options(self, item: ItemLike, lang: str) -> list[tuple[int, str]]:
        """The item's choices labelled in `lang`."""
        return [(choice.code, pick(choice.text, lang)) for choice in item.choices]

    def validate(self, value: Any, item: ItemLike) -> int:
        """The code; wrong_type for a non-integer, not_a_code when the item lists no such choice."""
        if not is_code(value):
            raise self._error("wrong_type", f"{item.code}: an answer code (integer) is expected", item)
        if value not in self.codes_for(item):
            raise self._error("not_a_code", f"{item.code}: {value} is not one of the listed choices",
                              item, value=value, codes=list(self.codes_for(item)))
        return value

    def form_field(self, item: ItemLike, lang: str) -> UnboundField:
        """Radio buttons, one per choice."""
        return RadioField(pick(item.text, lang), choices=self.field_choices(item, lang), coerce=int,
                          validators=field_validators(self, item))


SINGLE = SingleChoice()

"""multi: a set of codes from the item's choices (improvement areas, reasons for dissatisfaction)."""
from __future__ import annotations

from typing import Any

from wtforms import SelectMultipleField
from wtforms.fields.core import UnboundField
from wtforms.widgets import CheckboxInput, ListWidget

from survey.instruments.types.base import ItemLike, QuestionType, field_validators, is_code, pick


class MultiChoice(QuestionType):
    """Any number (up to `max_choices`) of distinct codes out of the item's choices; counted per code."""

    name = "multi"
    uses_choices = True
    multiple = True

    def codes_for(self, item: ItemLike) -> tuple[int, ...]:
        """The item's choice codes, in its order."""
        return tuple(choice.code for choice in item.choices)

    def options(self, item: ItemLike, lang: str) -> list[tuple[int, str]]:
        """The item's choices labelled in `lang`."""
        return [(choice.code, pick(choice.text, lang)) for choice in item.choices]

    def validate(self, value: Any, item: ItemLike) -> list[int]:
        """The chosen codes in ascending order; wrong_type, not_a_code, duplicate_code or too_many otherwise."""
        if not isinstance(value, (list, tuple)) or not all(is_code(code) for code in value):
            raise self._error("wrong_type", f"{item.code}: a list of answer codes (integers) is expected", item)
        unknown = [code for code in value if code not in self.codes_for(item)]
        if unknown:
            raise self._error("not_a_code", f"{item.code}: {unknown[0]} is not one of the listed choices",
                              item, value=unknown[0], codes=list(self.codes_for(item)))
        if len(set(value)) != len(value):
            raise self._error("duplicate_code", f"{item.code}: a choice is given twice", item)
        if item.max_choices is not None and len(value) > item.max_choices:
            raise self._error("too_many", f"{item.code}: at most {item.max_choices} choices",
                              item, max_choices=item.max_choices)
        return sorted(value)

    def form_field(self, item: ItemLike, lang: str) -> UnboundField:
        """Check boxes, one per choice."""
        return SelectMultipleField(pick(item.text, lang), choices=self.field_choices(item, lang), coerce=int,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                   validators=field_validators(self, item))


MULTI = MultiChoice()

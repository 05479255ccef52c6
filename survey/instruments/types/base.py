"""The question-type contract: answer codes, validation with stable error codes, a form field, a scoring hint."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from wtforms import ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from survey.errors import DomainError

if TYPE_CHECKING:
    from wtforms.fields.core import UnboundField

Text = Mapping[str, str]  # language code → wording, "vi" always present


class ChoiceLike(Protocol):
    """What a type needs to know about one listed answer option."""

    code: int
    text: Text


class ItemLike(Protocol):
    """What a type needs to know about an item (see definition.Item)."""

    code: str
    text: Text
    choices: Sequence[ChoiceLike]
    max_length: int | None
    max_choices: int | None
    required: bool


class AnswerError(DomainError, ValueError):
    """An answer broke its question type; `code` is one of not_a_code, out_of_scale, wrong_type, too_long, ..."""

    status = 422


def pick(text: Text, lang: str) -> str:
    """The wording in `lang`, falling back to Vietnamese, the default language."""
    return text.get(lang) or text["vi"]


def is_code(value: object) -> bool:
    """True for an int that is not a bool (JSON true must not pass as code 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


class QuestionType:
    """Base of every question type; one instance per type lives in the registry."""

    name: str = ""
    codes: tuple[int, ...] = ()  # valid codes when fixed by the type; () when the item lists its own
    labels: Mapping[int, Text] = {}  # display order of the fixed codes
    scoring: str | None = None  # "top2box", "points", "share_2_3" or None
    tallied: bool = True  # answers are codes 0–9, countable per item and code
    multiple: bool = False  # the answer is a list of codes
    uses_choices: bool = False  # the item must list its choices

    def codes_for(self, item: ItemLike) -> tuple[int, ...]:
        """The codes an answer to `item` may take."""
        return self.codes

    def options(self, item: ItemLike, lang: str) -> list[tuple[int, str]]:
        """(code, label) pairs in display order, labelled in `lang`."""
        return [(code, pick(text, lang)) for code, text in self.labels.items()]

    def field_choices(self, item: ItemLike, lang: str) -> list[SelectChoice]:
        """The options as WTForms choices."""
        return [SelectChoice(code, label) for code, label in self.options(item, lang)]

    def validate(self, value: Any, item: ItemLike) -> Any:
        """The normalised answer, or AnswerError with a stable code."""
        raise NotImplementedError

    def form_field(self, item: ItemLike, lang: str) -> UnboundField:
        """An unbound WTForms field asking `item` in `lang`."""
        raise NotImplementedError

    def _error(self, code: str, message: str, item: ItemLike, **params: object) -> AnswerError:
        return AnswerError(code, message, item=item.code, type=self.name, **params)


class Checks:
    """WTForms validator that runs the type's own validate, so forms and the API agree on every rule."""

    def __init__(self, qtype: QuestionType, item: ItemLike) -> None:
        self.qtype, self.item = qtype, item

    def __call__(self, form: object, field: Any) -> None:
        try:
            field.data = self.qtype.validate(field.data, self.item)
        except AnswerError as exc:
            raise ValidationError(exc.message) from exc


def field_validators(qtype: QuestionType, item: ItemLike) -> list[object]:
    """Form validators: optional unless the item is required (SIPAS answers are voluntary), then the type's checks."""
    return [InputRequired() if item.required else Optional(), Checks(qtype, item)]

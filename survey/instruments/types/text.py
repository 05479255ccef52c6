"""text: free text (comments), normalised to NFC, stripped and length-limited."""
from __future__ import annotations

import unicodedata
from typing import Any

from wtforms import TextAreaField
from wtforms.fields.core import UnboundField

from survey.instruments.types.base import ItemLike, QuestionType, field_validators, pick

DEFAULT_MAX_LENGTH = 2000


def _clean(value: Any) -> Any:
    """NFC and stripped, for a form filter; leaves non-strings alone for validate to reject."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def _printable(text: str) -> bool:
    """False for control characters other than line breaks and tabs, and for lone surrogates."""
    # NUL is refused by PostgreSQL and a lone surrogate cannot be encoded as UTF-8: both would fail at storage.
    return not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\r\t" for ch in text)


class FreeText(QuestionType):
    """A free-text answer; not counted, never part of an index."""

    name = "text"
    tallied = False

    def limit(self, item: ItemLike) -> int:
        """The item's maximum length in characters (after NFC)."""
        return item.max_length or DEFAULT_MAX_LENGTH

    def validate(self, value: Any, item: ItemLike) -> str:
        """The text in NFC, stripped; wrong_type, bad_character or too_long otherwise ("" means unanswered)."""
        if not isinstance(value, str):
            raise self._error("wrong_type", f"{item.code}: text is expected", item)
        if not _printable(value):
            raise self._error("bad_character", f"{item.code}: the text contains a control character", item)
        text = _clean(value)
        if len(text) > self.limit(item):
            raise self._error("too_long", f"{item.code}: at most {self.limit(item)} characters",
                              item, max_length=self.limit(item), length=len(text))
        return text

    def form_field(self, item: ItemLike, lang: str) -> UnboundField:
        """A text area; the filter normalises before the checks run."""
        return TextAreaField(pick(item.text, lang), filters=[_clean], validators=field_validators(self, item),
                             render_kw={"maxlength": self.limit(item)})


TEXT = FreeText()

"""The question-type registry: type name → the object that validates, renders and hints at scoring its answers."""
from __future__ import annotations

from survey.instruments.types.base import AnswerError, QuestionType
from survey.instruments.types.choice import SINGLE
from survey.instruments.types.multi import MULTI
from survey.instruments.types.scales import SCALES
from survey.instruments.types.text import TEXT

# Adding a type: write its module, then list its object here.
REGISTRY: dict[str, QuestionType] = {qtype.name: qtype for qtype in (*SCALES, SINGLE, MULTI, TEXT)}


def get_type(name: str) -> QuestionType:
    """The registered type called `name`; KeyError when there is none."""
    return REGISTRY[name]


__all__ = ["REGISTRY", "AnswerError", "QuestionType", "get_type"]

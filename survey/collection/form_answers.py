"""Answers from an HTML form (online and paper screens) as the API's answers/respondent objects."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from survey.collection.questions import questions_for
from survey.instruments.routing import applicable_items
from survey.services.responses.catalog import Version


def _code(value: str) -> Any:
    """A submitted code as an integer; anything else passes through so validation names the problem."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) < 4 else value


def answers_from_form(form: Mapping, version: Version, block: str | None, profile: bool,
                      comments: bool = False) -> tuple[dict, dict]:
    """(answers, respondent) from fields a.<code> / r.<code>; items routing skips are dropped, not refused."""
    answers: dict[str, Any] = {}
    respondent: dict[str, Any] = {}
    for q in questions_for(version, block, profile, comments):
        key = f"{'r' if q.profile else 'a'}.{q.code}"
        if q.multiple:
            # Check boxes send one value each; a typed field sends "1 3 5" (paper entry).
            value: Any = [_code(part) for v in form.getlist(key) for part in re.split(r"[\s,;]+", v) if part]
        elif q.free_text:
            value = form.get(key, "")
        else:
            value = _code(form.get(key, ""))
        if value in ("", []):
            continue
        (respondent if q.profile else answers)[q.code] = value
    # A form without scripts shows every question: answers to questions the routing skips are left out here
    # (skipped means absent), by the one routing implementation.
    asked = applicable_items(version.definition, {**answers, **respondent})
    return ({k: v for k, v in answers.items() if k in asked}, {k: v for k, v in respondent.items() if k in asked})


def _messages() -> dict[str, str]:
    return {"required": _("Please answer this question."), "too_long": _("This text is too long."),
            "bad_character": _("Please remove the special characters."),
            "bad_format": _("This code is not valid."), "empty": _("Please answer at least one question."),
            "dossier_rated": _("This dossier has already been rated on this channel."),
            "unknown": _("Unknown code."), "in_future": _("This date is in the future.")}


def field_errors(errors: list[dict], dossier_field: str = "d") -> dict[str, str]:
    """API errors keyed by form field name (answers.Q → a.Q, respondent.sex → r.sex, dossier → d), translated."""
    messages, out = _messages(), {}
    for e in errors:
        field = e.get("field", "")
        name = "a." + field[8:] if field.startswith("answers.") else "r." + field[11:] \
            if field.startswith("respondent.") else {"dossier": dossier_field, "dossier_rated": dossier_field,
                                                   "answers": "a"}.get(field, field)
        fallback = _("Please choose one of the answers shown.") if name[:2] in ("a.", "r.") else e["message"]
        out.setdefault(name, messages.get(e.get("code", ""), fallback))
    return out

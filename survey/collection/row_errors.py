"""Import row errors in the reader's language: error codes → translated text, in one place (issue 19.9).

The services report {field, code, message[, item, value]} in English (the API and CLI keep them); the paper
import screen shows the wording below, filled with the item code and the cell, else the English message."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

DATE = _l("write the date as 01/03/2026 or 2026-03-01 (a time may follow, e.g. 01/03/2026 09:30)")
# (field, code) first, then (None, code) for any field.
ROW = {
    ("submitted_at", "bad_format"): DATE, ("submitted_at", "wrong_type"): DATE,
    ("submitted_at", "required"): DATE, ("submitted_at", "no_offset"): DATE,
    ("submitted_at", "in_future"): _l("the date is in the future"),
    ("submitted_at", "too_old"): _l("the date is too long ago"),
    ("submitted_at", "out_of_range"): _l("the date is outside the accepted range"),
    ("service_point", "unknown"): _l("there is no service point %(value)s"),
    ("service_point", "required"): _l("the service point code is missing"),
    ("instrument", "unknown"): _l("there is no questionnaire %(value)s"),
    ("instrument", "required"): _l("the questionnaire code is missing"),
    ("version", "unknown"): _l("this questionnaire has no version %(value)s"),
    ("version", "not_published"): _l("version %(value)s of this questionnaire is not published"),
    ("version", "wrong_type"): _l("the version must be a whole number"),
    ("id", "bad_format"): _l("the id must be a UUID, or left empty"),
    ("dossier", "bad_format"): _l("%(value)s is not a dossier code"),
    ("dossier", "not_in_force"): _l("this questionnaire was not in force on the dossier's receipt date"),
    ("channel", "unknown"): _l("the channel %(value)s is not accepted"),
    ("agency", "unknown"): _l("there is no agency %(value)s"),
    ("agency", "other_province"): _l("agency %(value)s is not in the province of the service point"),
    ("agency", "out_of_scope"): _l("agency %(value)s is outside your units"),
    ("answers", "empty"): _l("the row has no answers"),
    (None, "out_of_scale"): _l("%(item)s: %(value)s is not an answer code of this question"),
    (None, "not_a_code"): _l("%(item)s: %(value)s is not one of the listed choices"),
    (None, "wrong_type"): _l("%(item)s: an answer code (a number) is expected, not %(value)s"),
    (None, "duplicate_code"): _l("%(item)s: a choice is given twice"),
    (None, "too_many"): _l("%(item)s: too many choices"),
    (None, "too_long"): _l("%(item)s: the text is too long"),
    (None, "bad_character"): _l("%(item)s: the text contains a control character"),
    (None, "unknown_item"): _l("the questionnaire has no question %(item)s"),
    (None, "wrong_place"): _l("%(item)s is in the wrong group of columns (answers or respondent)"),
    (None, "routed_out"): _l("%(item)s is not asked after the earlier answers; leave it empty"),
    (None, "required"): _l("%(item)s must be answered"),
    (None, "extra_cells"): _l("the row has more cells than the header has columns"),
    (None, "too_many_rows"): _l("the file has too many rows"),
    (None, "out_of_scope"): _l("this service point is outside your units"),
    (None, "id_reused"): _l("this id was already used for other answers"),
    (None, "dossier_rated"): _l("this dossier has already been rated on this channel"),
    # The file as a whole (survey/csvfile.py).
    (None, "empty"): _l("the file is empty"),
    (None, "encoding"): _l("the file is not UTF-8 text (save it as CSV UTF-8)"),
    (None, "not_csv"): _l("the file is not readable as CSV"),
    (None, "too_large"): _l("a cell of column %(field)s is longer than 10,000 characters"),
    (None, "missing_column"): _l("column %(field)s is missing"),
    (None, "delimiter"): _l("columns must be separated by commas (,) or semicolons (;)"),
}


def row_error_text(error: dict) -> str:
    """One row error in the interface language, filled with its item, cell and field; English when not listed."""
    code, name = error.get("code"), str(error.get("field", ""))
    wording = ROW.get((name, code)) or ROW.get((name.split(".")[0], code)) or ROW.get((None, code))
    if wording is None:
        return str(error.get("message", ""))
    item = error.get("item") or (name.split(".", 1)[1] if "." in name else name)
    try:
        return str(wording) % {"item": item, "value": error.get("value", ""), "field": name}
    except (KeyError, TypeError, ValueError):
        return str(error.get("message", ""))


def file_error_text(error: dict) -> str:
    """A whole-file error with its line, in the interface language."""
    line = error.get("line")
    text = row_error_text(error)
    return str(_l("line %(line)s: %(text)s", line=line, text=text)) if line else text

"""The question-type registry: codes, validation with stable error codes, scoring hints and WTForms fields."""
from __future__ import annotations

import unicodedata

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from survey.errors import DomainError
from survey.instruments.definition import Choice, Item
from survey.instruments.types import REGISTRY, AnswerError, get_type

SAT = Item("A2.3.1", "sat5", {"vi": "Công chức lịch sự", "en": "Civil servants are polite"})
PICK = Item("C.1", "single", {"vi": "Hình thức", "en": "Channel"},
            choices=(Choice(1, {"vi": "Trực tiếp", "en": "In person"}),
                     Choice(2, {"vi": "Trực tuyến", "en": "Online"})))
MANY = Item("R", "multi", {"vi": "Lý do", "en": "Reasons"}, max_choices=2,
            choices=tuple(Choice(n, {"vi": f"Lý do {n}", "en": f"Reason {n}"}) for n in range(1, 5)))
NOTE = Item("COMMENT", "text", {"vi": "Ý kiến", "en": "Comment"}, max_length=10)


def _error(qtype: str, value: object, item: Item = SAT) -> str:
    with pytest.raises(AnswerError) as caught:
        get_type(qtype).validate(value, item)
    return caught.value.code


def test_registry_holds_every_type_of_the_methodology():
    assert set(REGISTRY) == {"sat5", "sat3", "prio3", "yesno", "freq3", "int3", "pts2", "single", "multi",
                             "text"}
    assert all(name == qtype.name for name, qtype in REGISTRY.items())


@pytest.mark.parametrize("name, codes", [
    ("sat5", (1, 2, 3, 4, 5, 9)), ("sat3", (2, 4, 5)), ("prio3", (1, 2, 3, 9)), ("yesno", (0, 1, 9)),
    ("freq3", (1, 2, 3, 9)), ("int3", (1, 2, 3, 9)), ("pts2", (0, 1, 2))])
def test_fixed_scale_codes_follow_methodology_2_1(name, codes):
    assert get_type(name).codes == codes


def test_sat3_labels_sit_on_the_sat5_codes():
    assert {code: text["vi"] for code, text in get_type("sat3").labels.items()} == {
        5: "Rất hài lòng", 4: "Hài lòng", 2: "Không hài lòng"}
    assert get_type("sat3").labels[4] == get_type("sat5").labels[4]


@pytest.mark.parametrize("name, scoring, tallied", [
    ("sat5", "top2box", True), ("sat3", "top2box", True), ("prio3", "share_2_3", True), ("pts2", "points", True),
    ("yesno", None, True), ("freq3", None, True), ("int3", None, True), ("single", None, True), ("multi", None, True),
    ("text", None, False)])
def test_scoring_hint_and_tallied(name, scoring, tallied):
    assert (get_type(name).scoring, get_type(name).tallied) == (scoring, tallied)


def test_answer_error_is_a_value_error_and_a_domain_error_with_a_code():
    with pytest.raises(ValueError) as caught:
        get_type("sat5").validate(6, SAT)
    assert isinstance(caught.value, DomainError) and caught.value.code == "out_of_scale"
    assert caught.value.params["item"] == "A2.3.1"


def test_sat5_accepts_its_codes_including_9():
    assert [get_type("sat5").validate(code, SAT) for code in (1, 5, 9)] == [1, 5, 9]


@pytest.mark.parametrize("value, code", [(6, "out_of_scale"), (0, "out_of_scale"), ("4", "wrong_type"),
                                         (4.0, "wrong_type"), (True, "wrong_type"), (None, "wrong_type"),
                                         ([4], "wrong_type")])
def test_sat5_rejections(value, code):
    assert _error("sat5", value) == code


def test_sat3_refuses_the_middle_code():
    assert _error("sat3", 3) == "out_of_scale"
    assert get_type("sat3").validate(2, SAT) == 2


def test_single_choice_accepts_listed_codes_only():
    assert get_type("single").validate(2, PICK) == 2
    assert _error("single", 3, PICK) == "not_a_code"
    assert _error("single", "1", PICK) == "wrong_type"
    assert get_type("single").codes_for(PICK) == (1, 2)


def test_multi_choice_normalises_to_sorted_codes():
    assert get_type("multi").validate([3, 1], MANY) == [1, 3]


@pytest.mark.parametrize("value, code", [(1, "wrong_type"), ([1, "2"], "wrong_type"), ([5], "not_a_code"),
                                         ([1, 1], "duplicate_code"), ([1, 2, 3], "too_many")])
def test_multi_choice_rejections(value, code):
    assert _error("multi", value, MANY) == code


def test_text_is_normalised_to_nfc_and_stripped():
    decomposed = unicodedata.normalize("NFD", "  Tốt lắm ")
    assert get_type("text").validate(decomposed, NOTE) == "Tốt lắm"


@pytest.mark.parametrize("value, code", [("x" * 11, "too_long"), (5, "wrong_type"), ("a\x00b", "bad_character"),
                                         ("a\ud800", "bad_character")])
def test_text_rejections(value, code):
    assert _error("text", value, NOTE) == code


def test_text_allows_line_breaks_and_counts_length_after_nfc():
    assert get_type("text").validate("a\nb", NOTE) == "a\nb"
    assert get_type("text").validate(unicodedata.normalize("NFD", "ệệệệệệệệệệ"), NOTE) == "ệệệệệệệệệệ"


def _form(item: Item, lang: str = "vi", data: MultiDict | None = None) -> Form:
    form_class = type("F", (Form,), {"answer": get_type(item.type).form_field(item, lang)})
    return form_class(formdata=data if data is not None else MultiDict())


def _pairs(form: Form) -> list[tuple[int, str]]:
    return [(choice.value, choice.label) for choice in form.answer.choices]


def test_scale_field_is_labelled_and_coerces_to_the_code():
    form = _form(SAT, "vi", MultiDict({"answer": "4"}))
    assert form.answer.label.text == "Công chức lịch sự"
    assert [choice.value for choice in form.answer.choices] == [1, 2, 3, 4, 5, 9]
    assert form.validate() and form.answer.data == 4


def test_scale_field_refuses_a_code_off_the_scale():
    form = _form(SAT, "vi", MultiDict({"answer": "7"}))
    assert not form.validate()


def test_scale_field_is_optional_unless_required():
    assert _form(SAT).validate()
    required = Item("Q", "sat3", {"vi": "Hài lòng?"}, required=True)
    assert not _form(required).validate()


def test_sat3_field_offers_three_levels_in_english():
    form = _form(Item("Q", "sat3", {"vi": "Hài lòng?", "en": "Satisfied?"}), "en")
    assert form.answer.label.text == "Satisfied?"
    assert _pairs(form) == [(5, "Very satisfied"), (4, "Satisfied"), (2, "Dissatisfied")]


def test_pts2_field_uses_the_indicator_scoring_labels():
    item = Item("I1", "pts2", {"vi": "Thời gian"},
                choices=(Choice(2, {"vi": "Trước hạn"}), Choice(0, {"vi": "Quá hạn"})))
    assert _pairs(_form(item)) == [(2, "Trước hạn"), (0, "Quá hạn")]


def test_multi_field_is_checkboxes_with_the_same_rules():
    form = _form(MANY, "en", MultiDict([("answer", "2"), ("answer", "1")]))
    assert form.validate() and form.answer.data == [1, 2]
    assert 'type="checkbox"' in form.answer()
    assert not _form(MANY, "en", MultiDict([("answer", "1"), ("answer", "2"), ("answer", "3")])).validate()


def test_text_field_normalises_and_limits_length():
    form = _form(NOTE, "vi", MultiDict({"answer": unicodedata.normalize("NFD", " Tốt ")}))
    assert form.validate() and form.answer.data == "Tốt"
    assert not _form(NOTE, "vi", MultiDict({"answer": "x" * 11})).validate()
    assert 'maxlength="10"' in form.answer()


def test_int3_is_the_interest_scale_of_methodology_2_3a():
    assert {code: text["vi"] for code, text in get_type("int3").labels.items()} == {
        1: "Không quan tâm", 2: "Quan tâm", 3: "Rất quan tâm", 9: "Không trả lời / không áp dụng"}

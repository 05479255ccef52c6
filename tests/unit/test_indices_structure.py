"""Reading instrument definitions into the index structure: flat (2640), nested (1001), groups and bad input."""
from __future__ import annotations

import pytest

from survey.errors import DomainError
from survey.indices import OVERALL, structure_from_definition


def sat5(*codes: str) -> list[dict]:
    return [{"code": c, "type": "sat5"} for c in codes]


def test_flat_instrument_uses_its_elements_as_top_components() -> None:
    s = structure_from_definition({"code": "SIPAS-2640", "version": "1", "sections": [
        {"code": "E1", "role": "factor", "items": sat5("E1.1", "E1.2")},
        {"code": "E2", "role": "factor", "items": sat5("E2.1")},
        {"code": "END", "role": "group", "items": sat5("OVERALL") + [{"code": "COMMENT", "type": "text"}]}]})
    assert s.top == ("E1", "E2") and s.items_under(OVERALL) == ("E1.1", "E1.2", "E2.1")
    assert "OVERALL" in s.item_types and "OVERALL" not in s.item_weights


def test_groups_inside_a_factor_are_transparent() -> None:
    s = structure_from_definition({"code": "T", "version": 1, "sections": [
        {"code": "A2", "role": "aspect", "sections": [
            {"code": "A2.5", "role": "factor", "sections": [
                {"code": "page", "role": "group", "items": sat5("A2.5.1", "A2.5.2")}]}]}]})
    assert s.components["A2.5"].items == ("A2.5.1", "A2.5.2") and s.components["A2"].children == ("A2.5",)
    assert s.component_of_item() == {"A2.5.1": "A2.5", "A2.5.2": "A2.5"}


@pytest.mark.parametrize(("defn", "code"), [
    ({"sections": [{"code": "F", "role": "factor", "weight": 0}]}, "instrument_weight_invalid"),
    ({"sections": [{"code": "F", "role": "factor", "items": [{"code": "i", "type": "sat5", "weight": "2"}]}]},
     "instrument_weight_invalid"),
    ({"sections": [{"code": "F", "role": "dimension"}]}, "instrument_role_invalid"),
    ({"sections": [{"code": "F", "role": "factor"}, {"code": "F", "role": "factor"}]},
     "instrument_component_code_invalid"),
    ({"sections": [{"code": "OVERALL", "role": "factor"}]}, "instrument_component_code_invalid"),
    ({"sections": [{"code": "F", "role": "factor", "items": sat5("i", "i")}]}, "instrument_item_repeated"),
])
def test_bad_definitions_raise_domain_errors(defn: dict, code: str) -> None:
    with pytest.raises(DomainError) as err:
        structure_from_definition(defn)
    assert err.value.code == code


"""Malformed definitions and responses are reported as errors, never raised: no input may become a 500."""
from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey.instruments.definition import load_definition, load_document, parse_definition
from survey.instruments.routing import applicable_items
from survey.instruments.validate import definition_errors, response_errors

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    """Every key/index path inside a JSON document."""
    found = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, here + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, here + (index,))
    return found


DOCS = {code: load_document(code) for code in ("SIPAS-1001", "KIOSK-QUICK", "ONESTOP-61")}
PATHS = [(code, path) for code, doc in DOCS.items() for path in _paths(doc)]


@FUZZ
@given(st.sampled_from(PATHS), JSON)
def test_a_definition_with_any_node_replaced_is_reported_or_parses(target, value):
    code, path = target
    doc = copy.deepcopy(DOCS[code])
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    errors = definition_errors(doc)
    assert all(set(error) == {"field", "code", "message"} for error in errors)
    if not errors:
        applicable_items(parse_definition(doc), {})


@FUZZ
@given(JSON)
def test_any_json_as_a_definition_is_reported(value):
    assert definition_errors(value)


KEYS = st.sampled_from(["X.4", "X.5", "A2.1.1", "A2.5.1", "P.1", "COMMENT", "C.1", "sex", "nope", ""])


@FUZZ
@given(st.dictionaries(KEYS, JSON, max_size=6), st.one_of(st.none(), st.dictionaries(KEYS, JSON, max_size=3)))
def test_any_answers_are_reported_not_raised(answers, respondent):
    errors = response_errors(load_definition("SIPAS-1001"), answers, respondent)
    assert all(set(error) == {"field", "code", "message"} for error in errors)

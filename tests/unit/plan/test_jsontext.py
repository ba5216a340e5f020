"""The fast indented JSON writer prints exactly what the standard library prints."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from octane.plan import jsontext

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text())
DOCS = st.recursive(
    SCALARS,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(st.text(), inner, max_size=4)),
    max_leaves=40)


def _stdlib(obj: Any, indent: int = 2) -> str:
    return json.dumps(obj, indent=indent, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(DOCS, st.sampled_from([2, 4]))
def test_same_text_as_the_standard_library(doc: Any, indent: int) -> None:
    assert jsontext.dumps(doc, indent) == _stdlib(doc, indent)


def test_escapes_unicode_and_control_characters_as_json_does() -> None:
    doc = {"Ψ": ["a\"b\\c\n\t\x00\x1f", "é", "\u2028", "\ud800"], "": {}, "l": [], "f": 1e100}
    assert jsontext.dumps(doc) == _stdlib(doc)


def test_what_it_does_not_handle_is_left_to_the_standard_library() -> None:
    keyed = {1: "a", None: [True], 2.5: {"x": float("inf")}}
    assert jsontext.dumps(keyed) == _stdlib(keyed)

    class Other:
        pass

    for bad in ({"x": Other()}, {1: Other()}):
        try:
            _stdlib(bad)
        except TypeError as exc:
            expected = str(exc)
        try:
            jsontext.dumps(bad)
        except TypeError as exc:
            assert str(exc) == expected
        else:
            raise AssertionError("no TypeError")
    loop: list[Any] = []
    loop.append(loop)
    try:
        jsontext.dumps(loop)
    except ValueError as exc:
        assert "Circular reference" in str(exc)
    else:
        raise AssertionError("no ValueError")

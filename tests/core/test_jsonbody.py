"""The strict JSON body reader refuses what would break the code or the database after it."""

import pytest
from django.utils import translation

from core.exceptions import SavadError
from core.jsonbody import MAX_DEPTH, MAX_INTEGER_DIGITS, parse_json


def refusal(body) -> str:
    with pytest.raises(SavadError) as refused, translation.override("en"):
        parse_json(body)
    assert refused.value.status == 400
    return str(refused.value.message)


def test_ordinary_json_is_read_as_json():
    body = '{"a": [1, -2.5, "x", true, null, {"b": 12345678901234567890}], "c": 1e300}'
    assert parse_json(body.encode()) == {
        "a": [1, -2.5, "x", True, None, {"b": 12345678901234567890}],
        "c": 1e300,
    }


def test_nesting_is_bounded_whether_or_not_it_exhausts_the_stack():
    assert "nested at most" in refusal("[" * 5000 + "]" * 5000)
    assert "nested at most" in refusal('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None


def test_long_integers_and_numbers_beyond_a_float_are_refused():
    assert "at most" in refusal("1" * 400)
    assert "at most" in refusal("-" + "9" * (MAX_INTEGER_DIGITS + 1))
    assert "too large" in refusal("1e400")
    assert "too large" in refusal("-" + "9" * 400 + ".5")
    assert "not a number" in refusal("[NaN]")
    assert "not a number" in refusal('{"x": -Infinity}')


def test_nul_characters_and_lone_surrogates_are_refused_in_values_and_keys():
    for body in ['"a\\u0000b"', '{"k\\u0000": 1}', '["\\ud800"]', '{"\\udfff": 1}']:
        assert "NUL" in refusal(body), body
    assert parse_json('"\\ud83d\\ude00"') == "\U0001f600"  # a pair is one character


def test_invalid_json_and_invalid_utf8_are_refused():
    assert "not valid JSON" in refusal(b"\xff\xfe")
    assert "not valid JSON" in refusal("{'single': 'quotes'}")


def test_the_message_is_translated():
    with pytest.raises(SavadError) as refused, translation.override("fa"):
        parse_json("1e400")
    assert "1e400" in str(refused.value.message)
    assert "too large" not in str(refused.value.message)

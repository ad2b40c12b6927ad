import pytest
from graphql import IntValueNode, StringValueNode

from domain.errors import BadInput
from schema.scalars import _parse_vnd, _parse_vnd_literal, _serialize_vnd


def test_vnd_beyond_32_bits_round_trips_exactly():
    national_total = 116_531_000_000_000
    assert _serialize_vnd(national_total) == "116531000000000"
    assert _parse_vnd("116531000000000") == national_total


@pytest.mark.parametrize("bad", ["1.5", "1e9", "", "abc", True, 1.0, "０１２", "+100", "1e6", "١٢٣"])
def test_vnd_refuses_anything_but_whole_ascii_digits_as_bad_user_input(bad):
    with pytest.raises(BadInput, match="VND must be a string of digits 0-9"):
        _parse_vnd(bad)


@pytest.mark.parametrize("digits", [22, 4_301, 5_000])
def test_an_integer_literal_too_long_for_an_amount_is_bad_user_input_not_a_value_error(digits):
    literal = IntValueNode(value="1" + "0" * (digits - 1))  # int() of 4,301 digits or more raises ValueError
    with pytest.raises(BadInput, match="VND must be a string of digits 0-9"):
        _parse_vnd_literal(literal)


def test_an_integer_literal_is_an_amount_like_its_string():
    assert _parse_vnd_literal(IntValueNode(value="116531000000000")) == 116_531_000_000_000
    assert _parse_vnd_literal(StringValueNode(value="116531000000000")) == 116_531_000_000_000

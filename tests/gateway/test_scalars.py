import pytest

from schema.scalars import _parse_vnd, _serialize_vnd


def test_vnd_beyond_32_bits_round_trips_exactly():
    national_total = 116_531_000_000_000
    assert _serialize_vnd(national_total) == "116531000000000"
    assert _parse_vnd("116531000000000") == national_total


@pytest.mark.parametrize("bad", ["1.5", "1e9", "", "abc", True, 1.0])
def test_vnd_refuses_anything_but_whole_digits(bad):
    with pytest.raises(ValueError, match="VND"):
        _parse_vnd(bad)

"""domain/provinces.py: one resolver of a province argument, over the organisation built from data/provinces.csv."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from domain.errors import BadInput
from domain.provinces import ProvinceName, UnknownProvince, province_names, province_slug, resolve_province
from ledger.reference import load_organisation

DATA = Path(__file__).resolve().parents[2] / "data"
AGENCIES = load_organisation(DATA)
PROVINCES = province_names(AGENCIES)


def test_every_current_province_of_the_data_is_in_the_directory_with_its_unit_code() -> None:
    rows = [line.split(",") for line in (DATA / "provinces.csv").read_text(encoding="utf-8").splitlines()[1:] if line]
    assert {p.code for p in PROVINCES} == {r[0] for r in rows}
    assert {p.code: p.unit_code for p in PROVINCES} == {r[0]: r[-1] or None for r in rows}


@pytest.mark.parametrize("province", PROVINCES, ids=lambda p: p.code)
def test_each_province_is_found_by_its_slug_name_official_name_unit_code_and_without_diacritics(
    province: ProvinceName,
) -> None:
    bare = "".join(
        c
        for c in unicodedata.normalize("NFD", province.name.replace("Đ", "D").replace("đ", "d"))
        if not unicodedata.combining(c)
    )
    written = [province.code, province.name, province.official_name, bare, bare.upper(), f"TP {province.name}"]
    if province.unit_code is not None:
        written.append(province.unit_code)
    for text in written:
        assert resolve_province(text, PROVINCES) == province.code, text


@pytest.mark.parametrize(("text", "closest"), [("Ha Noii", "ha-noi"), ("Hanoi", "ha-noi"), ("Da Nang x", "da-nang")])
def test_a_misspelling_is_unknown_with_the_closest_first(text: str, closest: str) -> None:
    with pytest.raises(UnknownProvince) as raised:
        resolve_province(text, PROVINCES)
    assert raised.value.suggestions[0] == closest
    assert raised.value.extensions()["code"] == "BAD_USER_INPUT"
    assert raised.value.extensions()["field"] == "province"


@pytest.mark.parametrize("text", ["", "   ", "x" * 101])
def test_empty_or_overlong_text_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput):
        resolve_province(text, PROVINCES)


def test_an_unknown_unit_code_is_unknown_and_none_stays_none() -> None:
    with pytest.raises(UnknownProvince):
        resolve_province("99", PROVINCES)
    assert province_slug(None, PROVINCES) is None
    assert province_slug("Huế", PROVINCES) == "hue"

"""The personnel adapter's fast path answers exactly what the strict reader answers, row for row (issue 17).

``adapters.personnel.read_officer`` reads a ``can_bo`` row by position with the dialect's ``fast_*``
readers and leaves anything unusual to ``parse_officer`` over ``Fields`` (the specification, as it read
every row before). For any row, well-formed or mangled, the answer must be the same Officer, with the
same types, or the same complaint; and a well-formed row must really take the fast path.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.dialect import Fields, Unsure, problem
from adapters.personnel import STAFF_COLUMNS, fast_officer, parse_officer, read_officer

many = settings(max_examples=400, deadline=None)  # a loaded CI machine must not fail a test on time alone

WORDS = ["Nguyễn Văn Hùng", "Trần Thị Bình", "Chấp hành viên trung cấp", "Trưởng phòng", "CB.hue.001", "Thạc sĩ Luật"]


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


well_formed_text = st.sampled_from(WORDS) | st.sampled_from(WORDS).map(nfd) | st.text(min_size=1).filter(str.strip)
odd_text = st.sampled_from(["", "   ", "\t", " Trưởng phòng "]) | st.none() | st.integers() | st.just(b"CB001")
well_formed_date = st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(lambda d: f"{d:%d/%m/%Y}")
odd_date = st.sampled_from(
    [" 15/08/1975", "15/08/1975 ", "1975-08-15", "5/8/1975", "31/02/2020", "00/01/2020", "15/13/1975", "", "٠٥/٠٣/٢٠٢٦"]
) | st.one_of(st.none(), st.integers(), st.dates(), st.text(max_size=12))
well_formed_sex = st.sampled_from(["Nam", "Nữ", nfd("Nữ")])
odd_sex = st.sampled_from([" Nam", "Nữ ", "M", "nam", "", "Nam\u200b"]) | st.none() | st.integers(0, 2)
odd_integer = st.sampled_from([0, -1, True, False, 1.0, "1", None, 2**70, -(2**70)])
odd_flag = st.sampled_from([2, -1, True, False, 1.0, 0.0, "1", None])


def column(good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any], *, optional: bool = False) -> Any:
    """Mostly well-formed, sometimes odd; an optional column is also null or blank."""
    choices = [good, good, good, odd]
    if optional:
        choices += [st.none(), st.sampled_from(["", "  "])]
    return st.one_of(*choices)


def rows(*, odd: bool) -> st.SearchStrategy[tuple[Any, ...]]:
    text = column(well_formed_text, odd_text) if odd else well_formed_text
    optional_text = column(well_formed_text, odd_text, optional=True) if odd else st.none() | well_formed_text
    day = column(well_formed_date, odd_date) if odd else well_formed_date
    optional_day = column(well_formed_date, odd_date, optional=True) if odd else st.none() | well_formed_date
    sex = column(well_formed_sex, odd_sex) if odd else well_formed_sex
    terms = column(st.integers(1, 5), odd_integer) if odd else st.integers(1, 5)
    flag = column(st.sampled_from([0, 1]), odd_flag) if odd else st.sampled_from([0, 1])
    return st.tuples(
        text,  # ma_can_bo
        text,  # ho_ten
        sex,  # gioi_tinh
        day,  # ngay_sinh
        text,  # so_cccd
        text,  # ma_don_vi
        optional_text,  # chuc_vu
        text,  # chuc_danh
        optional_day,  # ngay_bo_nhiem
        optional_day,  # ngay_het_nhiem_ky
        terms,  # so_nhiem_ky_lien_tiep
        flag,  # vi_tri_nhay_cam
        optional_day,  # ngay_nhan_vi_tri
        optional_text,  # dao_tao
        optional_text,  # ky_luat
    )


def strict(row: tuple[Any, ...]) -> tuple[object, ...]:
    """The strict reader alone, as the adapter read every row before issue 17 (by column name)."""
    try:
        return outcome(parse_officer(Fields(dict(zip(STAFF_COLUMNS, row, strict=True)))))
    except ValueError as error:
        return ("refused", type(error).__name__, problem(error))


def fast_then_strict(row: tuple[Any, ...]) -> tuple[object, ...]:
    try:
        return outcome(read_officer(row))
    except ValueError as error:
        return ("refused", type(error).__name__, problem(error))


def outcome(officer: object) -> tuple[object, ...]:
    """The value with its exact types (a StrEnum equals its str, a bool its int)."""
    return ("read", repr(officer), officer, tuple(type(v).__name__ for v in vars_of(officer)))


def vars_of(officer: object) -> list[object]:
    return [getattr(officer, name) for name in type(officer).__slots__]  # type: ignore[attr-defined]


def test_the_columns_are_in_the_order_the_fast_path_reads_them() -> None:
    assert STAFF_COLUMNS[:6] == ("ma_can_bo", "ho_ten", "gioi_tinh", "ngay_sinh", "so_cccd", "ma_don_vi")
    assert STAFF_COLUMNS[6:] == (
        "chuc_vu", "chuc_danh", "ngay_bo_nhiem", "ngay_het_nhiem_ky", "so_nhiem_ky_lien_tiep", "vi_tri_nhay_cam",
        "ngay_nhan_vi_tri", "dao_tao", "ky_luat",
    )  # fmt: skip


@many
@given(rows(odd=False))
def test_a_well_formed_row_takes_the_fast_path_and_reads_as_the_strict_reader_reads_it(row: tuple[Any, ...]) -> None:
    fast = fast_officer(row)  # no Unsure: the fast path is taken
    assert outcome(fast) == strict(row)


@many
@given(rows(odd=True))
def test_any_row_reads_or_is_refused_as_the_strict_reader_says(row: tuple[Any, ...]) -> None:
    assert fast_then_strict(row) == strict(row)


@pytest.mark.parametrize(
    ("index", "value", "complaint"),
    [
        (2, "M", "gioi_tinh: unknown value 'M'"),
        (3, "1975-08-15", "ngay_sinh: not a dd/mm/yyyy date: '1975-08-15'"),
        (3, "31/02/2020", "ngay_sinh: no such day: '31/02/2020'"),
        (3, None, "ngay_sinh: expected a dd/mm/yyyy date string, got None"),
        (0, "  ", "ma_can_bo: empty text"),
        (10, 0, "so_nhiem_ky_lien_tiep: expected at least 1, got 0"),
        (10, True, "so_nhiem_ky_lien_tiep: expected an integer, got True"),
        (11, 2, "vi_tri_nhay_cam: expected 0 or 1, got 2"),
        (8, 20250701, "ngay_bo_nhiem: expected a dd/mm/yyyy date string, got 20250701"),
    ],
)
def test_a_malformed_row_leaves_the_fast_path_and_is_refused_naming_the_column(
    index: int, value: object, complaint: str
) -> None:
    row: list[object] = [
        "CB001", "Nguyễn Văn Hùng", "Nam", "15/08/1975", "001075001234", "enforcement.ha-noi", "Trưởng phòng",
        "Chấp hành viên cao cấp", "01/07/2021", "30/06/2026", 2, 0, "01/07/2021", "Thạc sĩ Luật", None,
    ]  # fmt: skip
    assert read_officer(tuple(row)).code == "CB001"
    row[index] = value
    with pytest.raises(Unsure):
        fast_officer(tuple(row))
    with pytest.raises(ValueError, match="^" + complaint.replace("(", r"\(").replace(")", r"\)")):
        read_officer(tuple(row))
    assert strict(tuple(row))[0] == "refused"


def test_odd_but_readable_values_are_left_to_the_strict_reader_which_reads_them() -> None:
    row = (
        "CB001", "Nguyễn Văn Hùng", " Nam ", " 15/08/1975 ", "001075001234", "enforcement.ha-noi", None,
        "Chấp hành viên cao cấp", None, None, 1, 1.0, None, "  ", None,
    )  # fmt: skip
    with pytest.raises(Unsure):
        fast_officer(row)
    officer = read_officer(row)
    assert (officer.birth_date, officer.consecutive_terms, officer.sensitive_post, officer.training) == (
        date(1975, 8, 15),
        1,
        True,
        None,
    )
    assert fast_then_strict(row) == strict(row)
